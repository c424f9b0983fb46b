/**
 * Frame usage from the relational side (DESIGN.md §3 rule 3, §5 frames endpoint): how much of
 * each client's granted frame is used by recorded time and taken by visits still planned.
 *
 * Used time is the sum of *effective* time entries (rule T1): a correction is a new row naming
 * the row it replaces, so a replaced row never counts and a corrected minute is never counted
 * twice.
 * Planned time is the estimate of `planned_visit` rows still `planned`; a visit that is done is
 * counted through its recorded time instead, and cancelled or declined visits take nothing.
 */
import { sql, type SQL } from 'drizzle-orm';
import { periodsOverlapping } from '../../domain/periods';
import type { IsoDate } from '../../domain/types';
import type { Db } from '../db/client';
import { decisionInForceAs } from './decision-versions';

export interface FrameReportRow {
	clientId: string;
	name: string;
	/** The frame period's key, `YYYY-Www` or `YYYY-MM`. */
	period: string;
	frameMinutes: number;
	usedMinutes: number;
	plannedMinutes: number;
	/** frame − used − planned; negative when the frame is overdrawn. */
	leftMinutes: number;
}

export interface FrameReportQuery {
	teamId?: string;
	unitId?: string;
	clientIds?: string[];
	/** The period asked about; rows are the frame periods overlapping it. */
	period: { start: IsoDate; end: IsoDate };
}

const collator = new Intl.Collator('sv');

/**
 * One row per active client and frame period overlapping `query.period`, for every decision
 * overlapping it: a weekly decision asked for a month gives one row per ISO week touching the
 * month, a monthly decision asked for a week gives the month's row. Periods are whole frame
 * periods, also where the asked period covers only part of them. When two decisions share a
 * frame period the newer one (latest `validFrom`) gives the frame, as on the board.
 *
 * At least one of `teamId`, `unitId`, `clientIds` must be given (filters combine with AND).
 * One statement whatever the number of clients: the frame periods travel as a handful of
 * parameters, the server pairs them with the decisions and sums time entries and planned
 * visits through the (client, date) indexes, so a unit of thousands of clients costs one
 * round trip.
 */
export async function frameReport(db: Db, query: FrameReportQuery): Promise<FrameReportRow[]> {
	const { teamId, unitId, clientIds } = query;
	if (teamId === undefined && unitId === undefined && clientIds === undefined) {
		throw new Error('frameReport needs a team, a unit or clients to report on');
	}
	if (clientIds !== undefined && clientIds.length === 0) return [];
	const { start, end } = query.period;
	const periods = [
		...periodsOverlapping('week', { start, end }),
		...periodsOverlapping('month', { start, end })
	];
	if (periods.length === 0) return [];

	const scope: SQL[] = [];
	if (teamId !== undefined) scope.push(sql`and c.team_id = ${teamId}::uuid`);
	if (unitId !== undefined) scope.push(sql`and t.unit_id = ${unitId}::uuid`);
	if (clientIds !== undefined) {
		scope.push(sql`and c.id = any(string_to_array(${clientIds.join(',')}::text, ',')::uuid[])`);
	}
	const list = (values: string[]) => sql`string_to_array(${values.join(',')}::text, ',')`;
	// `slot`: a client's frame in one period. Of the decisions sharing a period the latest
	// (by validFrom, then recording) gives the frame.
	const result = await db.execute(sql`
		with period as (
			select p.kind, p.key, p.first_day, p.last_day
			from unnest(
				${list(periods.map((p) => p.kind))},
				${list(periods.map((p) => p.key))},
				${list(periods.map((p) => p.start))}::date[],
				${list(periods.map((p) => p.end))}::date[]
			) as p(kind, key, first_day, last_day)
		),
		slot as materialized (
			select distinct on (c.id, p.key)
				c.id as client_id, c.name, p.key, p.first_day, p.last_day, d.frame_minutes
			from decision d
			join client c on c.id = d.client_id
			join team t on t.id = c.team_id
			join period p
				on p.kind = d.frame_period
				and d.valid_from <= p.last_day
				and (d.valid_to is null or d.valid_to >= p.first_day)
			where c.active ${sql.join(scope, sql` `)}
				and ${decisionInForceAs('d')}
				and d.valid_from <= ${end}::date
				and (d.valid_to is null or d.valid_to >= ${start}::date)
			order by c.id, p.key, d.valid_from desc, d.created_at desc, d.id desc
		),
		used as (
			select slot.client_id, slot.key, sum(te.minutes)::int as minutes
			from slot
			join time_entry te
				on te.client_id = slot.client_id and te.date between slot.first_day and slot.last_day
			where ${effective(sql`te`, { many: true })}
			group by slot.client_id, slot.key
		),
		planned as (
			select slot.client_id, slot.key, sum(pv.minutes)::int as minutes
			from slot
			join planned_visit pv
				on pv.client_id = slot.client_id and pv.date between slot.first_day and slot.last_day
			where pv.status = 'planned'
			group by slot.client_id, slot.key
		)
		select slot.client_id as "clientId", slot.name, slot.key as period,
			slot.first_day::text as "firstDay", slot.frame_minutes as "frameMinutes",
			coalesce(used.minutes, 0) as used, coalesce(planned.minutes, 0) as planned
		from slot
		left join used using (client_id, key)
		left join planned using (client_id, key)
	`);
	const rows = rowsOf<{
		clientId: string;
		name: string;
		period: string;
		firstDay: IsoDate;
		frameMinutes: number;
		used: number;
		planned: number;
	}>(result);

	// Swedish order of names (ties by id), each name compared once per pair of clients rather
	// than once per pair of rows; then periods in calendar order.
	const names = new Map(rows.map((r) => [r.clientId, r.name]));
	const rank = new Map<string, number>();
	[...names]
		.sort(
			([a, nameA], [b, nameB]) => collator.compare(nameA, nameB) || (a < b ? -1 : a > b ? 1 : 0)
		)
		.forEach(([clientId], i) => rank.set(clientId, i));
	rows.sort(
		(a, b) => rank.get(a.clientId)! - rank.get(b.clientId)! || (a.firstDay < b.firstDay ? -1 : 1)
	);
	return rows.map((r) => {
		const frameMinutes = Number(r.frameMinutes);
		const usedMinutes = Number(r.used);
		const plannedMinutes = Number(r.planned);
		return {
			clientId: r.clientId,
			name: r.name,
			period: r.period,
			frameMinutes,
			usedMinutes,
			plannedMinutes,
			leftMinutes: frameMinutes - usedMinutes - plannedMinutes
		};
	});
}

