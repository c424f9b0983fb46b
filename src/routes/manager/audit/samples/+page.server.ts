import { error, fail, redirect } from '@sveltejs/kit';
import { SAMPLE_DEFAULT_READS, defaultPeriod } from '$lib/domain/audit-sample';
import { todayIn } from '$lib/domain/periods';
import { getApp } from '$lib/server/app';
import { requireRole } from '$lib/server/guards';
import { deviceOf } from '$lib/server/http';
import { drawSample, listSamples } from '$lib/server/services/audit-samples';
import { MANAGER_ROLES, unitFor } from '$lib/server/services/manager-scope';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { unit } = await event.parent();
	const { db } = await getApp();
	return {
		samples: await listSamples(db, unit.id),
		defaults: { ...defaultPeriod(todayIn()), count: String(SAMPLE_DEFAULT_READS) }
	};
};

const field = (form: FormData, name: string) => {
	const value = form.get(name);
	return typeof value === 'string' ? value.trim().slice(0, 20) : '';
};

export const actions: Actions = {
	/** Draws a new sample of the unit's reads and opens it. */
	draw: async (event) => {
		const user = requireRole(event, MANAGER_ROLES);
		const { db } = await getApp();
		const requested = event.url.searchParams.get('unit');
		const chosen = await unitFor(db, user, requested);
		if (!chosen.ok) error(chosen.status, 'forbidden');
		const form = await event.request.formData();
		const values = {
			from: field(form, 'from'),
			to: field(form, 'to'),
			count: field(form, 'count')
		};
		const result = await drawSample(db, user, chosen.value.id, values, deviceOf(event));
		if (!result.ok) {
			if (result.status === 400) return fail(400, { errors: result.errors, values });
			error(result.status, 'forbidden');
		}
		const query = requested ? `?unit=${encodeURIComponent(chosen.value.id)}` : '';
		redirect(303, `/manager/audit/samples/${result.sampleId}${query}`);
	}
};
