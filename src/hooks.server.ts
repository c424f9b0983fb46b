import type { Handle, HandleServerError } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { getApp } from '$lib/server/app';
import { SESSION_COOKIE } from '$lib/server/auth/session';
import { setSessionCookie, deleteSessionCookie } from '$lib/server/auth/cookies';
import { handleApiOrigin, handleHeaders } from '$lib/server/cross-site';
import { logServerError } from '$lib/server/error-log';
import { paraglideMiddleware } from '$lib/paraglide/server';

const handleLocale: Handle = ({ event, resolve }) =>
	paraglideMiddleware(event.request, ({ request: localizedRequest, locale }) => {
		event.request = localizedRequest;
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale)
		});
	});

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

export const handle = sequence(
	handleHeaders,
	handleApiOrigin,
	handleFormContract,
	handleSession,
	handleLocale
);

/** Unexpected errors are logged without the values of the statement that failed. */
export const handleError: HandleServerError = ({ error, event, status, message }) =>
	logServerError(error, { method: event.request.method, routeId: event.route.id }, status, message);
