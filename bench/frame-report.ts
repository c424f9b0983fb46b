/**
 * The frame report budget of DESIGN.md §8: a report over a whole unit (5,000 clients, 2 million
 * time entries) in < 200 ms on PostgreSQL, next to a plain `sum(minutes) … group by client_id`
 * over the same days, measured in the same run as the baseline.
 *
 * The unit: 250 teams of 20 clients; 70 % of the clients have a weekly frame, 30 % a monthly
 * one, and every eleventh client's decision is replaced on 2026-10-08. Time is recorded from
 * 2026-04-16 up to "today", 2026-10-15 (about 2 % of the entries are corrected, a few of them
 * twice). The boards' projection `planned_visit` keeps every visit, so it holds about as many
 * rows over the same days and three weeks ahead: done before today, mostly still planned from
 * today on. The report is asked for the month 2026-10 and for the week 2026-W42 (which holds
 * today).
 *
 * Needs BENCH_DATABASE_URL (a PostgreSQL server where the user may CREATE DATABASE); a database
 * of its own is created there and dropped at the end. Without it the phase is skipped: the
 * embedded PGlite is not where a unit's reports run. BENCH_REPORT_RUNS sets the number of
 * measured runs per report (15, after 3 warm-up runs).
 *
 * Alone: `BENCH_DATABASE_URL=postgres://… node --import tsx bench/frame-report.ts`; it is also
 * the last phase of `npm run bench`. BENCH_KEEP_DATABASE=1 keeps the seeded database, for a
 * look at the plans afterwards.
 */
import { pathToFileURL } from 'node:url';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { isoWeekRange, monthRange, parsePeriodKey } from '../src/lib/domain/periods';
import { openDatabase, type Db } from '../src/lib/server/db/client';
import type { FramePeriodRange } from '../src/lib/domain/types';
import {
	clientFrameUsage,
	frameReport,
	type FrameReportRow
} from '../src/lib/server/services/frames';
import { unitUsage } from '../src/lib/server/services/unit-usage';

const TEAMS = 250;
const CLIENTS = 5_000;
/** Entries before corrections; the corrections bring the table to about 2 million rows. */
const BASE_ENTRIES = 1_959_000;
const FIRST_DAY = '2026-04-16';
const TODAY = '2026-10-15';
const LAST_PLANNED_DAY = '2026-11-08';
const MONTH = monthRange('2026-10');
const WEEK = isoWeekRange('2026-W42');
const BUDGET_MS = 200;

/**
 * The unit as SQL, generated in the server (ids are md5-derived so the statements can refer
 * to each other's rows without round trips). `setseed` makes `random()` repeatable.
 */
