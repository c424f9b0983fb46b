/**
 * The per-client, per-period summaries (U8) against the raw computation: random time entries
 * and corrections, written one by one or in batches and in any order of days, leave
 * `client_period_usage` equal to summing the effective entries (T1) — both as the domain
 * computes them and as the frame report sums the table on the spot; random changes of the
 * boards' projection and reports leave `client_period_planned` equal to the visits still planned
 * or done without a report (F4).
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { effectiveTimeEntries } from '../../src/lib/domain/frame';
import { addDays, isoWeekKey, monthKey, monthRange } from '../../src/lib/domain/periods';
import type { Db } from '../../src/lib/server/db/client';
import {
	client,
	clientPeriodPlanned,
	clientPeriodUsage,
	decision,
	plannedVisit,
	timeEntry
} from '../../src/lib/server/db/schema';
import { frameReport } from '../../src/lib/server/services/frames';
import { createOrg, createPerson, type OrgFixture } from '../fixtures/factories';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';

let handle: TestDatabase;
let db: Db;
let org: OrgFixture;
let staffId: string;

beforeAll(async () => {
	handle = await createTestDatabase();
	db = handle.db;
	org = await createOrg(db, ['Lönnen']);
	staffId = await createPerson(db, org, { username: 'summa', homeTeamId: org.teams['Lönnen'] });
});
afterAll(() => handle.close());

const FIRST_DAY = '2026-10-26';
const OUTCOMES = ['done', 'declined', 'not-done'] as const;

/** One recorded report, or a correction of an earlier one (by position among those before). */
type Step =
	| {
			kind: 'entry';
			client: number;
			day: number;
			minutes: number;
			outcome: (typeof OUTCOMES)[number];
			declined: number;
			overdrawn: boolean;
	  }
	| { kind: 'correction'; target: number; minutes: number; day: number | null; declined: number };

const step: fc.Arbitrary<Step> = fc.oneof(
	fc.record({
		kind: fc.constant('entry' as const),
		client: fc.nat(2),
		day: fc.nat(45),
		minutes: fc.integer({ min: 0, max: 24 }).map((n) => n * 5),
		outcome: fc.constantFrom(...OUTCOMES),
		declined: fc.nat(2),
		overdrawn: fc.boolean()
	}),
	fc.record({
		kind: fc.constant('correction' as const),
		target: fc.nat(),
		minutes: fc.integer({ min: 0, max: 24 }).map((n) => n * 5),
		// Mostly the day of the entry corrected; sometimes another (a visit moved and reported).
		day: fc.option(fc.nat(45), { freq: 4 }),
		declined: fc.nat(2)
	})
);

interface Row {
	id: string;
	clientId: string;
	date: string;
	minutes: number;
	outcome: string;
	declinedServices: string[];
	overdrawn: boolean;
	correctsId: string | null;
	createdAt: Date;
}

/** Turns steps into rows; a correction names the latest entry of the chain it picks (T1). */
function rowsOf(steps: Step[], clients: string[]): Row[] {
	const rows: Row[] = [];
	const tipOf = new Map<string, string>();
	const chainOf = new Map<string, string>();
	const start = Date.parse('2026-12-01T08:00:00Z');
	for (const s of steps) {
		const createdAt = new Date(start + rows.length * 1000);
		const declinedServices = ['shopping', 'cleaning'].slice(0, s.declined);
		if (s.kind === 'entry') {
			const id = randomUUID();
			rows.push({
				id,
				clientId: clients[s.client],
				date: addDays(FIRST_DAY, s.day),
				minutes: s.outcome === 'done' ? s.minutes : 0,
				outcome: s.outcome,
				declinedServices: s.outcome === 'done' ? declinedServices : [],
				overdrawn: s.overdrawn,
				correctsId: null,
				createdAt
			});
			chainOf.set(id, id);
			tipOf.set(id, id);
			continue;
		}
		if (rows.length === 0) continue;
		const chain = chainOf.get(rows[s.target % rows.length].id)!;
		const tip = rows.find((r) => r.id === tipOf.get(chain))!;
		const id = randomUUID();
		rows.push({
			...tip,
			id,
			date: s.day === null ? tip.date : addDays(FIRST_DAY, s.day),
			minutes: tip.outcome === 'done' ? s.minutes : 0,
			declinedServices: tip.outcome === 'done' ? ['shopping', 'cleaning'].slice(0, s.declined) : [],
			correctsId: tip.id,
			createdAt
		});
		chainOf.set(id, chain);
		tipOf.set(chain, id);
	}
	return rows;
}

