import { error } from '@sveltejs/kit';
import { isValidIsoDate, isoWeekKey, isoWeekRange, todayIn } from '$lib/domain/periods';
import { getApp } from '$lib/server/app';
import { teamsOf } from '$lib/server/auth/access';
import { audit } from '$lib/server/audit';
import { requireUser } from '$lib/server/guards';
import { listServices } from '$lib/server/services/catalogue';
import { staffMetLast14Days } from '$lib/server/services/continuity';
import { frameReport } from '$lib/server/services/frames';
import { teamClients, teamStaff } from '$lib/server/services/teams';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const { db } = await getApp();
	const today = todayIn();
	const asked = event.url.searchParams.get('date');
	const date = asked && isValidIsoDate(asked) ? asked : today;
	const week = isoWeekKey(date);
	const weekRange = isoWeekRange(week);
	const teams = await teamsOf(db, user, weekRange.start, weekRange.end);
	const team = teams.find((t) => t.id === event.params.teamId);
	if (!team) error(403, 'forbidden');

	const [staff, clients, services, frames] = await Promise.all([
		teamStaff(db, team.id, date),
		teamClients(db, team.id),
		listServices(db, user.organisationId, user.locale),
		frameReport(db, { teamId: team.id, period: weekRange })
	]);
	const continuity = await staffMetLast14Days(
		db,
		clients.map((c) => c.id),
		today
	);
	await audit(db, user, {
		action: 'read',
		clientIds: clients.map((c) => c.id),
		device: event.request.headers.get('user-agent') ?? '',
		detail: { what: 'board', teamId: team.id, week }
	});
	return {
		team,
		teams,
		date,
		today,
		week,
		me: { id: user.id, name: user.name, role: user.role },
		staff,
		clients,
		services: services.map((s) => ({
			code: s.code,
			name: s.name,
			requires: s.requires,
			twoStaff: s.twoStaff
		})),
		frames,
		continuity,
		privacyDefault: user.role === 'teamDevice'
	};
};
