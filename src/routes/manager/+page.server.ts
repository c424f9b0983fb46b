import { z } from 'zod';
import { isoWeekKey, monthKey, parsePeriodKey, todayIn } from '$lib/domain/periods';
import { shiftPeriod, USAGE_FLAGS, flagRank, type UsageFlag } from '$lib/domain/usage';
import { getApp } from '$lib/server/app';
import { audit } from '$lib/server/audit';
import { deviceOf } from '$lib/server/http';
import { teamsOfUnit } from '$lib/server/services/manager-scope';
import { unitUsage, type ClientUsage } from '$lib/server/services/unit-usage';
import type { PageServerLoad } from './$types';

const SORTS = ['flags', 'name', 'team', 'used', 'left', 'projected'] as const;
export type OverviewSort = (typeof SORTS)[number];

const query = z.object({
	period: z.string().max(10).catch(''),
	team: z.string().max(40).catch(''),
	flag: z
		.enum(USAGE_FLAGS as [UsageFlag, ...UsageFlag[]])
		.or(z.literal(''))
		.catch(''),
	sort: z.enum(SORTS).catch('flags'),
	dir: z.enum(['asc', 'desc']).catch('asc')
});

const collator = new Intl.Collator('sv');

/**
 * The unit overview: how the clients' frames are used in a week or a month. Filters and order
 * travel in the address, so a view can be bookmarked and works without script; the name search
 * does not (a client's name is never put in an address) and filters the rows in the browser.
 */
export const load: PageServerLoad = async (event) => {
	const { unit } = await event.parent();
	const p = event.url.searchParams;
	const filter = query.parse({
		period: p.get('period') ?? '',
		team: p.get('team') ?? '',
		flag: p.get('flag') ?? '',
		sort: p.get('sort') ?? undefined,
		dir: p.get('dir') ?? undefined
	});
	const today = todayIn();
	const asked = filter.period ? parsePeriodKey(filter.period) : null;
	const period = asked ?? parsePeriodKey(monthKey(today))!;
	const { db } = await getApp();
	const [teams, usage] = await Promise.all([
		teamsOfUnit(db, unit.id),
		unitUsage(db, { unitId: unit.id, period, today })
	]);
	const team = teams.find((t) => t.id === filter.team) ?? null;
	const clients = usage.clients.filter(
		(c) => (!team || c.teamId === team.id) && (!filter.flag || c.flags.includes(filter.flag))
	);
	clients.sort(order(filter.sort, filter.dir));
	// The rows sent to the browser are read, whatever the name search there shows of them.
	if (clients.length > 0) {
		await audit(db, event.locals.user!, {
			action: 'read',
			clientIds: clients.map((c) => c.clientId),
			device: deviceOf(event),
			unitId: unit.id,
			detail: { what: 'frame-overview', unitId: unit.id, period: period.key }
		});
	}
	return {
		period,
		today,
		invalidPeriod: filter.period !== '' && !asked,
		previous: shiftPeriod(period, -1).key,
		next: shiftPeriod(period, 1).key,
		current: { week: isoWeekKey(today), month: monthKey(today) },
		filter: { ...filter, team: team?.id ?? '' },
		teams,
		teamUsage: usage.teams,
		total: usage.total,
		clients,
		clientCount: usage.clients.length
	};
};

/** Most pressing first by default; ties and other orders by Swedish name. */
function order(sort: OverviewSort, dir: 'asc' | 'desc') {
	const sign = dir === 'desc' ? -1 : 1;
	const byName = (a: ClientUsage, b: ClientUsage) =>
		collator.compare(a.name, b.name) || (a.clientId < b.clientId ? -1 : 1);
	const key: Record<OverviewSort, (a: ClientUsage, b: ClientUsage) => number> = {
		flags: (a, b) => flagRank(a.flags) - flagRank(b.flags) || b.flags.length - a.flags.length,
		name: (a, b) => collator.compare(a.name, b.name),
		team: (a, b) => collator.compare(a.teamName, b.teamName),
		used: (a, b) => share(a.usedMinutes, a) - share(b.usedMinutes, b),
		left: (a, b) => a.leftMinutes - b.leftMinutes,
		projected: (a, b) => share(a.projectedMinutes, a) - share(b.projectedMinutes, b)
	};
	return (a: ClientUsage, b: ClientUsage) => sign * key[sort](a, b) || byName(a, b);
}

/** Minutes as a share of the client's frame, so large and small frames compare fairly. */
function share(minutes: number, c: ClientUsage): number {
	return c.frameMinutes > 0 ? minutes / c.frameMinutes : minutes > 0 ? Infinity : 0;
}
