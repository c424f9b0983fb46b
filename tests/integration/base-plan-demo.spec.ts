/**
 * The demo's base plans: both teams have some, next week's board fills from them without a
 * single rule broken, and the current week — seeded with visits already — is left alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardRoom } from '../../src/lib/board';
import { addDays, isoWeekKey, todayIn } from '../../src/lib/domain/periods';
import { createSessionStore } from '../../src/lib/server/auth/session';
import { basePlan, basePlanFill } from '../../src/lib/server/db/schema';
import { seedDemo } from '../../src/lib/server/db/seed-demo';
import { seedDemoBoards } from '../../src/lib/server/db/seed-demo-boards';
import { fillWeek } from '../../src/lib/server/realtime/base-plan-fill';
import { startRealtime } from '../fixtures/realtime';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';

let database: TestDatabase;
let started: Awaited<ReturnType<typeof startRealtime>>;
let teams: { id: string; name: string }[];
const today = todayIn();

beforeAll(async () => {
	database = await createTestDatabase();
	const demo = await seedDemo(database.db, { today });
	await seedDemoBoards(database.db, { today });
	teams = demo.teams;
	started = await startRealtime(database.db, createSessionStore(database.db));
});

afterAll(async () => {
	await started?.realtime.close();
	if (started) await new Promise((resolve) => started.server.close(resolve));
	await database?.close();
});

describe('the demo base plans', () => {
	it('[B8] give both teams a next week without broken rules, and leave this week alone', async () => {
		const patterns = await database.db.select().from(basePlan);
		for (const team of teams) {
			expect(patterns.filter((p) => p.teamId === team.id).length).toBeGreaterThanOrEqual(3);
		}
		const deps = { db: database.db, rooms: started.realtime.rooms };
		for (const team of teams) {
			const next = await fillWeek(deps, boardRoom(team.id, isoWeekKey(addDays(today, 7))), null, {
				auto: true
			});
			expect(next).toMatchObject({ status: 'filled', unassigned: [] });
			expect(next.status === 'filled' && next.created).toBeGreaterThan(5);
			const current = await fillWeek(deps, boardRoom(team.id, isoWeekKey(today)), null, {
				auto: true
			});
			expect(current).toEqual({ status: 'skipped', reason: 'has-visits' });
		}
		expect(await database.db.select().from(basePlanFill)).toHaveLength(teams.length);
	});
});
