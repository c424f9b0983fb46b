import { z } from 'zod';
import { addDays, isoWeekKey, isoWeekRange, parsePeriodKey, todayIn } from '$lib/domain/periods';
import { getApp } from '$lib/server/app';
import { audit } from '$lib/server/audit';
import { deviceOf } from '$lib/server/http';
import { coverageReport, delegationsEndingInUnit } from '$lib/server/services/coverage';
import { teamsOfUnit } from '$lib/server/services/manager-scope';
import type { PageServerLoad } from './$types';

const query = z.object({
	week: z.string().max(32).optional(),
	team: z.string().max(64).optional()
});

/** Competence coverage of the unit's teams for an ISO week (CV1–CV4), gaps first. */
export const load: PageServerLoad = async (event) => {
	const { unit } = await event.parent();
	const { db } = await getApp();
	const user = event.locals.user!;
	const params = query.parse(Object.fromEntries(event.url.searchParams));
	const today = todayIn();
	const thisWeek = isoWeekKey(today);
	const weekInput = params.week?.trim().toUpperCase() ?? '';
	const parsed = weekInput === '' ? null : parsePeriodKey(weekInput);
	const weekValid = weekInput === '' || parsed?.kind === 'week';
	const week = parsed?.kind === 'week' ? parsed.key : thisWeek;
	const teams = await teamsOfUnit(db, unit.id);
	const teamId = teams.some((t) => t.id === params.team) ? params.team! : '';

	const [report, ending] = await Promise.all([
		coverageReport(db, unit.id, week, { teamId: teamId || undefined, locale: user.locale }),
		delegationsEndingInUnit(db, user, unit.id, today)
	]);
	const gapClients = [...new Set(report.gaps.flatMap((g) => g.clients.map((c) => c.id)))];
	if (gapClients.length > 0) {
		await audit(db, user, {
			action: 'read',
			clientIds: gapClients,
			device: deviceOf(event),
			unitId: unit.id,
			detail: { what: 'coverage', unitId: unit.id, week }
		});
	}
	return {
		report,
		ending,
		teams,
		filter: { teamId, week: weekValid ? week : weekInput },
		weekError: !weekValid,
		thisWeek,
		today,
		prevWeek: isoWeekKey(addDays(isoWeekRange(week).start, -7)),
		nextWeek: isoWeekKey(addDays(isoWeekRange(week).start, 7))
	};
};
