import { error } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { requireRole } from '$lib/server/guards';
import { canManagePeople, homeTeamOptions, listStaff } from '$lib/server/services/people';
import type { PageServerLoad } from './$types';

const STATUSES = ['active', 'inactive', 'all'] as const;

export const load: PageServerLoad = async (event) => {
	const user = requireRole(event, ['manager', 'admin']);
	if (!canManagePeople(user)) error(403, 'forbidden');
	const params = event.url.searchParams;
	const q = (params.get('q') ?? '').slice(0, 100);
	const teamId = params.get('team') ?? '';
	const status = STATUSES.find((s) => s === params.get('status')) ?? 'active';
	const { db } = await getApp();
	const [people, teams] = await Promise.all([
		listStaff(db, user, { q, teamId, status }),
		homeTeamOptions(db, user)
	]);
	return {
		people,
		teams: teams.map(({ id, name }) => ({ id, name })),
		filter: { q, teamId, status },
		isAdmin: user.role === 'admin'
	};
};
