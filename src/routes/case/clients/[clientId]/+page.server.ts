import { error, fail, type RequestEvent } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { requireRole } from '$lib/server/guards';
import { listServices } from '$lib/server/services/catalogue';
import {
	CASE_ROLES,
	caseClientDetails,
	caseTeams,
	revealClientAccessCode,
	setClientActive,
	updateClient
} from '$lib/server/services/case-clients';
import {
	changeDecision,
	createDecision,
	decisionHistory,
	endDecision,
	type DecisionWriteResult
} from '$lib/server/services/case-decisions';
import { UUID, parseClientForm, parseDecisionForm } from '$lib/server/services/case-forms';
import type { Actions, PageServerLoad } from './$types';

const deviceOf = (event: RequestEvent) => event.request.headers.get('user-agent') ?? '';

function clientIdOf(event: RequestEvent<{ clientId: string }>): string {
	if (!UUID.test(event.params.clientId)) error(404, 'not-found');
	return event.params.clientId;
}

export const load: PageServerLoad = async (event) => {
	const user = requireRole(event, CASE_ROLES);
	const clientId = clientIdOf(event);
	const { db } = await getApp();
	const details = await caseClientDetails(db, user, clientId, deviceOf(event));
	if (!details) error(404, 'not-found');
	const [history, teams, services] = await Promise.all([
		decisionHistory(db, clientId),
		caseTeams(db, user.organisationId),
		listServices(db, user.organisationId, user.locale)
	]);
	return {
		client: details,
		history,
		teams,
		services: services.map((s) => ({ code: s.code, name: s.name })),
		created: event.url.searchParams.has('created')
	};
};

/** The answer to a decision form: done, or its errors with what was typed. */
function decisionAnswer(
	result: DecisionWriteResult,
	form: string,
	values: unknown,
	done: 'decision-saved' | 'decision-changed' | 'decision-ended'
) {
	if (result.ok) return { done };
	if (result.status === 404) error(404, 'not-found');
	if (result.status === 409) return fail(409, { form, stale: true, errors: [], values });
	return fail(400, { form, errors: result.errors, values });
}

export const actions: Actions = {
	save: async (event) => {
		const user = requireRole(event, CASE_ROLES);
		const clientId = clientIdOf(event);
		const parsed = parseClientForm(await event.request.formData());
		if (!parsed.ok) {
			return fail(400, { form: 'client', errors: parsed.errors, values: parsed.values });
		}
		const { db } = await getApp();
		const result = await updateClient(db, user, clientId, parsed.input, deviceOf(event));
		if (!result.ok && result.status === 404) error(404, 'not-found');
		if (!result.ok)
			return fail(400, { form: 'client', errors: result.errors, values: parsed.values });
		return { done: 'client-saved' as const };
	},

	deactivate: async (event) => {
		const user = requireRole(event, CASE_ROLES);
		const { db } = await getApp();
		const result = await setClientActive(db, user, clientIdOf(event), false, deviceOf(event));
		if (!result.ok) error(404, 'not-found');
		return { done: 'deactivated' as const };
	},

	reactivate: async (event) => {
		const user = requireRole(event, CASE_ROLES);
		const { db } = await getApp();
		const result = await setClientActive(db, user, clientIdOf(event), true, deviceOf(event));
		if (!result.ok) error(404, 'not-found');
		return { done: 'reactivated' as const };
	},

	revealCode: async (event) => {
		const user = requireRole(event, CASE_ROLES);
		const { db } = await getApp();
		const code = await revealClientAccessCode(db, user, clientIdOf(event), deviceOf(event));
		if (code === null) error(404, 'not-found');
		return { accessCode: code };
	},

	createDecision: async (event) => {
		const user = requireRole(event, CASE_ROLES);
		const clientId = clientIdOf(event);
		const draft = parseDecisionForm(await event.request.formData());
		const { db } = await getApp();
		const result = await createDecision(db, user, clientId, draft, deviceOf(event));
		return decisionAnswer(result, 'new', draft, 'decision-saved');
	},

	changeDecision: async (event) => {
		const user = requireRole(event, CASE_ROLES);
		clientIdOf(event);
		const form = await event.request.formData();
		const decisionId = String(form.get('decisionId') ?? '');
		if (!UUID.test(decisionId)) error(404, 'not-found');
		const draft = parseDecisionForm(form);
		const { db } = await getApp();
		const result = await changeDecision(db, user, decisionId, draft, deviceOf(event));
		return decisionAnswer(result, `change:${decisionId}`, draft, 'decision-changed');
	},

	endDecision: async (event) => {
		const user = requireRole(event, CASE_ROLES);
		clientIdOf(event);
		const form = await event.request.formData();
		const decisionId = String(form.get('decisionId') ?? '');
		if (!UUID.test(decisionId)) error(404, 'not-found');
		const endDate = String(form.get('endDate') ?? '').slice(0, 20);
		const { db } = await getApp();
		const result = await endDecision(db, user, decisionId, endDate, deviceOf(event));
		return decisionAnswer(result, `end:${decisionId}`, { endDate }, 'decision-ended');
	}
};