function seedStatements(organisationId: string, unitId: string): string[] {
	const team = (n: string) => `md5('team-' || ${n})::uuid`;
	const staff = (t: string, s: string) => `md5('staff-' || ${t} || '-' || ${s})::uuid`;
	const client = (c: string) => `md5('client-' || ${c})::uuid`;
	/** Client number c belongs to team 1 + (c - 1) % TEAMS. */
	const teamOf = (c: string) => `(1 + (${c} - 1) % ${TEAMS})`;
	return [
		`select setseed(0.2026)`,
		`insert into organisation (id, name) values ('${organisationId}', 'Benchkommun')`,
		`insert into unit (id, organisation_id, name) values ('${unitId}', '${organisationId}', 'Bench')`,
		`insert into team (id, organisation_id, unit_id, name)
			select ${team('t')}, '${organisationId}', '${unitId}', 'Team ' || t
			from generate_series(1, ${TEAMS}) t`,
		`insert into staff (id, organisation_id, username, name, role, unit_id)
			select ${staff('t', 's')}, '${organisationId}', 'bench-' || t || '-' || s,
				'Medarbetare ' || t || '.' || s, 'worker', '${unitId}'
			from generate_series(1, ${TEAMS}) t, generate_series(1, 6) s`,
		`insert into client (id, organisation_id, team_id, name)
			select ${client('c')}, '${organisationId}', ${team(teamOf('c'))}, 'Brukare ' || c
			from generate_series(1, ${CLIENTS}) c`,
		// 7 of 10 clients weekly, 3 of 10 monthly; every eleventh decision is replaced on 10-08,
		// half of them by one of the same kind (the two share a frame period, the newer one
		// gives the frame) and half by one of the other kind.
		`insert into decision (organisation_id, client_id, valid_from, valid_to, frame_minutes, frame_period)
			select '${organisationId}', ${client('c')}, '2025-01-01',
				case when c % 11 = 0 then '2026-10-07'::date end,
				case when c % 10 < 7 then 60 * (2 + c % 12) else 60 * (8 + c % 40) end,
				case when c % 10 < 7 then 'week' else 'month' end
			from generate_series(1, ${CLIENTS}) c`,
		`insert into decision (organisation_id, client_id, valid_from, frame_minutes, frame_period)
			select '${organisationId}', ${client('c')}, '2026-10-08',
				case when (c % 10 < 7) <> (c % 22 = 0) then 60 * (3 + c % 12) else 60 * (12 + c % 40) end,
				case when (c % 10 < 7) <> (c % 22 = 0) then 'week' else 'month' end
			from generate_series(11, ${CLIENTS}, 11) c`,
		`insert into time_entry (organisation_id, client_id, visit_id, staff_id, date, minutes,
				with_client, recorded_by, created_at)
			select '${organisationId}', ${client('x.c')}, gen_random_uuid(), x.staff_id, x.day,
				5 * (1 + floor(random() * 12))::int, random() < 0.9, x.staff_id,
				x.day + time '07:00' + random() * interval '14 hours'
			from (
				select 1 + g % ${CLIENTS} as c,
					${staff(teamOf('(1 + g % ' + CLIENTS + ')'), '(1 + g % 6)')} as staff_id,
					'${FIRST_DAY}'::date + floor(random() * ('${TODAY}'::date - '${FIRST_DAY}'::date + 1))::int as day
				from generate_series(0, ${BASE_ENTRIES - 1}) g
			) x
			order by x.day`,
		// Corrections: a new row naming the one it replaces, recorded later.
		`insert into time_entry (organisation_id, client_id, visit_id, staff_id, date, minutes,
				with_client, corrects_id, recorded_by, created_at)
			select organisation_id, client_id, visit_id, staff_id, date,
				greatest(5, minutes + 5 * (floor(random() * 5)::int - 2)), with_client, id, staff_id,
				created_at + interval '2 hours'
			from time_entry
			where random() < 0.02`,
		`insert into time_entry (organisation_id, client_id, visit_id, staff_id, date, minutes,
				with_client, corrects_id, recorded_by, created_at)
			select organisation_id, client_id, visit_id, staff_id, date, minutes + 5, with_client,
				corrects_id, staff_id, created_at + interval '1 day'
			from time_entry
			where corrects_id is not null and random() < 0.05`,
		// The board's projection keeps every visit: one to three a day per client, from the first
		// recorded day to three weeks ahead. Before today almost all are done (a few cancelled,
		// a few never marked); from today on most are still planned.
		`insert into planned_visit (id, organisation_id, team_id, client_id, room, date, day_part,
				minutes, status, services)
			select gen_random_uuid(), '${organisationId}', ${team(teamOf('c'))}, ${client('c')},
				'board:' || ${team(teamOf('c'))} || ':' || to_char(day, 'IYYY-"W"IW'), day,
				(array['morning', 'midday', 'evening'])[v], 5 * (2 + floor(random() * 10))::int,
				case
					when random() < 0.05 then 'cancelled'
					when day < '${TODAY}' and random() < 0.99 then 'done'
					else 'planned'
				end,
				'{personal-care}'
			from generate_series('${FIRST_DAY}'::date, '${LAST_PLANNED_DAY}'::date, interval '1 day') d(day),
				generate_series(1, ${CLIENTS}) c,
				generate_series(1, 3) v
			where v = 1 or abs(hashtext(c || ':' || day || ':' || v)) % 5 < 2
			order by day`
	];
}

