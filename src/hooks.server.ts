import type { Handle, RequestEvent } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { getApp } from '$lib/server/app';
import { SESSION_COOKIE } from '$lib/server/auth/session';
import { setSessionCookie, deleteSessionCookie } from '$lib/server/auth/cookies';
import { paraglideMiddleware } from '$lib/paraglide/server';

const handleLocale: Handle = ({ event, resolve }) =>
	paraglideMiddleware(event.request, ({ request: localizedRequest, locale }) => {
		event.request = localizedRequest;
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale)
		});
	});

/**
 * SvelteKit checks the Origin of form posts only; the JSON API gets the same allowlist
 * here. Browsers omit Origin on same-origin GETs, so a missing Origin passes for reads.
 */
const handleApiOrigin: Handle = async ({ event, resolve }) => {
	if (event.url.pathname.startsWith('/api/')) {
		const origin = event.request.headers.get('origin');
		const { config } = await getApp();
		const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(event.request.method);
		if ((origin && !config.allowedOrigins.includes(origin)) || (unsafe && !origin)) {
			return Response.json({ error: 'origin-not-allowed' }, { status: 403 });
		}
	}
	return resolve(event);
};

/**
 * `POST /login` and `POST /logout` are a contract for scripts too (DESIGN.md §5): they
 * answer 303 like a browser form post, whatever Accept says. SvelteKit's own enhanced
 * forms announce themselves with `x-sveltekit-action` and keep their JSON answers.
 */
const handleFormContract: Handle = ({ event, resolve }) => {
	const { pathname } = event.url;
	if (
		event.request.method === 'POST' &&
		(pathname === '/login' || pathname === '/logout') &&
		!event.request.headers.has('x-sveltekit-action')
	) {
		const headers = new Headers(event.request.headers);
		headers.set('accept', 'text/html');
		event.request = new Request(event.request, { headers });
	}
	return resolve(event);
};

const handleSession: Handle = async ({ event, resolve }) => {
	event.locals.user = null;
	event.locals.session = null;
	const token = event.cookies.get(SESSION_COOKIE);
	if (token) {
		const { sessions } = await getApp();
		const result = await sessions.validate(token);
		if (result) {
			event.locals.user = result.user;
			event.locals.session = result.session;
			setSessionCookie(event, token, result.session.expiresAt);
		} else {
			deleteSessionCookie(event);
		}
	}
	return resolve(event);
};

const handleHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	setSecurityHeaders(event, response);
	return response;
};

function setSecurityHeaders(event: RequestEvent, response: Response) {
	const headers = response.headers;
	if (headers.has('x-content-type-options')) return;
	try {
		headers.set('x-content-type-options', 'nosniff');
		headers.set('referrer-policy', 'same-origin');
		headers.set('x-frame-options', 'DENY');
		headers.set('permissions-policy', 'camera=(), microphone=(), geolocation=()');
		if (event.locals.user) headers.set('cache-control', 'private, no-store');
	} catch {
		// Some responses (e.g. redirects from fetch) have immutable headers; nothing to add.
	}
}

export const handle = sequence(
	handleHeaders,
	handleApiOrigin,
	handleFormContract,
	handleSession,
	handleLocale
);
