import { error, fail, redirect } from '@sveltejs/kit';
import { todayIn } from '$lib/domain/periods';
import { getApp } from '$lib/server/app';
import { requireRole } from '$lib/server/guards';
import { deviceOf } from '$lib/server/http';
import {
	canManagePeople,
	createStaff,
	homeTeamOptions,
	unitOptions
} from '$lib/server/services/people';
import {
	NEW_PERSON_FIELDS,
	newPersonForm,
	parseForm,
	valuesOf
} from '$lib/server/services/people-forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireRole(event, ['manager', 'admin']);
	if (!canManagePeople(user)) error(403, 'forbidden');
	const { db } = await getApp();
	const [teams, units] = await Promise.all([homeTeamOptions(db, user), unitOptions(db, user)]);
	return {
		teams: teams.map(({ id, name }) => ({ id, name })),
		units,
		isAdmin: user.role === 'admin'
	};
};

export const actions: Actions = {
	default: async (event) => {
		const user = requireRole(event, ['manager', 'admin']);
		if (!canManagePeople(user)) error(403, 'forbidden');
		const form = await event.request.formData();
		const values = valuesOf(form, [...NEW_PERSON_FIELDS, 'password']);
		// A manager adds workers; the role field is only offered to admins.
		if (user.role === 'manager') values.role = 'worker';
		const shown = valuesOf(form, NEW_PERSON_FIELDS);
		const parsed = parseForm(newPersonForm, values);
		if (!parsed.ok) return fail(400, { errors: parsed.errors, values: shown });
		const { db } = await getApp();
		const result = await createStaff(db, user, parsed.data, {
			device: deviceOf(event),
			today: todayIn()
		});
		if (!result.ok) {
			if (result.status !== 400) error(result.status, 'forbidden');
			return fail(400, { errors: result.errors, values: shown });
		}
		if (result.initialPassword === null) redirect(303, `/admin/staff/${result.id}`);
		return {
			created: {
				id: result.id,
				name: parsed.data.name,
				username: parsed.data.username,
				initialPassword: result.initialPassword
			}
		};
	}
};
