/**
 * The base plan page (`/teams/<id>/base-plan`): who may open it, and its form actions — a
 * pattern is checked against the client's decision in force, a refusal comes back with clear
 * reasons and everything typed, and patterns can be changed, paused and removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { createSessionStore } from '../../src/lib/server/auth/session';
import { auditLog, basePlan } from '../../src/lib/server/db/schema';
import { actions, load } from '../../src/routes/teams/[teamId]/base-plan/+page.server';
import { seedWorld, type World } from '../fixtures/realtime';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';

let database: TestDatabase;
let world: World;
const users: Record<string, SessionUser> = {};

beforeAll(async () => {
	database = await createTestDatabase();
	world = await seedWorld(database.db);
	const sessions = createSessionStore(database.db);
	// The pages find the database through the process's app container.
	(globalThis as Record<symbol, unknown>)[Symbol.for('ramtavlan.app')] = Promise.resolve({
		db: database.db,
		sessions
	});
	for (const name of ['anna', 'erik', 'maria'] as const) {
		const { token } = await sessions.create(world.staff[name]);
		users[name] = (await sessions.validate(token))!.user;
	}
});

afterAll(async () => {
	await database?.close();
});

/** A request to the page as `user`, with form fields for an action. */
function event(user: SessionUser, teamId: string, fields?: Record<string, string | string[]>) {
	const body = new FormData();
	for (const [key, value] of Object.entries(fields ?? {})) {
		for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
	}
	const url = new URL(`http://localhost/teams/${teamId}/base-plan`);
	return {
		locals: { user },
		params: { teamId },
		url,
		request: new Request(url, {
			method: fields ? 'POST' : 'GET',
			body: fields ? body : undefined,
			headers: { 'user-agent': 'test' }
		})
	} as never;
}

const pattern = (fields: Record<string, string | string[]> = {}) => ({
	clientId: world.clients.greta,
	patternId: '',
	weekdays: ['2', '5'],
	dayPart: 'morning',
	services: ['shower'],
	minutes: '45',
	window: '',
	note: '',
	...fields
});

describe('the base plan page', () => {
	it('[B3] is refused (403) for another team’s worker, page and actions alike', async () => {
		await expect(load(event(users.erik, world.teams.bjorken))).rejects.toMatchObject({
			status: 403
		});
		await expect(
			actions.save(event(users.erik, world.teams.bjorken, pattern()))
		).rejects.toMatchObject({ status: 403 });
	});

	it('opens for the team’s worker and the unit’s manager, and logs the read', async () => {
		const page = (await load(event(users.anna, world.teams.bjorken))) as {
			clients: { id: string; granted: string[] | null }[];
		};
		expect(page.clients.map((c) => c.id)).toEqual([
			world.clients.greta,
			world.clients.harald,
			world.clients.ingrid
		]);
		expect(page.clients[0].granted).toEqual(['insulin', 'meals', 'personal-care', 'shower']);
		const manager = (await load(event(users.maria, world.teams.bjorken))) as {
			clients: unknown[];
		};
		expect(manager.clients).toHaveLength(3);
		const reads = await database.db
			.select()
			.from(auditLog)
			.where(eq(auditLog.staffId, users.anna.id));
		expect(reads.some((r) => (r.detail as { what?: string }).what === 'base-plan')).toBe(true);
	});

	it('[B3] [B4] refuses a service the decision does not grant, keeping what was typed', async () => {
		const result = (await actions.save(
			event(
				users.anna,
				world.teams.bjorken,
				pattern({ services: ['shower', 'walk'], minutes: '42', note: 'Handduk i badrummet' })
			)
		)) as { status: number; data: Record<string, unknown> };
		expect(result.status).toBe(400);
		expect(result.data).toMatchObject({
			clientId: world.clients.greta,
			errors: { services: 'not-granted', minutes: 'invalid-minutes' },
			notGranted: ['walk'],
			values: { services: ['shower', 'walk'], minutes: 42, note: 'Handduk i badrummet' }
		});
		expect(await database.db.select().from(basePlan)).toEqual([]);
	});

	it('[B1] [B7] adds, changes, pauses and removes a pattern; the frame hint follows', async () => {
		const saved = (await actions.save(event(users.anna, world.teams.bjorken, pattern()))) as {
			saved: string;
		};
		const hintOf = async () => {
			const page = (await load(event(users.anna, world.teams.bjorken))) as {
				clients: { id: string; hint: { periodMinutes: number; frameMinutes: number } | null }[];
			};
			return page.clients.find((c) => c.id === world.clients.greta)!.hint;
		};
		expect(await hintOf()).toMatchObject({ periodMinutes: 90, frameMinutes: 180 });

		await actions.save(
			event(
				users.anna,
				world.teams.bjorken,
				pattern({ patternId: saved.saved, weekdays: ['1', '3', '5'], minutes: '60' })
			)
		);
		const [row] = await database.db.select().from(basePlan);
		expect(row).toMatchObject({ weekdays: [1, 3, 5], minutes: 60, active: true });
		expect(await hintOf()).toMatchObject({ periodMinutes: 180, over: false });

		await actions.pause(event(users.anna, world.teams.bjorken, { patternId: saved.saved }));
		expect((await database.db.select().from(basePlan))[0].active).toBe(false);
		expect(await hintOf()).toMatchObject({ periodMinutes: 0 });

		// Another team's manager or worker cannot touch it through their own team's page.
		const foreign = (await actions.remove(
			event(users.maria, world.teams.eken, { patternId: saved.saved })
		)) as { status: number };
		expect(foreign.status).toBe(404);

		await actions.remove(event(users.anna, world.teams.bjorken, { patternId: saved.saved }));
		expect(await database.db.select().from(basePlan)).toEqual([]);
	});
});
