import { redirect } from '@sveltejs/kit';
import { eq } from 'drizzle-orm';
import { cookieName, isLocale } from '$lib/paraglide/runtime';
import { getApp } from '$lib/server/app';
import { staff } from '$lib/server/db/schema';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

/** Switches the UI language; a signed-in user's choice also decides their verdict texts. */
export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const locale = String(form.get('locale') ?? '');
		const target = String(form.get('redirectTo') ?? '/');
		if (isLocale(locale)) {
			event.cookies.set(cookieName, locale, {
				path: '/',
				httpOnly: false,
				sameSite: 'lax',
				maxAge: 60 * 60 * 24 * 400
			});
			if (event.locals.user) {
				const { db } = await getApp();
				await db.update(staff).set({ locale }).where(eq(staff.id, event.locals.user.id));
			}
		}
		redirect(303, target.startsWith('/') && !target.startsWith('//') ? target : '/');
	}
};
