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
import type { FramePeriod, FramePeriodRange, IsoDate } from '../../domain/types';
import type { Db } from '../db/client';
import { decisionInForceAs } from './decision-versions';
import { rowsOf, valuesOf } from '../db/rows';

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
	/**
	 * Where used minutes come from: the per-period summary `client_period_usage` (default,
	 * one row per client and period), or the time entries themselves, summed on the spot (the
	 * raw computation the summary must equal, rule U8; kept for checks and the benchmark).
	 */
	usage?: 'summary' | 'entries';
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
	const rows = await framePeriodRows(db, query);
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
	return rows.map((r) => ({
		clientId: r.clientId,
		name: r.name,
		period: r.period,
		frameMinutes: r.frameMinutes,
		usedMinutes: r.usedMinutes,
		plannedMinutes: r.plannedMinutes,
		leftMinutes: r.frameMinutes - r.usedMinutes - r.plannedMinutes
	}));
}

/** A client's frame in one frame period, with what the follow-up pages need besides. */
export interface FramePeriodRow {
	clientId: string;
	name: string;
	teamId: string;
	teamName: string;
	contactPersonId: string | null;
	period: string;
	framePeriod: 'week' | 'month';
	firstDay: IsoDate;
	lastDay: IsoDate;
	frameMinutes: number;
	usedMinutes: number;
	plannedMinutes: number;
	declinedVisits: number;
	declinedServices: number;
}

/**
 * The rows of `frameReport` with the client's team, the period's days and the declined visits
 * and services (from the same source as the used minutes). A client's rows come together, its
 * periods in calendar order; clients in no particular order.
 *
 * Two statements, run side by side and joined here by (client, period): the decisions in force,
 * and the used and planned figures of the periods (for the raw sums three, used and planned
 * apart). From the per-period summaries the figures are a plain read of one row per client and
 * period (U8), so a unit of thousands of clients costs no more than its rows, whatever the
 * planner guesses of how many periods a decision spans. In a unit's month reading the rows in
 * Node took longer than PostgreSQL took to find them, so they are few and plain: used and
 * planned come joined side by side, only for periods of a kind the client has a decision of (a
 * weekly frame asked for a month wants the weeks, not the month), and both statements answer
 * arrays rather than objects.
 */
