import { todayIn } from '$lib/domain/periods';
import { getApp } from '$lib/server/app';
import { teamsOf } from '$lib/server/auth/access';
import { requireUser } from '$lib/server/guards';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const { db } = await getApp();
	return {
		name: user.name,
		role: user.role,
		teams: await teamsOf(db, user, todayIn())
	};
};
