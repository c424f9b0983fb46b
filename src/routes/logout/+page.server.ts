import { redirect } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { deleteSessionCookie } from '$lib/server/auth/cookies';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	/**
	 * Logging out ends this device's session (DESIGN.md §5) and closes its open boards at once
	 * (the realtime layer listens for ended sessions). The person's other devices stay signed
	 * in: logging out at the office must not sign out the phone whose outbox still holds the
	 * day's reports. Changing the password ends every other session.
	 */
	default: async (event) => {
		if (event.locals.session) {
			const { sessions } = await getApp();
			await sessions.invalidate(event.locals.session.id);
		}
		deleteSessionCookie(event);
		redirect(303, '/login?loggedOut');
	}
};
