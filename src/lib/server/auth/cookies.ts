import type { RequestEvent } from '@sveltejs/kit';
import { SESSION_COOKIE } from './session';

/** Secure everywhere except plain-http localhost, where browsers would drop the cookie. */
function isSecure(event: RequestEvent): boolean {
	const host = event.url.hostname;
	return !(event.url.protocol === 'http:' && (host === 'localhost' || host === '127.0.0.1'));
}

export function setSessionCookie(event: RequestEvent, token: string, expiresAt: Date): void {
	event.cookies.set(SESSION_COOKIE, token, {
		httpOnly: true,
		sameSite: 'lax',
		secure: isSecure(event),
		expires: expiresAt,
		path: '/'
	});
}

export function deleteSessionCookie(event: RequestEvent): void {
	event.cookies.set(SESSION_COOKIE, '', {
		httpOnly: true,
		sameSite: 'lax',
		secure: isSecure(event),
		maxAge: 0,
		path: '/'
	});
}
