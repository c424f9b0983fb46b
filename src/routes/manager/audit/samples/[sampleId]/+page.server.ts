import { error, fail } from '@sveltejs/kit';
import { JUDGEMENTS, type Judgement } from '$lib/domain/audit-sample';
import { getApp } from '$lib/server/app';
import { requireRole } from '$lib/server/guards';
import { deviceOf } from '$lib/server/http';
import {
	MAX_COMMENT,
	MAX_CONCLUSION,
	concludeSample,
	getSample,
	judgeItem,
	type Outcome
} from '$lib/server/services/audit-samples';
import { MANAGER_ROLES } from '$lib/server/services/manager-scope';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireRole(event, MANAGER_ROLES);
	const { db } = await getApp();
	const found = await getSample(db, user, event.params.sampleId);
	if (!found.ok) error(found.status, found.status === 404 ? 'not-found' : 'forbidden');
	return { sample: found.sample };
};

const text = (form: FormData, name: string, max: number) => {
	const value = form.get(name);
	return typeof value === 'string' ? value.slice(0, max + 1) : '';
};

/** Maps a service outcome: bad input and a concluded sample come back to the form. */
function answer(action: string, result: Outcome<object>, values: Record<string, string>) {
	if (result.ok) return { action, done: true as const, errors: {}, values };
	if (result.status === 400 || result.status === 409) {
		return fail(result.status, {
			action,
			done: false as const,
			errors: result.errors ?? {},
			values
		});
	}
	error(result.status, result.status === 404 ? 'not-found' : 'forbidden');
}

export const actions: Actions = {
	judge: async (event) => {
		const user = requireRole(event, MANAGER_ROLES);
		const form = await event.request.formData();
		const values = {
			auditLogId: text(form, 'auditLogId', 20),
			judgement: text(form, 'judgement', 20),
			comment: text(form, 'comment', MAX_COMMENT)
		};
		const auditLogId = /^\d{1,18}$/.test(values.auditLogId) ? Number(values.auditLogId) : NaN;
		const judgement = JUDGEMENTS.find((j) => j === values.judgement);
		if (!Number.isSafeInteger(auditLogId) || !judgement) {
			return fail(400, {
				action: 'judge',
				done: false as const,
				errors: { judgement: 'judgement' } as Record<string, string>,
				values
			});
		}
		const { db } = await getApp();
		const result = await judgeItem(db, user, event.params.sampleId, {
			auditLogId,
			judgement: judgement as Judgement,
			comment: values.comment
		});
		return answer('judge', result, values);
	},
	conclude: async (event) => {
		const user = requireRole(event, MANAGER_ROLES);
		const form = await event.request.formData();
		const values = { conclusion: text(form, 'conclusion', MAX_CONCLUSION) };
		const { db } = await getApp();
		const result = await concludeSample(db, user, event.params.sampleId, values, deviceOf(event));
		return answer('conclude', result, values);
	}
};
