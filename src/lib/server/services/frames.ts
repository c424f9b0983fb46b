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
import { and, asc, eq, gte, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import { compareDates, periodsOverlapping } from '../../domain/periods';
import type { FramePeriod, FramePeriodRange, IsoDate } from '../../domain/types';
import type { Db } from '../db/client';
import { client, decision, team } from '../db/schema';

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

interface FrameSlot {
	clientId: string;
	name: string;
	period: FramePeriodRange;
	frameMinutes: number;
}

/**
 * One row per active client and frame period overlapping `query.period`, for every decision
 * overlapping it: a weekly decision asked for a month gives one row per ISO week touching the
 * month, a monthly decision asked for a week gives the month's row. Periods are whole frame
 * periods, also where the asked period covers only part of them. When two decisions share a
 * frame period the newer one (latest `validFrom`) gives the frame, as on the board.
 *
 * At least one of `teamId`, `unitId`, `clientIds` must be given (filters combine with AND).
 * Two queries whatever the number of clients: the decisions, then one aggregate over time
 * entries and planned visits by the client/date indexes.
 */
export async function frameReport(db: Db, query: FrameReportQuery): Promise<FrameReportRow[]> {
	const { teamId, unitId, clientIds } = query;
	if (teamId === undefined && unitId === undefined && clientIds === undefined) {
		throw new Error('frameReport needs a team, a unit or clients to report on');
	}
	if (clientIds !== undefined && clientIds.length === 0) return [];
	const { start, end } = query.period;

	const filters: SQL[] = [
		eq(client.active, true),
		lte(decision.validFrom, end),
		or(isNull(decision.validTo), gte(decision.validTo, start))!
	];
	if (teamId !== undefined) filters.push(eq(client.teamId, teamId));
	if (unitId !== undefined) filters.push(eq(team.unitId, unitId));
	if (clientIds !== undefined) filters.push(inArray(client.id, clientIds));

	return db.transaction(async (tx) => {
		// Planning a report over thousands of clients looks expensive enough to trigger JIT
		// compilation, which costs more than the whole query; the plan is index lookups.
		await tx.execute(sql`set local jit = off`);
		const decisions = await tx
			.select({
				clientId: client.id,
				name: client.name,
				validFrom: decision.validFrom,
				validTo: decision.validTo,
				frameMinutes: decision.frameMinutes,
				framePeriod: decision.framePeriod
			})
			.from(decision)
			.innerJoin(client, eq(client.id, decision.clientId))
			.innerJoin(team, eq(team.id, client.teamId))
			.where(and(...filters))
			.orderBy(asc(decision.validFrom));

		// Frame periods per client; a later decision (ordered by validFrom) replaces an earlier
		// one in a period both touch.
		const periods = {
			week: periodsOverlapping('week', { start, end }),
			month: periodsOverlapping('month', { start, end })
		};
		const slots = new Map<string, FrameSlot>();
		for (const d of decisions) {
			for (const period of periods[d.framePeriod as FramePeriod]) {
				const overlaps =
					compareDates(d.validFrom, period.end) <= 0 &&
					(d.validTo === null || compareDates(d.validTo, period.start) >= 0);
				if (!overlaps) continue;
				slots.set(`${d.clientId}|${period.key}`, {
					clientId: d.clientId,
					name: d.name,
					period,
					frameMinutes: d.frameMinutes
				});
			}
		}
		if (slots.size === 0) return [];

		const list = [...slots.values()].sort(
			(a, b) =>
				collator.compare(a.name, b.name) ||
				(a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0) ||
				(a.period.start < b.period.start ? -1 : 1)
		);
		const usage = await usageOfSlots(tx as unknown as Db, list);
		return list.map((slot, i) => {
			const { used, planned } = usage[i];
			return {
				clientId: slot.clientId,
				name: slot.name,
				period: slot.period.key,
				frameMinutes: slot.frameMinutes,
				usedMinutes: used,
				plannedMinutes: planned,
				leftMinutes: slot.frameMinutes - used - planned
			};
		});
	});
}

/**
 * Used and planned minutes of each (client, date range), in one statement: the ranges travel
 * as three parallel arrays and are joined to the rows through the (client_id, date) indexes.
 */
async function usageOfSlots(
	db: Db,
	slots: { clientId: string; period: { start: IsoDate; end: IsoDate } }[]
): Promise<{ used: number; planned: number }[]> {
	const clientIds = slots.map((s) => s.clientId).join(',');
	const starts = slots.map((s) => s.period.start).join(',');
	const ends = slots.map((s) => s.period.end).join(',');
	const result = await db.execute(sql`
		with slot as (
			select (s.n)::int as n, s.client_id, s.first_day, s.last_day
			from unnest(
				string_to_array(${clientIds}::text, ',')::uuid[],
				string_to_array(${starts}::text, ',')::date[],
				string_to_array(${ends}::text, ',')::date[]
			) with ordinality as s(client_id, first_day, last_day, n)
		),
		used as (
			select slot.n, sum(te.minutes)::int as minutes
			from slot
			join time_entry te
				on te.client_id = slot.client_id and te.date between slot.first_day and slot.last_day
			where ${effective(sql`te`, { many: true })}
			group by slot.n
		),
		planned as (
			select slot.n, sum(pv.minutes)::int as minutes
			from slot
			join planned_visit pv
				on pv.client_id = slot.client_id and pv.date between slot.first_day and slot.last_day
			where pv.status = 'planned'
			group by slot.n
		)
		select slot.n, coalesce(used.minutes, 0) as used, coalesce(planned.minutes, 0) as planned
		from slot
		left join used on used.n = slot.n
		left join planned on planned.n = slot.n
	`);
	const usage = slots.map(() => ({ used: 0, planned: 0 }));
	for (const row of rowsOf<{ n: number; used: number; planned: number }>(result)) {
		usage[Number(row.n) - 1] = { used: Number(row.used), planned: Number(row.planned) };
	}
	return usage;
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
