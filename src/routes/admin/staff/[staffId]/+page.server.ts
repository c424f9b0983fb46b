import { error, fail, type RequestEvent } from '@sveltejs/kit';
import { todayIn } from '$lib/domain/periods';
import { getApp } from '$lib/server/app';
import { requireRole } from '$lib/server/guards';
import { deviceOf } from '$lib/server/http';
import {
	canManagePeople,
	endLoan,
	getPerson,
	homeTeamOptions,
	lendStaff,
	lendTeamOptions,
	resetStaffPassword,
	setStaffActive,
	unitOptions,
	updateStaff,
	type Result
} from '$lib/server/services/people';
import {
	competenceCatalogue,
	endCompetenceEarly,
	issueCompetence,
	personCompetences,
	renewCompetence
} from '$lib/server/services/competences';
import {
	emptyForm,
	endEarlyForm,
	endLoanForm,
	issueForm,
	lendForm,
	parseForm,
	passwordForm,
	renewForm,
	updatePersonForm,
	valuesOf,
	type FormValues
} from '$lib/server/services/people-forms';
import type { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireRole(event, ['manager', 'admin']);
	if (!canManagePeople(user)) error(403, 'forbidden');
	const { db } = await getApp();
	const today = todayIn();
	const found = await getPerson(db, user, event.params.staffId, today);
	if (!found.ok) error(found.status, found.status === 404 ? 'not-found' : 'forbidden');
	const [competences, catalogue, homeTeams, lendTeams, units] = await Promise.all([
		personCompetences(db, user, found.person.id, today),
		competenceCatalogue(db, user.organisationId, user.locale),
		homeTeamOptions(db, user),
		lendTeamOptions(db, user),
		unitOptions(db, user)
	]);
	return {
		person: found.person,
		competences,
		catalogue,
		homeTeams: homeTeams.map(({ id, name }) => ({ id, name })),
		lendTeams: lendTeams
			.filter((t) => t.id !== found.person.homeTeam?.id)
			.map(({ id, name }) => ({ id, name })),
		units,
		isAdmin: user.role === 'admin',
		today
	};
};

/**
 * One form action: guard, parse, call the service, map the result. Refusals outside the
 * user's scope are 403/404 pages; bad input comes back with the values typed.
 */
async function act<S extends z.ZodType>(
	event: RequestEvent,
	action: string,
	schema: S,
	fields: readonly string[],
	run: (
		deps: Awaited<ReturnType<typeof getApp>> & {
			user: NonNullable<App.Locals['user']>;
			opts: { device: string; today: string };
		},
		data: z.infer<S>
	) => Promise<Result<Record<string, unknown>>>,
	secret: readonly string[] = []
) {
	const user = requireRole(event, ['manager', 'admin']);
	if (!canManagePeople(user)) error(403, 'forbidden');
	const form = await event.request.formData();
	const values = valuesOf(form, [...fields, ...secret]);
	const shown: FormValues = valuesOf(form, fields);
	const parsed = parseForm(schema, values);
	if (!parsed.ok) return fail(400, { action, errors: parsed.errors, values: shown });
	const app = await getApp();
	const result = await run(
		{ ...app, user, opts: { device: deviceOf(event), today: todayIn() } },
		parsed.data as z.infer<S>
	);
	if (!result.ok) {
		if (result.status !== 400)
			error(result.status, result.status === 404 ? 'not-found' : 'forbidden');
		return fail(400, { action, errors: result.errors, values: shown });
	}
	const { ok: _ok, ...rest } = result;
	return { action, done: true as const, ...rest };
}

export const actions: Actions = {
	update: (event) =>
		act(
			event,
			'update',
			updatePersonForm,
			['role', 'homeTeamId', 'unitId'],
			({ db, user, opts }, d) => updateStaff(db, user, event.params.staffId, d, opts)
		),
	password: (event) =>
		act(
			event,
			'password',
			passwordForm,
			[],
			({ db, sessions, user, opts }, d) =>
				resetStaffPassword(db, sessions, user, event.params.staffId, d.password, opts),
			['password']
		),
	deactivate: (event) =>
		act(event, 'deactivate', emptyForm, [], ({ db, sessions, user, opts }) =>
			setStaffActive(db, sessions, user, event.params.staffId, false, opts)
		),
	activate: (event) =>
		act(event, 'activate', emptyForm, [], ({ db, sessions, user, opts }) =>
			setStaffActive(db, sessions, user, event.params.staffId, true, opts)
		),
	lend: (event) =>
		act(event, 'lend', lendForm, ['teamId', 'from', 'to'], ({ db, user, opts }, d) =>
			lendStaff(db, user, event.params.staffId, d, opts)
		),
	endLoan: (event) =>
		act(event, 'endLoan', endLoanForm, ['teamId', 'from'], ({ db, user, opts }, d) =>
			endLoan(db, user, event.params.staffId, d, opts)
		),
	issue: (event) =>
		act(
			event,
			'issue',
			issueForm,
			['code', 'validFrom', 'validTo', 'issuedBy'],
			({ db, user, opts }, d) => issueCompetence(db, user, event.params.staffId, d, opts)
		),
	renew: (event) =>
		act(
			event,
			'renew',
			renewForm,
			['competenceId', 'validTo', 'issuedBy'],
			({ db, user, opts }, d) =>
				renewCompetence(db, user, event.params.staffId, d.competenceId, d, opts)
		),
	endEarly: (event) =>
		act(event, 'endEarly', endEarlyForm, ['competenceId', 'validTo'], ({ db, user, opts }, d) =>
			endCompetenceEarly(db, user, event.params.staffId, d.competenceId, d, opts)
		)
};
