/**
 * How one client's frame has been used, period by period, for the manager's follow-up
 * (SPEC.md "Frame usage follow-up", U1–U8): the granted frame of every frame period of the last
 * months, the minutes used in it, what is still planned, and the flags that ask for a look.
 *
 * Used minutes and declined visits come from the per-period summary `client_period_usage`, kept
 * by a trigger in step with the effective time entries (U8), so a year of history costs one
 * index range rather than a sum over every entry. The granted frame of a period is the version
 * in force that covers it; when two share a period the newer one (latest `validFrom`) gives the
 * frame, as in `frameReport` and on the board.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { addDays, monthKey, monthRange, periodsOverlapping } from '../../domain/periods';
import type { FramePeriod, IsoDate } from '../../domain/types';
import { periodUsage, type UsageFlag } from '../../domain/usage';
import type { Db } from '../db/client';
import { client, decision, decisionService, staff } from '../db/schema';
import { decisionInForce, decisionInForceAs } from './decision-versions';
import { effective, holdsEstimate } from './frames';
import { rowsOf } from '../db/rows';

export interface UsagePeriod {
	kind: FramePeriod;
	/** `YYYY-Www` or `YYYY-MM`. */
	period: string;
	firstDay: IsoDate;
	lastDay: IsoDate;
	frameMinutes: number;
	usedMinutes: number;
	/** Estimates of visits still planned; only current and future periods carry any. */
	plannedMinutes: number;
	doneVisits: number;
	declinedVisits: number;
	notDoneVisits: number;
	declinedServices: number;
	overdrawnEntries: number;
	leftMinutes: number;
	projectedMinutes: number;
	elapsedDays: number;
	periodDays: number;
	flags: UsageFlag[];
	/** The period holds today. */
	current: boolean;
}

/** The first day of the month `n` months before the month of `date`. */
export function monthsBefore(date: IsoDate, n: number): IsoDate {
	const [year, month] = monthKey(date).split('-').map(Number);
	const index = year * 12 + (month - 1) - n;
	const key = `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
	return monthRange(key).start;
}

/**
 * Every frame period of the client from `months` months back (the current month and the
 * `months − 1` before it) through the one holding `today`, in calendar order: ISO weeks where a
 * weekly decision governed, months where a monthly one did — a client whose decision changed
 * kind shows each period of the kind then in force. Periods without a decision are left out.
 */
export async function clientUsageHistory(
	db: Db,
	clientId: string,
	today: IsoDate,
	options: { months?: number } = {}
): Promise<UsagePeriod[]> {
	const start = monthsBefore(today, Math.max(1, options.months ?? 12) - 1);
	const range = { start, end: today };
	const periods = [...periodsOverlapping('week', range), ...periodsOverlapping('month', range)];
	const list = (values: string[]) => sql`string_to_array(${values.join(',')}::text, ',')`;
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
			select distinct on (p.key) p.kind, p.key, p.first_day, p.last_day, d.frame_minutes
			from decision d
			join period p
				on p.kind = d.frame_period
				and d.valid_from <= p.last_day
				and (d.valid_to is null or d.valid_to >= p.first_day)
			where d.client_id = ${clientId}::uuid and ${decisionInForceAs('d')}
			order by p.key, d.valid_from desc, d.created_at desc, d.id desc
		),
		planned as (
			select slot.key, sum(pv.minutes)::int as minutes
			from slot
			join planned_visit pv
				on pv.client_id = ${clientId}::uuid and pv.date between slot.first_day and slot.last_day
			where ${holdsEstimate(sql`pv`)} and slot.last_day >= ${today}::date
			group by slot.key
		)
		select slot.kind, slot.key as period, slot.first_day::text as "firstDay",
			slot.last_day::text as "lastDay", slot.frame_minutes as "frameMinutes",
			coalesce(u.used_minutes, 0) as used, coalesce(planned.minutes, 0) as planned,
			coalesce(u.done_visits, 0) as done, coalesce(u.declined_visits, 0) as declined,
			coalesce(u.not_done_visits, 0) as "notDone",
			coalesce(u.declined_services, 0) as "declinedServices",
			coalesce(u.overdrawn_entries, 0) as overdrawn,
			(select o.frame_tolerance_minutes from organisation o
				join client c on c.organisation_id = o.id where c.id = ${clientId}::uuid) as tolerance
		from slot
		left join client_period_usage u on u.client_id = ${clientId}::uuid and u.period = slot.key
		left join planned on planned.key = slot.key
		order by slot.first_day, slot.kind desc
	`);
	return rowsOf<Record<string, string | number>>(result).map((r) => {
		const firstDay = String(r.firstDay);
		const lastDay = String(r.lastDay);
		const figures = {
			frameMinutes: Number(r.frameMinutes),
			usedMinutes: Number(r.used),
			plannedMinutes: Number(r.planned),
			declinedVisits: Number(r.declined),
			declinedServices: Number(r.declinedServices)
		};
		const usage = periodUsage({
			...figures,
			firstDay,
			lastDay,
			today,
			toleranceMinutes: Number(r.tolerance ?? 0)
		});
		return {
			kind: r.kind === 'month' ? 'month' : 'week',
			period: String(r.period),
			firstDay,
			lastDay,
			...figures,
			doneVisits: Number(r.done),
			notDoneVisits: Number(r.notDone),
			overdrawnEntries: Number(r.overdrawn),
			...usage,
			current: firstDay <= today && today <= lastDay
		};
	});
}

