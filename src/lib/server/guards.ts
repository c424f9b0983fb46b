/**
 * Page guards: pages redirect to the login when nobody is signed in and answer 403 to a
 * role or team that may not see them. JSON endpoints use http.ts instead.
 */
import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import type { Role } from '$lib/domain/types';
import type { SessionUser } from './auth/session';

export function requireUser(event: Pick<RequestEvent, 'locals' | 'url'>): SessionUser {
	const user = event.locals.user;
	if (!user) {
		const target = event.url.pathname + event.url.search;
		redirect(303, `/login?redirectTo=${encodeURIComponent(target)}`);
	}
	return user;
}

export function requireRole(
	event: Pick<RequestEvent, 'locals' | 'url'>,
	roles: readonly Role[]
): SessionUser {
	const user = requireUser(event);
	if (!roles.includes(user.role)) error(403, 'forbidden');
	return user;
}