/** The two big tables, loaded without their keys and indexes as a restore would load them. */
const BULK_TABLES = ['time_entry', 'planned_visit'];

/**
 * Seeds the unit over one connection (so the seed of `random()` holds throughout). The big
 * tables' constraints and indexes are dropped first and built again afterwards from their own
 * definitions, like `pg_restore` does: the same schema, in seconds instead of a minute.
 */
export async function seedUnit(url: string, organisationId: string, unitId: string): Promise<void> {
	const seeder = postgres(url, { max: 1, onnotice: () => {} });
	try {
		const tables = BULK_TABLES.map((t) => `'${t}'::regclass`).join(', ');
		const definitions = await seeder.unsafe<{ drop: string; restore: string; step: number }[]>(`
			select format('alter table %s drop constraint %I', conrelid::regclass, conname) as drop,
				format('alter table %s add constraint %I %s', conrelid::regclass, conname,
					pg_get_constraintdef(oid)) as restore,
				case contype when 'f' then 3 else 1 end as step
			from pg_constraint
			where conrelid in (${tables}) and contype in ('p', 'u', 'f')
			union all
			select format('drop index %s', indexrelid::regclass), pg_get_indexdef(indexrelid), 2
			from pg_index
			where indrelid in (${tables})
				and not exists (select 1 from pg_constraint where conindid = indexrelid)
			order by step`);
		// Foreign keys go first (they depend on the keys), and come back last.
		for (const { drop } of [...definitions].reverse()) await seeder.unsafe(drop);
		await seeder.unsafe(`set maintenance_work_mem = '256MB'`);
		// The summaries are built once after the load, as the migration builds them for rows
		// written before they existed, instead of by the triggers for every seeding statement.
		for (const table of BULK_TABLES)
			await seeder.unsafe(`alter table ${table} disable trigger user`);
		for (const statement of seedStatements(organisationId, unitId)) {
			await seeder.unsafe(statement);
		}
		for (const { restore } of definitions) await seeder.unsafe(restore);
		for (const table of BULK_TABLES)
			await seeder.unsafe(`alter table ${table} enable trigger user`);
		await seeder.unsafe(`
			select client_period_usage_recompute(array_agg(client_id), array_agg(date))
			from (select distinct client_id, date from time_entry) existing`);
		await seeder.unsafe(`
			select client_period_planned_recompute(array_agg(client_id), array_agg(date))
			from (select distinct client_id, date from planned_visit) existing`);
		// As autovacuum would leave tables of this age: statistics and visibility map up to date.
		await seeder.unsafe(`vacuum analyze`);
	} finally {
		await seeder.end();
	}
}

interface Sampled {
	median: number;
	p90: number;
}

function summary(samples: number[]): Sampled {
	const sorted = [...samples].sort((a, b) => a - b);
	const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
	return { median: at(0.5), p90: at(0.9) };
}

async function timed(runs: number, warmup: number, task: () => Promise<unknown>): Promise<Sampled> {
	for (let i = 0; i < warmup; i++) await task();
	const samples: number[] = [];
	for (let i = 0; i < runs; i++) {
		const started = performance.now();
		await task();
		samples.push(performance.now() - started);
	}
	return summary(samples);
}

/**
 * Guards the figures: a fast report that counts wrongly measures nothing. A sample of rows is
 * compared with `clientFrameUsage`, the single-client query the frame rule uses, and every row
 * with the same report summed from the entries themselves (U8).
 */
