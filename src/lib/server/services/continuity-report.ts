/**
 * The manager's continuity report (Socialstyrelsen's measure, rules CO1–CO7): per client of a
 * unit, how many different staff they met in the 14 days ending on a day, the team and unit
 * medians against the national level, and the same figures at the ends of the six fortnights
 * before, so a manager sees whether continuity improves. SQL over `time_entry` only.
 */
import { and, asc, eq } from 'drizzle-orm';
import {
	CONTINUITY_WINDOW_DAYS,
	NATIONAL_CONTINUITY_LEVEL,
	aboveNationalLevel,
	continuityMedian,
	continuityTrendEnds,
	continuityWindow,
	trendDirection,
	worstFirst,
	type TrendDirection
} from '$lib/domain/continuity';
import type { IsoDate } from '$lib/domain/types';
import type { Db } from '../db/client';
import { client, staff, team } from '../db/schema';
import { staffMetInWindows } from './continuity';

export interface ContinuityPoint {
	/** The last day of the 14-day window. */
	endDate: IsoDate;
	staffMet: number;
}

export interface MedianPoint {
	endDate: IsoDate;
	/** Null when no client of the group had a visit in the window (CO4). */
	median: number | null;
}

export interface ContinuityClientRow {
	id: string;
	name: string;
	teamId: string;
	teamName: string;
	contactPersonName: string | null;
	staffMet: number;
	aboveNational: boolean;
	/** Oldest first; the last point is the report's day (CO3). */
	trend: ContinuityPoint[];
	direction: TrendDirection;
}

export interface ContinuityTeamSummary {
	id: string;
	name: string;
	median: number | null;
	/** Clients who met somebody in the window (they make the median). */
	measuredClients: number;
	clients: number;
	aboveNational: number;
	trend: MedianPoint[];
	direction: TrendDirection;
}

export interface ContinuityReport {
	day: IsoDate;
	window: { start: IsoDate; end: IsoDate };
	windowDays: number;
	nationalLevel: number;
	unit: { median: number | null; trend: MedianPoint[]; direction: TrendDirection };
	teams: ContinuityTeamSummary[];
	/** Worst first (CO7); only the chosen team's when a team is asked for. */
	clients: ContinuityClientRow[];
}

/**
 * The continuity of every active client of `unitId` for the window ending on `day`. `teamId`
 * narrows the client list (the team cards and the unit median always cover the whole unit);
 * a team of another unit gives no clients.
 */
export async function continuityReport(
	db: Db,
	unitId: string,
	day: IsoDate,
	options: { teamId?: string } = {}
): Promise<ContinuityReport> {
	const ends = continuityTrendEnds(day);
	const [teams, clients, counts] = await Promise.all([
		db
			.select({ id: team.id, name: team.name })
			.from(team)
			.where(eq(team.unitId, unitId))
			.orderBy(asc(team.name), asc(team.id)),
		db
			.select({
				id: client.id,
				name: client.name,
				teamId: team.id,
				teamName: team.name,
				contactPersonName: staff.name
			})
			.from(client)
			.innerJoin(team, eq(team.id, client.teamId))
			.leftJoin(staff, eq(staff.id, client.contactPersonId))
			.where(and(eq(team.unitId, unitId), eq(client.active, true))),
		staffMetInWindows(db, { unitId }, ends)
	]);

	const met = new Map<string, number>();
	for (const c of counts) met.set(`${c.clientId}|${c.endDate}`, c.staffMet);
	const trendOf = (clientId: string): ContinuityPoint[] =>
		ends.map((endDate) => ({ endDate, staffMet: met.get(`${clientId}|${endDate}`) ?? 0 }));

	const rows: ContinuityClientRow[] = clients.map((c) => {
		const trend = trendOf(c.id);
		const staffMet = trend[trend.length - 1].staffMet;
		return {
			...c,
			staffMet,
			aboveNational: aboveNationalLevel(staffMet),
			trend,
			direction: trendDirection(trend.map((p) => p.staffMet))
		};
	});

	const mediansOf = (group: ContinuityClientRow[]): MedianPoint[] =>
		ends.map((endDate, i) => ({
			endDate,
			median: continuityMedian(group.map((r) => r.trend[i].staffMet))
		}));
	const summaryOf = (group: ContinuityClientRow[]) => {
		const trend = mediansOf(group);
		return {
			median: trend[trend.length - 1].median,
			trend,
			direction: trendDirection(trend.map((p) => p.median))
		};
	};

	return {
		day,
		window: continuityWindow(day),
		windowDays: CONTINUITY_WINDOW_DAYS,
		nationalLevel: NATIONAL_CONTINUITY_LEVEL,
		unit: summaryOf(rows),
		teams: teams.map((t) => {
			const group = rows.filter((r) => r.teamId === t.id);
			return {
				id: t.id,
				name: t.name,
				...summaryOf(group),
				measuredClients: group.filter((r) => r.staffMet > 0).length,
				clients: group.length,
				aboveNational: group.filter((r) => r.aboveNational).length
			};
		}),
		clients: worstFirst(options.teamId ? rows.filter((r) => r.teamId === options.teamId) : rows)
	};
}

/**
 * One client's continuity for the client page: the different staff met in the 14 days ending
 * on `today`, and the trend of the seven fortnights ending on `today`, oldest first (its last
 * point is `staffMet`). The caller checks that the user may see the client.
 */
export async function clientContinuity(
	db: Db,
	clientId: string,
	today: IsoDate
): Promise<{ staffMet: number; trend: { endDate: string; staffMet: number }[] }> {
	const ends = continuityTrendEnds(today);
	const counts = await staffMetInWindows(db, { clientIds: [clientId] }, ends);
	const byEnd = new Map(counts.map((c) => [c.endDate, c.staffMet]));
	const trend = ends.map((endDate) => ({ endDate, staffMet: byEnd.get(endDate) ?? 0 }));
	return { staffMet: trend[trend.length - 1].staffMet, trend };
}
