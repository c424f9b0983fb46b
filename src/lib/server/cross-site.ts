/**
 * Cross-site defences on every request (docs/security.md, "Cross-site requests and
 * headers"), as SvelteKit handles composed in hooks.server.ts: the Origin allowlist for the
 * JSON API and the security headers. Kept here so tests can run them without SvelteKit.
 */
import type { Handle, RequestEvent } from '@sveltejs/kit';
import { getApp } from './app';

/**
 * SvelteKit checks the Origin of form posts only; the JSON API gets the same allowlist
 * here. Browsers omit Origin on same-origin GETs, so a missing Origin passes for reads,
 * unless the browser says the request came from another site (`Sec-Fetch-Site`), as a
 * `<script src>` or `<img src>` on a foreign page would.
 */
export const handleApiOrigin: Handle = async ({ event, resolve }) => {
	if (event.url.pathname.startsWith('/api/')) {
		const origin = event.request.headers.get('origin');
		const { config } = await getApp();
		const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(event.request.method);
		const crossSite = event.request.headers.get('sec-fetch-site') === 'cross-site';
		if (
			(origin && !config.allowedOrigins.includes(origin)) ||
			(unsafe && !origin) ||
			(!origin && crossSite)
		) {
			return Response.json({ error: 'origin-not-allowed' }, { status: 403 });
		}
	}
	return resolve(event);
};

export const handleHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	setSecurityHeaders(event, response);
	return response;
};

/**
 * Headers on every answer of the app (docs/security.md). The Content-Security-Policy itself
 * comes from `kit.csp` in svelte.config.js, with a fresh nonce per page; here its
 * connect-src gets the app's own WebSocket origin spelled out, since Safari before 16 does
 * not count ws:/wss: as 'self'.
 */
function setSecurityHeaders(event: RequestEvent, response: Response) {
	const headers = response.headers;
	if (headers.has('x-content-type-options')) return;
	try {
		const csp = headers.get('content-security-policy');
		if (csp) {
			const ws = event.url.origin.replace(/^http/, 'ws');
			headers.set(
				'content-security-policy',
				csp.replace(/(^|;\s*)connect-src 'self'/, `$1connect-src 'self' ${ws}`)
			);
		}
		headers.set('x-content-type-options', 'nosniff');
		headers.set('referrer-policy', 'same-origin');
		headers.set('x-frame-options', 'DENY');
		headers.set('permissions-policy', 'camera=(), microphone=(), geolocation=()');
		if (event.locals.user) headers.set('cache-control', 'private, no-store');
	} catch {
		// Some responses (e.g. redirects from fetch) have immutable headers; nothing to add.
	}
}