async function checkAgainstRaw(
	db: Db,
	rows: FrameReportRow[],
	raw: FrameReportRow[]
): Promise<void> {
	if (JSON.stringify(rows) !== JSON.stringify(raw)) {
		throw new Error('the frame report from the usage summary differs from the raw computation');
	}
	const step = Math.max(1, Math.floor(rows.length / 25));
	for (let i = 0; i < rows.length; i += step) {
		const row = rows[i];
		const usage = await clientFrameUsage(db, row.clientId, parsePeriodKey(row.period)!);
		if (usage.usedMinutes !== row.usedMinutes || usage.otherPlannedMinutes !== row.plannedMinutes) {
			throw new Error(
				`frame report disagrees with clientFrameUsage for ${row.clientId} ${row.period}: ` +
					`${JSON.stringify(row)} vs ${JSON.stringify(usage)}`
			);
		}
	}
}

/**
 * What keeping the summary costs a write: one time entry inserted and committed, with the
 * trigger and — on the same connection, in the same run — with it disabled (the baseline).
 */
async function timeEntryWrites(url: string, organisationId: string, runs: number) {
	const writer = postgres(url, { max: 1, onnotice: () => {} });
	try {
		const [sample] = await writer<{ clientId: string; staffId: string }[]>`
			select client_id as "clientId", staff_id as "staffId" from time_entry limit 1`;
		const insert = () => writer`
			insert into time_entry (organisation_id, client_id, staff_id, date, minutes)
			values (${organisationId}, ${sample.clientId}, ${sample.staffId}, ${TODAY}, 30)`;
		const withSummary = await timed(runs, 5, insert);
		await writer.unsafe(`alter table time_entry disable trigger user`);
		const without = await timed(runs, 5, insert);
		await writer.unsafe(`alter table time_entry enable trigger user`);
		return { runs, withSummary, without };
	} finally {
		await writer.end();
	}
}

