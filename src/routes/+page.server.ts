import { redirect } from '@sveltejs/kit';
import { todayIn } from '$lib/domain/periods';
import { getApp } from '$lib/server/app';
import { teamsOf } from '$lib/server/auth/access';
import { requireUser } from '$lib/server/guards';
import { delegationsEndingSoon } from '$lib/server/services/competences';
import { canManagePeople } from '$lib/server/services/people';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	// A worker's start is the day on the phone; the team's board is one tap from there.
	if (user.role === 'worker') redirect(303, '/my-day');
	const { db } = await getApp();
	const today = todayIn();
	const managesPeople = canManagePeople(user);
	const [teams, expiring] = await Promise.all([
		// Boards only: a case officer sees clients and decisions, not the teams' boards.
		teamsOf(db, user, today, today, 'board'),
		managesPeople ? delegationsEndingSoon(db, user, today, 30) : Promise.resolve(null)
	]);
	return {
		name: user.name,
		role: user.role,
		teams,
		/** Delegations of the manager's unit (an admin's organisation) ending within 30 days. */
		expiring,
		links: {
			followUp: user.role === 'manager' || user.role === 'admin',
			staff: managesPeople,
			clients: user.role === 'caseOfficer' || user.role === 'admin'
		}
	};
};
