import { z } from 'zod';
import { checkPeriod, defaultPeriod } from '$lib/domain/audit-sample';
import { todayIn } from '$lib/domain/periods';
import { getApp } from '$lib/server/app';
import {
	AUDIT_ACTIONS,
	findUnitClients,
	organisationStaff,
	searchAuditLog,
	unitClient
} from '$lib/server/services/audit-search';
import { error } from '@sveltejs/kit';
import { requireRole } from '$lib/server/guards';
import { MANAGER_ROLES, unitFor } from '$lib/server/services/manager-scope';
import type { Actions, PageServerLoad } from './$types';

const uuid = z.uuid();

/**
 * The unit's access log, searched by client, user, period and action (not itself logged). The
 * client is chosen by id; finding one by name is the posted `find` action, so a name never
 * travels in the address (docs/security.md, "Logs and addresses").
 */
export const load: PageServerLoad = async (event) => {
	const { unit } = await event.parent();
	const user = event.locals.user!;
	const params = event.url.searchParams;
	const today = todayIn();
	const period = defaultPeriod(today);
	const text = (name: string, max = 100) => (params.get(name) ?? '').trim().slice(0, max);
	const values = {
		client: text('client', 40),
		staff: text('staff', 40),
		action: text('action', 20),
		from: text('from', 10) || period.from,
		to: text('to', 10) || period.to
	};
	const clientId = uuid.safeParse(values.client).success ? values.client : null;
	const staffId = uuid.safeParse(values.staff).success ? values.staff : null;
	const action = AUDIT_ACTIONS.find((a) => a === values.action) ?? null;
	const pageNumber = Math.max(
		1,
		Math.min(100_000, Number.parseInt(params.get('page') ?? '1') || 1)
	);
	const errors = checkPeriod(values.from, values.to);
	const { db } = await getApp();
	const [chosenClient, people] = await Promise.all([
		clientId ? unitClient(db, unit.id, clientId) : Promise.resolve(null),
		organisationStaff(db, user.organisationId)
	]);
	const valid = Object.keys(errors).length === 0 && (clientId === null || chosenClient !== null);
	const result = valid
		? await searchAuditLog(
				db,
				{ id: unit.id, organisationId: user.organisationId },
				{ clientId, staffId, action, from: values.from, to: values.to, page: pageNumber }
			)
		: { rows: [], total: 0, page: 1, pages: 1 };
	return {
		values,
		errors,
		client: chosenClient,
		people,
		actions: [...AUDIT_ACTIONS],
		result,
		filter: { clientId: chosenClient?.id ?? null, staffId, action }
	};
};

export const actions: Actions = {
	/** The unit's clients whose name holds what was typed, to pick one by id. */
	find: async (event) => {
		const user = requireRole(event, MANAGER_ROLES);
		const { db } = await getApp();
		const chosen = await unitFor(db, user, event.url.searchParams.get('unit'));
		if (!chosen.ok) error(chosen.status, 'forbidden');
		const value = (await event.request.formData()).get('q');
		const q = (typeof value === 'string' ? value : '').trim().slice(0, 100);
		return { q, matches: q ? await findUnitClients(db, chosen.value.id, q) : [] };
	}
};
