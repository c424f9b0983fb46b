/**
 * The per-client summaries (drizzle/0006, 0009) when several transactions change one client at
 * the same time: a board commit and a time entry, two workers reporting, two processes. Each
 * round holds one transaction open while others write the same client; every one of them
 * commits, and the summaries equal the raw sums afterwards. Needs concurrent connections:
 * runs in the PostgreSQL pass (PGlite has one connection).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { MONDAY, TUESDAY, WEDNESDAY, seedWorld, type World } from '../fixtures/realtime';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';

let database: TestDatabase;
let world: World;
let connections: postgres.Sql[];

beforeAll(async () => {
	database = await createTestDatabase();
	world = await seedWorld(database.db);
	connections = [0, 1, 2].map(() => postgres(database.url!, { max: 1, onnotice: () => {} }));
});

afterAll(async () => {
	await Promise.all((connections ?? []).map((c) => c.end()));
	await database?.close();
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function plannedVisit(
	sql: postgres.TransactionSql,
	clientId: string,
	date: string,
	minutes: number
) {
	return sql`insert into planned_visit (id, organisation_id, team_id, client_id, room, date,
		day_part, minutes, status, services, assignees, updated_at)
		values (${randomUUID()}, ${world.organisationId}, ${world.teams.bjorken}, ${clientId},
			${world.room}, ${date}, 'morning', ${minutes}, 'planned', ${'{meals}'}, ${'{}'}, now())`;
}

function timeEntry(sql: postgres.TransactionSql, clientId: string, date: string, minutes: number) {
	return sql`insert into time_entry (organisation_id, client_id, staff_id, recorded_by, date,
		minutes, idempotency_key)
		values (${world.organisationId}, ${clientId}, ${world.staff.anna}, ${world.staff.anna},
			${date}, ${minutes}, ${randomUUID()})`;
}

describe('summaries written by several transactions at once', () => {
	it('count every concurrent board commit and time entry of one client, and refuse none', async () => {
		const clientId = world.clients.ingrid;
		const [a, b, c] = connections;
		const failures: string[] = [];
		for (let round = 0; round < 8; round++) {
			const held = a.begin(async (sql) => {
				await plannedVisit(sql, clientId, MONDAY, 15);
				await sleep(40);
			});
			await sleep(10);
			const others = [
				b.begin((sql) => plannedVisit(sql, clientId, TUESDAY, 20)),
				c.begin((sql) => timeEntry(sql, clientId, WEDNESDAY, 25))
			];
			for (const result of await Promise.allSettled([held, ...others])) {
				if (result.status === 'rejected') failures.push((result.reason as Error).message);
			}
		}
		expect(failures).toEqual([]);

		const [week, month] = ['2026-W48', '2026-11'];
		const planned =
			await a`select period, planned_minutes::int as minutes, planned_visits::int as visits
			from client_period_planned where client_id = ${clientId} and period in (${week}, ${month})
			order by period`;
		const rawPlanned = await a`select sum(minutes)::int as minutes, count(*)::int as visits
			from planned_visit where client_id = ${clientId} and status = 'planned'
				and date between '2026-11-23' and '2026-11-29'`;
		expect(planned.find((r) => r.period === week)).toMatchObject(rawPlanned[0]);
		expect(rawPlanned[0]).toMatchObject({ minutes: 8 * 35, visits: 16 });

		const used = await a`select used_minutes::int as minutes from client_period_usage
			where client_id = ${clientId} and period = ${week}`;
		const rawUsed = await a`select sum(minutes)::int as minutes from time_entry
			where client_id = ${clientId} and date between '2026-11-23' and '2026-11-29'`;
		expect(used[0].minutes).toBe(rawUsed[0].minutes);
		expect(planned.map((r) => r.period)).toEqual([month, week]);
	});
});
