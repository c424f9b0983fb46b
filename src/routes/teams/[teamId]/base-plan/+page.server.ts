import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import { addDays, isoWeekKey, todayIn } from '$lib/domain/periods';
import { getApp } from '$lib/server/app';
import { canAccessTeam, isHomeTeam, teamsOf } from '$lib/server/auth/access';
import type { SessionUser } from '$lib/server/auth/session';
import { audit } from '$lib/server/audit';
import { requireRole } from '$lib/server/guards';
import { deviceOf } from '$lib/server/http';
import {
	basePlanOfTeam,
	removePattern,
	savePattern,
	setPatternActive
} from '$lib/server/services/base-plan';
import { listServices } from '$lib/server/services/catalogue';
import type { SaveRefusal } from '$lib/ui/base-plan/types';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** The team's own staff, its tablet and the unit's manager keep the base plan. */
const ROLES = ['worker', 'teamDevice', 'manager'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The team's own people only: a worker of the team (not one lent to it for a day, who needs
 * that day's board and not the team's standing plan), the team's tablet while a person has
 * unlocked it (who is then named in the log), and the unit's manager.
 */
async function guard(event: RequestEvent): Promise<{ user: SessionUser; today: string }> {
	const user = requireRole(event, ROLES);
	if (!UUID.test(event.params.teamId)) error(404, 'not-found');
	const { db } = await getApp();
	const today = todayIn();
	const teamId = event.params.teamId;
	if (user.role === 'manager') {
		if (!(await canAccessTeam(db, user, teamId, today))) error(403, 'forbidden');
		return { user, today };
	}
	if (!(await isHomeTeam(db, user, teamId))) error(403, 'forbidden');
	if (user.role !== 'teamDevice') return { user, today };
	const acting = event.locals.session?.acting;
	if (!acting) error(403, 'forbidden');
	return { user: { ...user, id: acting.staffId }, today };
}

export const load: PageServerLoad = async (event) => {
	const { user, today } = await guard(event);
	const { db } = await getApp();
	const teamId = event.params.teamId;
	const [teams, clients, services] = await Promise.all([
		teamsOf(db, user, today),
		basePlanOfTeam(db, teamId, today),
		listServices(db, user.organisationId, user.locale)
	]);
	await audit(db, user, {
		action: 'read',
		clientIds: clients.map((c) => c.id),
		device: deviceOf(event),
		detail: { what: 'base-plan', teamId }
	});
	return {
		team: teams.find((t) => t.id === teamId) ?? { id: teamId, name: '' },
		today,
		nextWeekDate: addDays(today, 7),
		nextWeek: isoWeekKey(addDays(today, 7)),
		clients,
		services: services.map((s) => ({ code: s.code, name: s.name }))
	};
};

const text = z.string().max(5000);
const saveForm = z.object({
	clientId: z.string().regex(UUID),
	patternId: z.union([z.literal(''), z.string().regex(UUID)]),
	weekdays: z.array(z.string().max(10)).max(20),
	dayPart: text,
	services: z.array(z.string().max(60)).max(40),
	minutes: text,
	window: text,
	note: text
});
const patternForm = z.object({ patternId: z.string().regex(UUID) });

/** The fields as typed, so a refused form comes back with nothing lost. */
function valuesOf(form: z.infer<typeof saveForm>) {
	return {
		weekdays: form.weekdays.map(Number),
		dayPart: form.dayPart,
		services: form.services,
		minutes: Number(form.minutes),
		window: form.window,
		note: form.note
	};
}

export const actions: Actions = {
	save: async (event) => {
		const { user, today } = await guard(event);
		const data = await event.request.formData();
		const parsed = saveForm.safeParse({
			clientId: data.get('clientId'),
			patternId: data.get('patternId') ?? '',
			weekdays: data.getAll('weekdays'),
			dayPart: data.get('dayPart') ?? '',
			services: data.getAll('services'),
			minutes: data.get('minutes') ?? '',
			window: data.get('window') ?? '',
			note: data.get('note') ?? ''
		});
		if (!parsed.success) return fail(400, { action: 'save' as const, notFound: true });
		const form = parsed.data;
		const values = valuesOf(form);
		const { db } = await getApp();
		const result = await savePattern(db, user, {
			teamId: event.params.teamId,
			clientId: form.clientId,
			patternId: form.patternId || null,
			input: {
				...values,
				minutes: form.minutes.trim() === '' ? Number.NaN : values.minutes
			},
			today,
			device: deviceOf(event)
		});
		if (!result.ok) {
			const refusal: SaveRefusal = {
				action: 'save',
				clientId: form.clientId,
				patternId: form.patternId,
				notFound: result.status === 404,
				errors: result.status === 400 ? result.errors : {},
				notGranted: result.status === 400 ? result.notGranted : [],
				values
			};
			return fail(result.status, refusal);
		}
		return { action: 'save' as const, saved: result.id };
	},
	pause: async (event) => toggle(event, false),
	resume: async (event) => toggle(event, true),
	remove: async (event) => {
		const { user } = await guard(event);
		const parsed = patternForm.safeParse({
			patternId: (await event.request.formData()).get('patternId')
		});
		if (!parsed.success) return fail(400, { action: 'remove' as const, notFound: true });
		const { db } = await getApp();
		const removed = await removePattern(db, user, {
			teamId: event.params.teamId,
			patternId: parsed.data.patternId,
			device: deviceOf(event)
		});
		if (!removed) return fail(404, { action: 'remove' as const, notFound: true });
		return { action: 'remove' as const, saved: parsed.data.patternId };
	}
};

async function toggle(event: RequestEvent, active: boolean) {
	const { user } = await guard(event);
	const parsed = patternForm.safeParse({
		patternId: (await event.request.formData()).get('patternId')
	});
	if (!parsed.success) return fail(400, { action: 'toggle' as const, notFound: true });
	const { db } = await getApp();
	const changed = await setPatternActive(db, user, {
		teamId: event.params.teamId,
		patternId: parsed.data.patternId,
		active,
		device: deviceOf(event)
	});
	if (!changed) return fail(404, { action: 'toggle' as const, notFound: true });
	return { action: 'toggle' as const, saved: parsed.data.patternId };
}
