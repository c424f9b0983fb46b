import { error } from '@sveltejs/kit';
import { todayIn } from '$lib/domain/periods';
import { getApp } from '$lib/server/app';
import { teamsOf } from '$lib/server/auth/access';
import { audit } from '$lib/server/audit';
import { requireUser } from '$lib/server/guards';
import { frameReport } from '$lib/server/services/frames';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const { db } = await getApp();
	const today = todayIn();
	const team = (await teamsOf(db, user, today)).find((t) => t.id === event.params.teamId);
	if (!team) error(403, 'forbidden');
	// Each client's current frame period: the week or month (as the decision says) of today.
	const frames = await frameReport(db, { teamId: team.id, period: { start: today, end: today } });
	await audit(db, user, {
		action: 'read',
		clientIds: [...new Set(frames.map((f) => f.clientId))],
		device: event.request.headers.get('user-agent') ?? '',
		detail: { what: 'board-frames', teamId: team.id }
	});
	return { team, frames };
};
