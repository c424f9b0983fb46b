/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * Lets the installed app open without reception, e.g. in a stairwell or a cellar. The app
 * shell (scripts, styles, icons) is the same for everyone and served from the cache; pages
 * hold personal data and always come from the server when it answers, with the last good
 * copy kept for when it does not. Which request is which is decided in
 * `$lib/ui/offline/sw-routes`; the kept pages are cleared at logout.
 */
import { base, build, files, version } from '$service-worker';
import { PAGES_CACHE, SHELL_CACHE_PREFIX, shellCacheName } from '$lib/ui/offline/cache-names';
import { offlineResponse } from '$lib/ui/offline/offline-page';
import {
	classifyRequest,
	isKeptResponse,
	isPageData,
	offlineFallbacks,
	pageCacheKey
} from '$lib/ui/offline/sw-routes';

const sw = self as unknown as ServiceWorkerGlobalScope;

const SHELL_CACHE = shellCacheName(version);
const SHELL_FILES = [...build, ...files];
const SHELL_PATHS: ReadonlySet<string> = new Set(SHELL_FILES);

sw.addEventListener('install', (event) => {
	event.waitUntil(precacheShell());
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(takeOver());
});

sw.addEventListener('fetch', (event) => {
	const { request } = event;
	const kind = classifyRequest(request, {
		origin: sw.location.origin,
		base,
		shell: SHELL_PATHS
	});
	if (kind === 'bypass') return;
	event.respondWith(kind === 'shell' ? fromShell(request) : networkFirst(event, kind));
});

/**
 * A page asks to be kept (`keepThisPage`): the first load of the app happens before this
 * worker controls it, so "Min dag" would otherwise not open offline until the next visit.
 */
sw.addEventListener('message', (event) => {
	const data = event.data as { type?: unknown; url?: unknown } | null;
	if (data?.type !== 'keep-page' || typeof data.url !== 'string') return;
	const url = data.url;
	const kind = classifyRequest(
		{ method: 'GET', url, mode: 'navigate' },
		{ origin: sw.location.origin, base, shell: SHELL_PATHS }
	);
	if (kind !== 'navigation') return;
	event.waitUntil(
		fetch(url, { credentials: 'same-origin', headers: { accept: 'text/html' } }).then(
			(response) => (isKeptResponse(response) ? keepPage('navigation', url, response) : undefined),
			() => undefined
		)
	);
});

async function precacheShell(): Promise<void> {
	const cache = await caches.open(SHELL_CACHE);
	await cache.addAll(SHELL_FILES);
	await sw.skipWaiting();
}

/**
 * Drops the shells of older builds. Pages kept by an older build point at its scripts and
 * styles, which are gone with its shell, so they go too: offline, a clear "no connection"
 * beats a page that cannot start. They are kept again on the next visit.
 */
async function takeOver(): Promise<void> {
	const old = (await caches.keys()).filter(
		(name) => name.startsWith(SHELL_CACHE_PREFIX) && name !== SHELL_CACHE
	);
	if (old.length > 0) {
		await Promise.all([...old, PAGES_CACHE].map((name) => caches.delete(name)));
	}
	await sw.clients.claim();
}

async function fromShell(request: Request): Promise<Response> {
	const cached = await caches.match(new URL(request.url).pathname, { cacheName: SHELL_CACHE });
	return cached ?? fetch(request);
}

async function networkFirst(event: FetchEvent, kind: 'navigation' | 'data'): Promise<Response> {
	const { request } = event;
	let response: Response;
	try {
		response = await fetch(request);
	} catch {
		return (await fromKeptPages(kind, request.url)) ?? offlineResponse(kind);
	}
	if (isKeptResponse(response)) event.waitUntil(keepPage(kind, request.url, response.clone()));
	return response;
}

async function fromKeptPages(
	kind: 'navigation' | 'data',
	url: string
): Promise<Response | undefined> {
	for (const key of offlineFallbacks(kind, url, base)) {
		const kept = await caches.match(key, { cacheName: PAGES_CACHE, ignoreVary: true });
		if (kept) return kept;
	}
	return undefined;
}

/** A full disk or an interrupted stream costs only the offline copy, never the answer. */
async function keepPage(kind: 'navigation' | 'data', url: string, response: Response) {
	try {
		if (kind === 'data') {
			const body = await response.text();
			if (!isPageData(body)) return;
			response = new Response(body, {
				status: response.status,
				statusText: response.statusText,
				headers: response.headers
			});
		}
		const cache = await caches.open(PAGES_CACHE);
		await cache.put(pageCacheKey(url), response);
	} catch {
		// Nothing kept this time; the page itself was answered.
	}
}
