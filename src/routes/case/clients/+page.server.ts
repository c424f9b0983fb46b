import { z } from 'zod';
import { getApp } from '$lib/server/app';
import { requireRole } from '$lib/server/guards';
import { CASE_ROLES, caseTeams, listCaseClients } from '$lib/server/services/case-clients';
import { UUID } from '$lib/server/services/case-forms';
import type { PageServerLoad } from './$types';

const query = z.object({
	q: z.string().max(100).catch(''),
	team: z.string().regex(UUID).or(z.literal('')).catch(''),
	inactive: z.literal('1').or(z.literal('')).catch('')
});

export const load: PageServerLoad = async (event) => {
	const user = requireRole(event, CASE_ROLES);
	const { db } = await getApp();
	const p = event.url.searchParams;
	const filter = query.parse({
		q: p.get('q') ?? '',
		team: p.get('team') ?? '',
		inactive: p.get('inactive') ?? ''
	});
	const [teams, clients] = await Promise.all([
		caseTeams(db, user.organisationId),
		listCaseClients(
			db,
			user,
			{ search: filter.q, teamId: filter.team || undefined, inactive: filter.inactive === '1' },
			event.request.headers.get('user-agent') ?? ''
		)
	]);
	return {
		filter,
		teams: teams.map((t) => ({ id: t.id, name: t.name })),
		clients
	};
};