/** The summary as the raw entries give it, through the domain's T1. */
function expectedSummary(rows: Row[]) {
	// T1 drops withdrawn (0-minute) reports from sums; declined and not-done reports carry no
	// minutes but still count as reports, so the chains are resolved with minutes kept non-zero.
	const survivors = effectiveTimeEntries(rows.map((r) => ({ ...r, minutes: 1, row: r }))).map(
		(e) => e.row
	);
	const byKey = new Map<string, Record<string, number | string>>();
	for (const r of survivors) {
		for (const period of [isoWeekKey(r.date), monthKey(r.date)]) {
			const key = `${r.clientId}|${period}`;
			const sum = byKey.get(key) ?? {
				clientId: r.clientId,
				period,
				usedMinutes: 0,
				doneVisits: 0,
				declinedVisits: 0,
				notDoneVisits: 0,
				declinedServices: 0,
				overdrawnEntries: 0
			};
			(sum.usedMinutes as number) += r.minutes;
			if (r.outcome === 'done' && r.minutes > 0) (sum.doneVisits as number) += 1;
			if (r.outcome === 'declined') (sum.declinedVisits as number) += 1;
			if (r.outcome === 'not-done') (sum.notDoneVisits as number) += 1;
			(sum.declinedServices as number) += r.declinedServices.length;
			if (r.overdrawn) (sum.overdrawnEntries as number) += 1;
			byKey.set(key, sum);
		}
	}
	return [...byKey.values()].sort(byClientAndPeriod);
}

function byClientAndPeriod(a: Record<string, unknown>, b: Record<string, unknown>) {
	const ka = `${a.clientId}|${a.period}`;
	const kb = `${b.clientId}|${b.period}`;
	return ka < kb ? -1 : ka > kb ? 1 : 0;
}

async function newClients(n: number): Promise<string[]> {
	const rows = await db
		.insert(client)
		.values(
			Array.from({ length: n }, (_, i) => ({
				organisationId: org.organisationId,
				teamId: org.teams['Lönnen'],
				name: `Summa ${i + 1}`
			}))
		)
		.returning({ id: client.id });
	return rows.map((r) => r.id);
}

async function insert(rows: (Row & { visitId?: string | null })[]) {
	if (rows.length === 0) return;
	await db.insert(timeEntry).values(
		rows.map((r) => ({
			...r,
			organisationId: org.organisationId,
			staffId,
			recordedBy: staffId
		}))
	);
}

async function summaryOf(clients: string[]) {
	const rows = await db
		.select()
		.from(clientPeriodUsage)
		.where(inArray(clientPeriodUsage.clientId, clients));
	return rows.map(({ firstDay: _firstDay, ...rest }) => rest).sort(byClientAndPeriod);
}

