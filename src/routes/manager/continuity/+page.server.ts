import { z } from 'zod';
import { isValidIsoDate, todayIn } from '$lib/domain/periods';
import { getApp } from '$lib/server/app';
import { audit } from '$lib/server/audit';
import { deviceOf } from '$lib/server/http';
import { continuityReport } from '$lib/server/services/continuity-report';
import { teamsOfUnit } from '$lib/server/services/manager-scope';
import type { PageServerLoad } from './$types';

const query = z.object({
	team: z.string().max(64).optional(),
	date: z.string().max(32).optional()
});

/** Continuity per client of the manager's unit (CO1–CO7), worst first, with team medians. */
export const load: PageServerLoad = async (event) => {
	const { unit } = await event.parent();
	const { db } = await getApp();
	const user = event.locals.user!;
	const params = query.parse(Object.fromEntries(event.url.searchParams));
	const teams = await teamsOfUnit(db, unit.id);
	const teamId = teams.some((t) => t.id === params.team) ? params.team! : '';
	const dateInput = params.date?.trim() ?? '';
	const dateValid = dateInput === '' || isValidIsoDate(dateInput);
	const day = dateInput !== '' && dateValid ? dateInput : todayIn();

	const report = await continuityReport(db, unit.id, day, { teamId: teamId || undefined });
	if (report.clients.length > 0) {
		await audit(db, user, {
			action: 'read',
			clientIds: report.clients.map((c) => c.id),
			device: deviceOf(event),
			unitId: unit.id,
			detail: { what: 'continuity', unitId: unit.id, day }
		});
	}
	return {
		report,
		teams,
		filter: { teamId, date: dateInput },
		dateError: !dateValid
	};
};
