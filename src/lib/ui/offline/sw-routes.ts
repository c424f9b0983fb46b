/**
 * What the service worker does with each request, decided from the request alone so the
 * rules can be tested without a browser. The worker itself (src/service-worker.ts) only
 * carries them out.
 */

/**
 * - `shell`: a file of the build or of `static/`, the same for everyone: cache first.
 * - `navigation`: a page load; `data`: SvelteKit's `__data.json` for a client-side
 *   navigation. Both are personal: network first, the last good answer kept for offline.
 * - `bypass`: left to the browser, as if there were no worker.
 */
export type RequestKind = 'shell' | 'navigation' | 'data' | 'bypass';

/**
 * Paths the worker never answers, with everything below them. Signing in and out, the
 * language switch, the JSON API, the health check and the realtime sockets must always
 * reach the server, and what they answer must never be kept on the device.
 */
export const NEVER_TOUCH = [
	'/api',
	'/login',
	'/logout',
	'/locale',
	'/healthz',
	'/socket.io',
	'/yjs'
] as const;

/** The page opened offline when the one asked for was never kept: the worker's day. */
export const OFFLINE_START_PATH = '/my-day';

export interface RequestFacts {
	method: string;
	url: string;
	mode: string;
}

export interface WorkerScope {
	/** The origin the worker serves; requests elsewhere are never touched. */
	origin: string;
	/** The app's base path, '' at the root. */
	base: string;
	/** Paths of the app shell: `build` and `files` of `$service-worker`. */
	shell: ReadonlySet<string>;
}

export function classifyRequest(request: RequestFacts, scope: WorkerScope): RequestKind {
	if (request.method !== 'GET') return 'bypass';
	const url = new URL(request.url);
	if (url.origin !== scope.origin) return 'bypass';
	const path = appPath(url.pathname, scope.base);
	if (path === null || isNeverTouched(path)) return 'bypass';
	if (scope.shell.has(url.pathname)) return 'shell';
	if (request.mode === 'navigate') return 'navigation';
	if (path.endsWith('/__data.json')) return 'data';
	return 'bypass';
}

/** The path inside the app, or null for a path outside its base. */
function appPath(pathname: string, base: string): string | null {
	if (!base) return pathname;
	if (pathname === base) return '/';
	return pathname.startsWith(base + '/') ? pathname.slice(base.length) : null;
}

function isNeverTouched(path: string): boolean {
	return NEVER_TOUCH.some((prefix) => path === prefix || path.startsWith(prefix + '/'));
}

/** The key a page or data answer is kept under: its URL without the fragment. */
export function pageCacheKey(url: string): string {
	const key = new URL(url);
	key.hash = '';
	return key.href;
}

/**
 * Where to look, in order, when the network fails. Data requests only match themselves:
 * their query names the layouts to reload, so another answer would not fit. A page may
 * fall back to the same path without its query (the board of another day is better than
 * nothing) and then to the worker's day, the page the installed app starts on.
 */
export function offlineFallbacks(kind: 'navigation' | 'data', url: string, base: string): string[] {
	const exact = pageCacheKey(url);
	if (kind === 'data') return [exact];
	const { origin, pathname } = new URL(exact);
	return [...new Set([exact, origin + pathname, origin + base + OFFLINE_START_PATH])];
}

export interface ResponseFacts {
	status: number;
	redirected: boolean;
	type: string;
}

/**
 * Only a plain 200 from our own server is kept. A redirect (to /login when the session
 * has ended) or an error must reach the browser as it is and never replace the last good
 * copy of a page.
 */
export function isKeptResponse(response: ResponseFacts): boolean {
	return response.status === 200 && !response.redirected && response.type === 'basic';
}

/**
 * SvelteKit answers a data request that redirects or fails with status 200 too, and says
 * so in the body (`{"type":"redirect",…}`, or nodes of type `error`). Only real data is
 * kept. Streamed answers carry the nodes on their first line.
 */
export function isPageData(body: string): boolean {
	const end = body.indexOf('\n');
	try {
		const head: unknown = JSON.parse(end === -1 ? body : body.slice(0, end));
		if (!head || typeof head !== 'object') return false;
		const { type, nodes } = head as { type?: unknown; nodes?: unknown };
		return (
			type === 'data' &&
			Array.isArray(nodes) &&
			!nodes.some((node: { type?: unknown } | null) => node?.type === 'error')
		);
	} catch {
		return false;
	}
}