export async function framePeriodRows(db: Db, query: FrameReportQuery): Promise<FramePeriodRow[]> {
	const { teamId, unitId, clientIds } = query;
	if (teamId === undefined && unitId === undefined && clientIds === undefined) {
		throw new Error('frameReport needs a team, a unit or clients to report on');
	}
	if (clientIds !== undefined && clientIds.length === 0) return [];
	const { start, end } = query.period;
	// In calendar order (a week before the month starting the same day).
	const periods = [
		...periodsOverlapping('week', { start, end }),
		...periodsOverlapping('month', { start, end })
	].sort((a, b) =>
		a.start !== b.start ? (a.start < b.start ? -1 : 1) : a.kind === 'week' ? -1 : 1
	);
	if (periods.length === 0) return [];

	const scope: SQL[] = [];
	if (teamId !== undefined) scope.push(sql`and c.team_id = ${teamId}::uuid`);
	if (unitId !== undefined) scope.push(sql`and t.unit_id = ${unitId}::uuid`);
	if (clientIds !== undefined) {
		scope.push(sql`and c.id = any(string_to_array(${clientIds.join(',')}::text, ',')::uuid[])`);
	}
	const inScope = sql`select c.id from client c join team t on t.id = c.team_id
		where c.active ${sql.join(scope, sql` `)}`;
	// The decisions read: in force, overlapping the asked period, of active clients in scope.
	const decisions = sql`decision d
		join client c on c.id = d.client_id
		join team t on t.id = c.team_id
		where c.active ${sql.join(scope, sql` `)}
			and ${decisionInForceAs('d')}
			and d.valid_from <= ${end}::date
			and (d.valid_to is null or d.valid_to >= ${start}::date)`;
	const raw = query.usage === 'entries';

	const [decisionRows, ...figures] = await Promise.all([
		// Columns 0–10, read by position below; 7, 10 and 9 rank decisions (RANK_COLUMNS).
		valuesOf(
			db,
			sql`select c.id, c.name, c.contact_person_id, t.id, t.name, d.frame_period,
					d.frame_minutes, d.valid_from::text, d.valid_to::text, d.id,
					to_char(d.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')
				from ${decisions}`
		),
		...(raw
			? // Two heavy sums: side by side rather than joined in one statement.
				[usedFromEntries(inScope, periods), plannedFromVisits(inScope, periods)]
			: [figuresFromSummaries(decisions, periods)]
		).map((statement) => valuesOf(db, statement))
	]);

	// A client's frame in one period: of the decisions sharing it the latest (by validFrom, then
	// recording) gives the frame, as on the board. Slots are kept per client in an array indexed
	// like `periods` (calendar order), so joining the figures costs no string keys per row;
	// beside them the decision rows that gave them.
	const index = new Map(periods.map((p, i) => [p.key, i]));
	const byClient = new Map<string, (FramePeriodRow | undefined)[]>();
	const givenBy = new Map<string, unknown[][]>();
	for (const d of decisionRows) {
		const clientId = d[0] as string;
		const framePeriod = d[5] as FramePeriod;
		const validFrom = d[7] as IsoDate;
		const validTo = d[8] as IsoDate | null;
		let slots = byClient.get(clientId);
		let given = slots && givenBy.get(clientId);
		for (let i = 0; i < periods.length; i++) {
			const p = periods[i];
			if (p.kind !== framePeriod || validFrom > p.end) continue;
			if (validTo !== null && validTo < p.start) continue;
			if (!slots || !given) {
				byClient.set(clientId, (slots = new Array(periods.length)));
				givenBy.set(clientId, (given = new Array(periods.length)));
			} else if (slots[i] && !isLater(d, given[i])) continue;
			given[i] = d;
			slots[i] = {
				clientId,
				name: d[1] as string,
				teamId: d[3] as string,
				teamName: d[4] as string,
				contactPersonId: d[2] as string | null,
				period: p.key,
				framePeriod,
				firstDay: p.start,
				lastDay: p.end,
				frameMinutes: Number(d[6]),
				usedMinutes: 0,
				plannedMinutes: 0,
				declinedVisits: 0,
				declinedServices: 0
			};
		}
	}
	// Figures: client, period, used minutes, declined visits, declined services, planned
	// minutes; the used or the planned side null where the period has none. The rows mostly come
	// a period at a time, so the period's index is looked up once per run of them.
	let runPeriod: unknown;
	let at: number | undefined;
	for (const set of figures) {
		for (const f of set) {
			if (f[1] !== runPeriod) at = index.get((runPeriod = f[1]) as string);
			const slot = at === undefined ? undefined : byClient.get(f[0] as string)?.[at];
			if (!slot) continue;
			if (f[2] !== null) {
				slot.usedMinutes = Number(f[2]);
				slot.declinedVisits = Number(f[3] ?? 0);
				slot.declinedServices = Number(f[4] ?? 0);
			}
			if (f[5] !== null) slot.plannedMinutes = Number(f[5]);
		}
	}
	const rows: FramePeriodRow[] = [];
	for (const slots of byClient.values()) {
		for (const slot of slots) if (slot) rows.push(slot);
	}
	return rows;
}

/** Columns of a decision row that rank it: validFrom, recording instant (sortable text), id. */
const RANK_COLUMNS = [7, 10, 9];

/** Whether decision row `a` is later than `b`: the later decision gives the frame. */
function isLater(a: unknown[], b: unknown[]): boolean {
	for (const column of RANK_COLUMNS) {
		if (a[column] !== b[column]) return (a[column] as string) > (b[column] as string);
	}
	return false;
}

/**
 * The used and planned figures of the asked periods from the per-period summaries, side by side
 * (client, period, used minutes, declined visits, declined services, planned minutes; a side
 * null where its summary has no row, and declines null for none), for the clients with a
 * decision of the period's kind among `decisions` (a `from … where` over `decision d`).
 */
