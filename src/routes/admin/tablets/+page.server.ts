import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import { getApp } from '$lib/server/app';
import { requireRole } from '$lib/server/guards';
import { deviceOf } from '$lib/server/http';
import { canManagePeople, homeTeamOptions } from '$lib/server/services/people';
import { listTablets, registerTablet, setTabletActive } from '$lib/server/services/tablets';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireRole(event, ['manager', 'admin']);
	if (!canManagePeople(user)) error(403, 'forbidden');
	const { db } = await getApp();
	const [tablets, teams] = await Promise.all([listTablets(db, user), homeTeamOptions(db, user)]);
	return { tablets, teams: teams.map(({ id, name }) => ({ id, name })) };
};

const registerForm = z.object({ teamId: z.string(), username: z.string().max(100) });
const activeForm = z.object({ tabletId: z.string().max(100), active: z.enum(['true', 'false']) });

export const actions: Actions = {
	register: async (event) => {
		const user = requireRole(event, ['manager', 'admin']);
		const form = Object.fromEntries(await event.request.formData());
		const parsed = registerForm.safeParse(form);
		const values = { teamId: String(form.teamId ?? ''), username: String(form.username ?? '') };
		if (!parsed.success) return fail(400, { errors: { username: 'username-invalid' }, values });
		const { db } = await getApp();
		const result = await registerTablet(db, user, parsed.data, deviceOf(event));
		if (!result.ok) {
			if (result.status === 403) error(403, 'forbidden');
			return fail(400, { errors: result.errors, values });
		}
		return { created: { username: result.username, password: result.password } };
	},
	active: async (event) => {
		const user = requireRole(event, ['manager', 'admin']);
		const parsed = activeForm.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) error(400, 'invalid');
		const { db, sessions } = await getApp();
		const result = await setTabletActive(
			db,
			sessions,
			user,
			parsed.data.tabletId,
			parsed.data.active === 'true',
			deviceOf(event)
		);
		if (!result.ok) error(result.status, result.status === 404 ? 'not-found' : 'forbidden');
		return { changed: true };
	}
};