/**
 * A client's usage of one frame period, as the frame rule needs it (`RuleContext.frameUsage`):
 * recorded minutes, and the estimates of the client's other visits still planned in the period
 * (every week of it, whichever board holds them). `excludeVisitId` is the visit being checked.
 */
export async function clientFrameUsage(
	db: Db,
	clientId: string,
	period: { start: IsoDate; end: IsoDate },
	options: { excludeVisitId?: string } = {}
): Promise<{ usedMinutes: number; otherPlannedMinutes: number }> {
	const exclude = options.excludeVisitId
		? sql`and pv.id <> ${options.excludeVisitId}::uuid`
		: sql``;
	const result = await db.execute(sql`
		select
			(select coalesce(sum(te.minutes), 0)::int
				from time_entry te
				where te.client_id = ${clientId}::uuid
					and te.date between ${period.start}::date and ${period.end}::date
					and ${effective(sql`te`)}
			) as used,
			(select coalesce(sum(pv.minutes), 0)::int
				from planned_visit pv
				where pv.client_id = ${clientId}::uuid
					and pv.date between ${period.start}::date and ${period.end}::date
					and pv.status = 'planned' ${exclude}
			) as planned
	`);
	const [row] = rowsOf<{ used: number; planned: number }>(result);
	return { usedMinutes: Number(row.used), otherPlannedMinutes: Number(row.planned) };
}

/**
 * The condition that time entry `te` counts (domain rule T1, `effectiveTimeEntries`): no row
 * corrects it, and should two corrections name the same entry, only the later one counts.
 *
 * `many` is for reports over many clients: it lets the planner hash all corrections once,
 * read from the index's non-null part, instead of probing the index for every entry (which is
 * the better plan for one client).
 */
function effective(te: SQL, options: { many?: boolean } = {}): SQL {
	const corrections = options.many ? sql`and c.corrects_id is not null` : sql``;
	return sql`not exists (
			select 1 from time_entry c where c.corrects_id = ${te}.id ${corrections}
		)
		and (${te}.corrects_id is null or not exists (
			select 1 from time_entry o
			where o.corrects_id = ${te}.corrects_id
				and (o.created_at, o.id) > (${te}.created_at, ${te}.id)
		))`;
}

/** postgres.js answers raw statements with an array of rows, PGlite with `{ rows }`. */
function rowsOf<T>(result: unknown): T[] {
	if (Array.isArray(result)) return result as T[];
	return (result as { rows: T[] }).rows;
}