export interface DeclinedSummary {
	from: IsoDate;
	to: IsoDate;
	/** Services declined within visits carried out, most often first. */
	services: { code: string; count: number }[];
	declinedVisits: number;
	notDoneVisits: number;
	/** The latest declined or not carried out visits, newest first. */
	latest: { date: IsoDate; outcome: 'declined' | 'not-done' }[];
}

/**
 * What the client declined in the last `months` months (the same day that many months back
 * through today), counted over the effective time entries only (rule T1): a corrected report
 * counts as corrected, never twice.
 */
export async function declinedLately(
	db: Db,
	clientId: string,
	today: IsoDate,
	options: { months?: number; latest?: number } = {}
): Promise<DeclinedSummary> {
	const from = addDays(sameDayMonthsBefore(today, options.months ?? 3), 1);
	const window = sql`te.client_id = ${clientId}::uuid
		and te.date between ${from}::date and ${today}::date and ${effective(sql`te`)}`;
	const [services, visits, latest] = await Promise.all([
		db.execute(sql`
			select s.code, count(*)::int as count
			from time_entry te, unnest(te.declined_services) as s(code)
			where ${window}
			group by s.code
			order by count(*) desc, s.code
		`),
		db.execute(sql`
			select count(*) filter (where te.outcome = 'declined')::int as declined,
				count(*) filter (where te.outcome = 'not-done')::int as "notDone"
			from time_entry te
			where ${window}
		`),
		db.execute(sql`
			select te.date::text as date, te.outcome
			from time_entry te
			where ${window} and te.outcome in ('declined', 'not-done')
			order by te.date desc, te.created_at desc
			limit ${options.latest ?? 5}
		`)
	]);
	const [counts] = rowsOf<{ declined: number; notDone: number }>(visits);
	return {
		from,
		to: today,
		services: rowsOf<{ code: string; count: number }>(services).map((r) => ({
			code: r.code,
			count: Number(r.count)
		})),
		declinedVisits: Number(counts?.declined ?? 0),
		notDoneVisits: Number(counts?.notDone ?? 0),
		latest: rowsOf<{ date: string; outcome: string }>(latest).map((r) => ({
			date: r.date,
			outcome: r.outcome === 'declined' ? 'declined' : 'not-done'
		}))
	};
}

export interface ClientHeader {
	contactPersonName: string | null;
	/** Versions in force that cover today (normally one), newest first. */
	decisionsToday: {
		id: string;
		validFrom: IsoDate;
		validTo: IsoDate | null;
		frameMinutes: number;
		framePeriod: FramePeriod;
		services: string[];
	}[];
}

/** The client's contact person and the decision that governs today. */
export async function clientHeader(
	db: Db,
	clientId: string,
	today: IsoDate
): Promise<ClientHeader> {
	const [person] = await db
		.select({ name: staff.name })
		.from(client)
		.innerJoin(staff, eq(staff.id, client.contactPersonId))
		.where(eq(client.id, clientId));
	const rows = await db
		.select({ row: decision, service: decisionService.serviceCode })
		.from(decision)
		.leftJoin(decisionService, eq(decisionService.decisionId, decision.id))
		.where(
			and(
				eq(decision.clientId, clientId),
				decisionInForce,
				sql`${decision.validFrom} <= ${today}::date`,
				sql`(${decision.validTo} is null or ${decision.validTo} >= ${today}::date)`
			)
		)
		.orderBy(asc(decision.validFrom), asc(decisionService.serviceCode));
	const byId = new Map<string, ClientHeader['decisionsToday'][number]>();
	for (const { row, service } of rows) {
		const entry = byId.get(row.id) ?? {
			id: row.id,
			validFrom: row.validFrom,
			validTo: row.validTo,
			frameMinutes: row.frameMinutes,
			framePeriod: row.framePeriod === 'month' ? ('month' as const) : ('week' as const),
			services: []
		};
		if (service) entry.services.push(service);
		byId.set(row.id, entry);
	}
	return { contactPersonName: person?.name ?? null, decisionsToday: [...byId.values()].reverse() };
}

/** The same calendar day `n` months before `date`, or the month's last day when it is shorter. */
function sameDayMonthsBefore(date: IsoDate, n: number): IsoDate {
	const first = monthsBefore(date, n);
	const last = monthRange(monthKey(first)).end;
	const day = `${first.slice(0, 8)}${date.slice(8)}`;
	return day > last ? last : day;
}