/** Runs the phase; prints a line and returns when BENCH_DATABASE_URL is not set. */
export async function benchFrameReport(): Promise<void> {
	const serverUrl = process.env.BENCH_DATABASE_URL;
	if (!serverUrl) {
		console.log(
			'\nFrame report benchmark skipped: set BENCH_DATABASE_URL to a PostgreSQL server ' +
				'(the 2-million-entry unit is not run on the embedded PGlite).'
		);
		return;
	}
	const runs = Number(process.env.BENCH_REPORT_RUNS ?? 15);
	const name = `ramtavlan_report_${Date.now().toString(36)}`;
	const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database "${name}"`);
	await admin.end();
	const target = new URL(serverUrl);
	target.pathname = `/${name}`;
	const database = await openDatabase({ url: target.toString() });
	try {
		await database.migrate();
		const db: Db = database.db;
		const organisationId = crypto.randomUUID();
		const unitId = crypto.randomUUID();
		console.log(
			`\nSeeding a unit of ${CLIENTS} clients in ${TEAMS} teams, ~2 M time entries (postgres) …`
		);
		const seedStarted = performance.now();
		await seedUnit(target.toString(), organisationId, unitId);
		const seedSeconds = (performance.now() - seedStarted) / 1000;
		const [facts] = (await db.execute(
			sql.raw(`select
				(select count(*) from time_entry)::int as entries,
				(select count(*) from time_entry where corrects_id is not null)::int as corrections,
				(select count(*) from planned_visit)::int as visits,
				(select count(*) from planned_visit where status = 'planned')::int as planned,
				(select count(*) from decision)::int as decisions,
				current_setting('server_version') as version,
				current_setting('shared_buffers') as "sharedBuffers"`)
		)) as unknown as Record<string, string | number>[];

		const report = (period: { start: string; end: string }) => frameReport(db, { unitId, period });
		const baseline = (period: { start: string; end: string }) =>
			db.execute(sql`
				select client_id, sum(minutes) from time_entry
				where date between ${period.start}::date and ${period.end}::date
				group by client_id`);
		const monthRows = await report(MONTH);
		const weekRows = await report(WEEK);
		const raw = (period: { start: string; end: string }) =>
			frameReport(db, { unitId, period, usage: 'entries' });
		const overview = (period: FramePeriodRange) => unitUsage(db, { unitId, period, today: TODAY });
		await checkAgainstRaw(db, monthRows, await raw(MONTH));
		await checkAgainstRaw(db, weekRows, await raw(WEEK));

		console.log(`Measuring ${runs} runs of each report (after 3 warm-up runs) …`);
		const month = await timed(runs, 3, () => report(MONTH));
		const monthRaw = await timed(Math.min(runs, 5), 1, () => raw(MONTH));
		const monthOverview = await timed(runs, 3, () => overview(MONTH));
		const monthBase = await timed(runs, 3, () => baseline(MONTH));
		const week = await timed(runs, 3, () => report(WEEK));
		const weekRaw = await timed(Math.min(runs, 5), 1, () => raw(WEEK));
		const weekOverview = await timed(runs, 3, () => overview(WEEK));
		const weekBase = await timed(runs, 3, () => baseline(WEEK));
		const writes = await timeEntryWrites(target.toString(), organisationId, runs * 4);

		const ms = (value: number) => `${value.toFixed(1)} ms`;
		const line = (ours: Sampled, base: Sampled, rows: number, budget: number) => ({
			median: ms(ours.median),
			p90: ms(ours.p90),
			'baseline median': ms(base.median),
			ratio: (ours.median / base.median).toFixed(2),
			rows,
			budget: `< ${budget} ms`
		});
		console.log(`\nRamtavlan frame report benchmark (PostgreSQL ${facts.version})`);
		console.log(
			`${CLIENTS} clients, ${facts.decisions} decisions, ${facts.entries} time entries ` +
				`(${facts.corrections} corrections), ${facts.visits} board visits ` +
				`(${facts.planned} planned); seeded in ${seedSeconds.toFixed(1)} s; ` +
				`shared_buffers ${facts.sharedBuffers}`
		);
		console.log(
			'baseline: select client_id, sum(minutes) from time_entry where date between … ' +
				'group by client_id, over the asked days, on the same connection'
		);
		console.table({
			[`overview, month ${MONTH.key}`]: line(monthOverview, monthBase, monthRows.length, 100),
			[`overview, week ${WEEK.key}`]: line(weekOverview, weekBase, weekRows.length, 100),
			[`frames, month ${MONTH.key}`]: line(month, monthBase, monthRows.length, BUDGET_MS),
			[`frames, week ${WEEK.key}`]: line(week, weekBase, weekRows.length, BUDGET_MS),
			[`raw sums, month ${MONTH.key}`]: line(monthRaw, monthBase, monthRows.length, BUDGET_MS),
			[`raw sums, week ${WEEK.key}`]: line(weekRaw, weekBase, weekRows.length, BUDGET_MS)
		});
		console.log(
			"overview: the manager's unit overview (frames + flags per client and team); frames: " +
				'the frame report read from the usage summary; raw sums: the same report summing the ' +
				`entries on the spot (the computation before the summary), ${ms(monthRaw.median)} → ` +
				`${ms(month.median)} for the month (${(monthRaw.median / month.median).toFixed(1)}× faster)`
		);
		console.log(
			`one time entry written (insert + commit, ${writes.runs} runs): median ` +
				`${ms(writes.withSummary.median)} with the summary kept in its transaction, ` +
				`${ms(writes.without.median)} without (ratio ` +
				`${(writes.withSummary.median / writes.without.median).toFixed(2)})`
		);
	} finally {
		await database.close();
		if (process.env.BENCH_KEEP_DATABASE) {
			console.log(`kept the database ${name} (BENCH_KEEP_DATABASE)`);
		} else {
			const dropper = postgres(serverUrl, { max: 1, onnotice: () => {} });
			await dropper.unsafe(`drop database if exists "${name}" with (force)`);
			await dropper.end();
		}
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchFrameReport();
