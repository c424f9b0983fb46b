import { redirect } from '@sveltejs/kit';
import { todayIn } from '$lib/domain/periods';
import { getApp } from '$lib/server/app';
import { teamsOf } from '$lib/server/auth/access';
import { requireUser } from '$lib/server/guards';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	// A worker's start is the day on the phone; the team's board is one tap from there.
	if (user.role === 'worker') redirect(303, '/my-day');
	const { db } = await getApp();
	return {
		name: user.name,
		role: user.role,
		teams: await teamsOf(db, user, todayIn())
	};
};
