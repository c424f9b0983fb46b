/**
 * Continuity (Socialstyrelsen's measure): how many different staff a client met in the last
 * 14 days, counted from the time recorded with the client. The board shows it as a hint.
 */
import { and, countDistinct, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import { CONTINUITY_WINDOW_DAYS } from '$lib/domain/continuity';
import { addDays } from '$lib/domain/periods';
import type { IsoDate } from '$lib/domain/types';
import type { Db } from '../db/client';
import { timeEntry } from '../db/schema';
import { effective } from './frames';
import { rowsOf } from '../db/rows';

export async function staffMetLast14Days(
	db: Db,
	clientIds: string[],
	today: IsoDate
): Promise<Record<string, number>> {
	if (clientIds.length === 0) return {};
	const rows = await db
		.select({ clientId: timeEntry.clientId, staff: countDistinct(timeEntry.staffId) })
		.from(timeEntry)
		.where(
			and(
				inArray(timeEntry.clientId, clientIds),
				eq(timeEntry.withClient, true),
				gte(timeEntry.date, addDays(today, -13)),
				lte(timeEntry.date, today)
			)
		)
		.groupBy(timeEntry.clientId);
	return Object.fromEntries(rows.map((r) => [r.clientId, r.staff]));
}

/**
 * Different staff met per client in each 14-day window ending on one of `ends` (rule CO1):
 * only effective time entries count (T1 — a corrected row never, a correction to 0 minutes
 * withdraws the entry), recorded with the client for a visit that was carried out. One
 * statement for any number of clients and windows. Clients and windows where nobody was met
 * are left out of the answer.
 */
export async function staffMetInWindows(
	db: Db,
	scope: { unitId: string } | { clientIds: string[] },
	ends: IsoDate[]
): Promise<{ clientId: string; endDate: IsoDate; staffMet: number }[]> {
	if (ends.length === 0) return [];
	if ('clientIds' in scope && scope.clientIds.length === 0) return [];
	const sorted = [...ends].sort();
	const first = addDays(sorted[0], -(CONTINUITY_WINDOW_DAYS - 1));
	const last = sorted[sorted.length - 1];
	const clients =
		'unitId' in scope
			? sql`te.client_id in (
					select c.id from client c join team t on t.id = c.team_id
					where t.unit_id = ${scope.unitId}::uuid
				)`
			: sql`te.client_id in (${sql.join(
					scope.clientIds.map((id) => sql`${id}::uuid`),
					sql`, `
				)})`;
	const result = await db.execute(sql`
		with ends as (
			select e::date as end_day
			from unnest(array[${sql.join(
				ends.map((e) => sql`${e}::date`),
				sql`, `
			)}]) as e
		)
		select ends.end_day::text as "endDate", te.client_id as "clientId",
			count(distinct te.staff_id)::int as "staffMet"
		from ends
		join time_entry te
			on te.date between (ends.end_day - ${CONTINUITY_WINDOW_DAYS - 1}::int) and ends.end_day
		where ${clients}
			and te.date between ${first}::date and ${last}::date
			and te.with_client
			and te.outcome = 'done'
			and te.minutes > 0
			and ${effective(sql`te`)}
		group by ends.end_day, te.client_id
	`);
	return rowsOf<{ clientId: string; endDate: IsoDate; staffMet: number }>(result).map((r) => ({
		clientId: r.clientId,
		endDate: r.endDate,
		staffMet: Number(r.staffMet)
	}));
}
