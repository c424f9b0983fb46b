import { fail, redirect } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { attemptLogin } from '$lib/server/auth/login';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { cookieName as localeCookie } from '$lib/paraglide/runtime';
import type { Actions, PageServerLoad } from './$types';

/** Only same-site paths, so a crafted link cannot send a fresh login elsewhere. */
function safeRedirect(target: string | null): string {
	return target && target.startsWith('/') && !target.startsWith('//') ? target : '/';
}

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user) redirect(303, safeRedirect(url.searchParams.get('redirectTo')));
	return { loggedOut: url.searchParams.has('loggedOut') };
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const username = String(form.get('username') ?? '').trim();
		const password = String(form.get('password') ?? '');
		if (!username || !password) {
			return fail(400, { username, error: 'missing' as const });
		}
		if (username.length > 100 || password.length > 256) {
			return fail(400, { username: '', error: 'invalid' as const });
		}
		const { db, sessions } = await getApp();
		const result = await attemptLogin(db, sessions, {
			username,
			password,
			address: event.getClientAddress(),
			userAgent: event.request.headers.get('user-agent') ?? ''
		});
		if (!result.ok) {
			if (result.reason === 'rate-limited') {
				return fail(429, {
					username,
					error: 'rate-limited' as const,
					retryAfterSeconds: result.retryAfterSeconds
				});
			}
			return fail(400, { username, error: 'invalid' as const });
		}
		// A session this browser already had is ended, not carried over: the new sign-in gets a
		// new token whatever cookie came with it.
		if (event.locals.session) await sessions.invalidate(event.locals.session.id);
		setSessionCookie(event, result.token, result.session.expiresAt);
		if (!event.cookies.get(localeCookie)) {
			event.cookies.set(localeCookie, result.user.locale, {
				path: '/',
				httpOnly: false,
				sameSite: 'lax',
				maxAge: 60 * 60 * 24 * 400
			});
		}
		redirect(303, safeRedirect(event.url.searchParams.get('redirectTo')));
	}
};
