import { redirect } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { deleteSessionCookie } from '$lib/server/auth/cookies';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async (event) => {
		if (event.locals.session) {
			const { sessions } = await getApp();
			await sessions.invalidate(event.locals.session.id);
		}
		deleteSessionCookie(event);
		redirect(303, '/login?loggedOut');
	}
};