describe('usage summary', () => {
	it('[U8] equals the effective entries summed, written one by one or in batches', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(step, { minLength: 1, maxLength: 30 }),
				fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 10 }),
				async (steps, batchSizes) => {
					const clients = await newClients(3);
					const rows = rowsOf(steps, clients);
					// Batches of the given sizes, in recording order (a correction after its target).
					for (let i = 0, b = 0; i < rows.length; b++) {
						const size = batchSizes[b % batchSizes.length];
						await insert(rows.slice(i, i + size));
						i += size;
					}
					expect(await summaryOf(clients)).toEqual(expectedSummary(rows));
				}
			),
			{ numRuns: 40 }
		);
	}, 120_000);

	it('[U8] a correction that moves the day takes the minutes out of the old period', async () => {
		const [c] = await newClients(1);
		const first: Row = {
			id: randomUUID(),
			clientId: c,
			date: '2026-11-30',
			minutes: 45,
			outcome: 'done',
			declinedServices: [],
			overdrawn: false,
			correctsId: null,
			createdAt: new Date('2026-12-01T08:00:00Z')
		};
		await insert([first]);
		await insert([
			{
				...first,
				id: randomUUID(),
				date: '2026-12-01',
				minutes: 30,
				correctsId: first.id,
				createdAt: new Date('2026-12-01T09:00:00Z')
			}
		]);
		const rows = await summaryOf([c]);
		expect(rows.map((r) => [r.period, r.usedMinutes])).toEqual([
			['2026-12', 30],
			['2026-W49', 30]
		]);
	});

	it('[U8] the frame report reads the same figures from the summaries as from the raw rows', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
				const clients = await newClients(3);
				await db.insert(decision).values(
					clients.map((clientId, i) => ({
						organisationId: org.organisationId,
						clientId,
						validFrom: '2026-01-01',
						frameMinutes: 600,
						framePeriod: i === 0 ? 'month' : 'week'
					}))
				);
				const rows = rowsOf(steps, clients);
				// Half the reports name the visit below: done and reported, it plans nothing (F4).
				const visitIds = rows.map(() => randomUUID());
				await insert(rows.map((r, i) => ({ ...r, visitId: i % 2 ? visitIds[i] : null })));
				// Visits still on the boards a week after each report, a third of them done.
				if (rows.length > 0)
					await db.insert(plannedVisit).values(
						rows.map((r, i) => ({
							id: visitIds[i],
							organisationId: org.organisationId,
							teamId: org.teams['Lönnen'],
							clientId: r.clientId,
							room: `board:${org.teams['Lönnen']}:${isoWeekKey(addDays(r.date, 7))}`,
							date: addDays(r.date, 7),
							dayPart: 'midday',
							minutes: 5 * (1 + (i % 9)),
							status: i % 3 === 0 ? 'done' : 'planned'
						}))
					);
				for (const month of ['2026-10', '2026-11', '2026-12']) {
					const period = monthRange(month);
					const fromSummary = await frameReport(db, { clientIds: clients, period });
					const fromEntries = await frameReport(db, {
						clientIds: clients,
						period,
						usage: 'entries'
					});
					expect(fromSummary).toEqual(fromEntries);
				}
			}),
			{ numRuns: 20 }
		);
	}, 120_000);

	it('[U8] entries recorded before the summary existed are summed when it is built', async () => {
		// The migration ends by summing every existing entry; rebuilding gives the same rows.
		const before = await db.select().from(clientPeriodUsage);
		await db.execute(sql`delete from client_period_usage`);
		await db.execute(sql`
			select client_period_usage_recompute(array_agg(client_id), array_agg(date))
			from (select distinct client_id, date from time_entry) existing`);
		const after = await db.select().from(clientPeriodUsage);
		const sort = (rows: typeof before) => rows.map((r) => ({ ...r })).sort(byClientAndPeriod);
		expect(before.length).toBeGreaterThan(0);
		expect(sort(after)).toEqual(sort(before));
		expect(await db.$count(timeEntry, eq(timeEntry.organisationId, org.organisationId))).toBe(
			await db.$count(timeEntry)
		);
	});
});

/** A change of the boards' projection, as the board store writes it, or time recorded for a visit. */
type VisitChange =
	| { kind: 'upsert'; visit: number; client: number; day: number; minutes: number; status: number }
	| { kind: 'remove'; visit: number }
	| { kind: 'report'; visit: number };

const STATUSES = ['planned', 'done', 'declined', 'cancelled'] as const;

