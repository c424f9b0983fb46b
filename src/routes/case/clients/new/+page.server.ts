import { fail, redirect } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { requireRole } from '$lib/server/guards';
import { CASE_ROLES, caseTeams, createClient } from '$lib/server/services/case-clients';
import { parseClientForm } from '$lib/server/services/case-forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireRole(event, CASE_ROLES);
	const { db } = await getApp();
	return { teams: await caseTeams(db, user.organisationId) };
};

export const actions: Actions = {
	default: async (event) => {
		const user = requireRole(event, CASE_ROLES);
		const parsed = parseClientForm(await event.request.formData());
		if (!parsed.ok) return fail(400, { errors: parsed.errors, values: parsed.values });
		const { db } = await getApp();
		const result = await createClient(
			db,
			user,
			parsed.input,
			event.request.headers.get('user-agent') ?? ''
		);
		if (!result.ok) {
			return fail(400, {
				errors: result.status === 400 ? result.errors : [],
				values: parsed.values
			});
		}
		redirect(303, `/case/clients/${result.id}?created=1`);
	}
};