function figuresFromSummaries(decisions: SQL, periods: FramePeriodRange[]): SQL {
	const keys = sql`string_to_array(${periods.map((p) => p.key).join(',')}::text, ',')`;
	// Both summaries are read in (period, client) order and joined as they come; a week's key
	// has a W (`YYYY-Www`), a month's does not (`YYYY-MM`).
	return sql`
		with framed as materialized (select d.client_id, d.frame_period from ${decisions})
		select client_id, period, u.used_minutes, nullif(u.declined_visits, 0),
			nullif(u.declined_services, 0), p.planned_minutes
		from (select client_id, period, used_minutes, declined_visits, declined_services
			from client_period_usage where period = any(${keys})) u
		full join (select client_id, period, planned_minutes
			from client_period_planned where period = any(${keys})) p using (client_id, period)
		where (client_id, case when period like '%W%' then 'week' else 'month' end)
			in (select client_id, frame_period from framed)`;
}

/**
 * Every client in scope paired with every asked period, as `probe(id, key, first_day,
 * last_day)`: materialized, so the raw sums probe the (client, date) indexes client by client
 * instead of reading whole tables.
 */
function probes(inScope: SQL, periods: FramePeriodRange[]): SQL {
	const list = (values: string[]) => sql`string_to_array(${values.join(',')}::text, ',')`;
	return sql`(
		with probe as materialized (
			select scoped.id, period.key, period.first_day, period.last_day
			from (${inScope}) scoped
			cross join unnest(
				${list(periods.map((p) => p.key))},
				${list(periods.map((p) => p.start))}::date[],
				${list(periods.map((p) => p.end))}::date[]
			) as period(key, first_day, last_day)
		)
		select * from probe
	) probe`;
}

/**
 * The raw computation the usage summary must equal: effective entries summed on the spot,
 * client by client through the (client, date) index. In the columns of `figuresFromSummaries`,
 * the planned side null.
 */
function usedFromEntries(inScope: SQL, periods: FramePeriodRange[]): SQL {
	return sql`
		select te.client_id, probe.key as period, sum(te.minutes)::int as minutes,
			(count(*) filter (where te.outcome = 'declined'))::int as declined_visits,
			coalesce(sum(cardinality(te.declined_services)), 0)::int as declined_services,
			null as planned
		from ${probes(inScope, periods)}
		join time_entry te
			on te.client_id = probe.id and te.date between probe.first_day and probe.last_day
		where ${effective(sql`te`, { many: true })}
		group by te.client_id, probe.key`;
}

/**
 * The raw computation the planned summary must equal: visits that hold their estimate (F4). In
 * the columns of `figuresFromSummaries`, the used side null.
 */
function plannedFromVisits(inScope: SQL, periods: FramePeriodRange[]): SQL {
	return sql`
		select pv.client_id, probe.key as period, null::int as used, null as declined_visits,
			null as declined_services, sum(pv.minutes)::int as minutes
		from ${probes(inScope, periods)}
		join planned_visit pv
			on pv.client_id = probe.id and pv.date between probe.first_day and probe.last_day
		where ${holdsEstimate(sql`pv`)}
		group by pv.client_id, probe.key`;
}

/**
 * A client's usage of one frame period, as the frame rule needs it (`RuleContext.frameUsage`):
 * recorded minutes, and the estimates of the client's other visits still planned (or done and
 * not yet reported, F4) in the period, whichever board holds them. `excludeVisitId` is the visit
 * being checked.
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
					and ${holdsEstimate(sql`pv`)} ${exclude}
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
export function effective(te: SQL, options: { many?: boolean } = {}): SQL {
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

/**
 * The condition that projected visit `pv` holds its estimate in its frame period (F4): still
 * planned, or done with no time recorded for it yet (a visit marked done on the board before
 * anyone reported it). The planned summary's trigger uses the same condition (drizzle/0008).
 */
export function holdsEstimate(pv: SQL): SQL {
	return sql`(${pv}.status = 'planned' or (${pv}.status = 'done' and not exists (
			select 1 from time_entry reported where reported.visit_id = ${pv}.id
		)))`;
}