const visitChange: fc.Arbitrary<VisitChange> = fc.oneof(
	{
		weight: 4,
		arbitrary: fc.record({
			kind: fc.constant('upsert' as const),
			visit: fc.nat(7),
			client: fc.nat(2),
			day: fc.nat(45),
			minutes: fc.integer({ min: 1, max: 24 }).map((n) => n * 5),
			status: fc.nat(3)
		})
	},
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), visit: fc.nat(7) }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('report' as const), visit: fc.nat(7) }) }
);

describe('planned summary', () => {
	it('[U8] [F4] equals the estimates of visits planned, or done and unreported, after any changes', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.array(visitChange, { minLength: 1, maxLength: 4 }), {
					minLength: 1,
					maxLength: 12
				}),
				async (batches) => {
					const clients = await newClients(3);
					const ids = Array.from({ length: 8 }, () => randomUUID());
					const state = new Map<
						string,
						{ clientId: string; date: string; minutes: number; status: string }
					>();
					const reported = new Set<string>();
					for (const batch of batches) {
						// One statement per batch, the last change of a visit winning, as the store does.
						const upserts = new Map<string, typeof plannedVisit.$inferInsert>();
						const removals = new Set<string>();
						const reports: (typeof timeEntry.$inferInsert)[] = [];
						for (const change of batch) {
							const id = ids[change.visit];
							if (change.kind === 'report') {
								// Time recorded for the visit, before or after it is marked done.
								reports.push({
									organisationId: org.organisationId,
									clientId: clients[0],
									visitId: id,
									staffId,
									date: FIRST_DAY,
									minutes: 30
								});
								reported.add(id);
								continue;
							}
							if (change.kind === 'remove') {
								upserts.delete(id);
								removals.add(id);
								continue;
							}
							removals.delete(id);
							const date = addDays(FIRST_DAY, change.day);
							upserts.set(id, {
								id,
								organisationId: org.organisationId,
								teamId: org.teams['Lönnen'],
								clientId: clients[change.client],
								room: `board:${org.teams['Lönnen']}:${isoWeekKey(date)}`,
								date,
								dayPart: 'morning',
								minutes: change.minutes,
								status: STATUSES[change.status]
							});
						}
						await db.transaction(async (tx) => {
							if (removals.size > 0) {
								await tx.delete(plannedVisit).where(inArray(plannedVisit.id, [...removals]));
							}
							if (upserts.size > 0) {
								await tx
									.insert(plannedVisit)
									.values([...upserts.values()])
									.onConflictDoUpdate({
										target: plannedVisit.id,
										set: {
											clientId: sql`excluded.client_id`,
											date: sql`excluded.date`,
											minutes: sql`excluded.minutes`,
											status: sql`excluded.status`
										}
									});
							}
							if (reports.length > 0) await tx.insert(timeEntry).values(reports);
						});
						for (const id of removals) state.delete(id);
						for (const [id, v] of upserts) {
							state.set(id, {
								clientId: v.clientId,
								date: v.date,
								minutes: v.minutes,
								status: v.status
							});
						}
					}
					const expected = new Map<
						string,
						{ clientId: string; period: string; plannedMinutes: number; plannedVisits: number }
					>();
					for (const [id, v] of state) {
						// F4: a done visit holds its estimate until time is recorded for it.
						if (!(v.status === 'planned' || (v.status === 'done' && !reported.has(id)))) continue;
						for (const period of [isoWeekKey(v.date), monthKey(v.date)]) {
							const key = `${v.clientId}|${period}`;
							const sum = expected.get(key) ?? {
								clientId: v.clientId,
								period,
								plannedMinutes: 0,
								plannedVisits: 0
							};
							sum.plannedMinutes += v.minutes;
							sum.plannedVisits += 1;
							expected.set(key, sum);
						}
					}
					const actual = (
						await db
							.select()
							.from(clientPeriodPlanned)
							.where(inArray(clientPeriodPlanned.clientId, clients))
					)
						.map(({ firstDay: _firstDay, ...rest }) => rest)
						.sort(byClientAndPeriod);
					expect(actual).toEqual([...expected.values()].sort(byClientAndPeriod));
				}
			),
			{ numRuns: 30 }
		);
	}, 120_000);
});
