/**
 * What the board keeps and when (DESIGN.md §6): a change nobody could commit is never shown
 * to anyone and arrives again from its author; an idle board is compacted and unloaded and
 * comes back the same; a monthly frame counts the other weeks whether their boards are open
 * or closed; presence follows who is looking.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import * as Y from 'yjs';
import { datesOfIsoWeek } from '../../src/lib/domain/periods';
import { boardRoom, createVisit, readVisit, setMinutes, visitsOf } from '../../src/lib/board';
import { createSessionStore, type SessionStore } from '../../src/lib/server/auth/session';
import { attachRealtime } from '../../src/lib/server/realtime';
import { MemoryBoardStore } from '../../src/lib/server/realtime/board-store';
import { PostgresBoardStore } from '../../src/lib/server/realtime/board-store.postgres';
import type { PresenceEvent } from '../../src/lib/realtime/protocol';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';
import {
	MONDAY,
	TUESDAY,
	eventually,
	openDevice,
	seedWorld,
	type World,
	startRealtime
} from '../fixtures/realtime';

let database: TestDatabase;
let world: World;
let sessions: SessionStore;

beforeAll(async () => {
	database = await createTestDatabase();
	world = await seedWorld(database.db);
	sessions = createSessionStore(database.db);
});
afterAll(() => database.close());

async function start(
	opts: Parameters<typeof attachRealtime>[1]['options'] = {},
	store?: MemoryBoardStore
) {
	const { server, url, realtime } = await startRealtime(database.db, sessions, {
		store,
		options: opts
	});
	return {
		url,
		realtime,
		async stop() {
			await realtime.close();
			server.closeAllConnections();
			await new Promise((resolve) => (server as Server).close(resolve));
		}
	};
}

describe('durability', () => {
	it('shows nobody a change that could not be committed, and takes it again from its author', async () => {
		const store = new MemoryBoardStore();
		const s = await start({}, store);
		const room = boardRoom(world.teams.bjorken, '2027-W40');
		const tablet = await openDevice(s.url, database.db, world.staff.anna, room, {
			sessions,
			join: false
		});
		const phone = await openDevice(s.url, database.db, world.staff.bertil, room, {
			sessions,
			join: false
		});
		try {
			store.failNextAppend = new Error('disk full');
			const id = createVisit(tablet.doc, {
				clientId: world.clients.greta,
				date: datesOfIsoWeek('2027-W40')[0],
				dayPart: 'morning',
				services: ['meals'],
				minutes: 30
			});
			// A batch that fails once is retried write by write, so the change still goes through.
			await eventually(() => readVisit(phone.doc, id) !== undefined, 10_000, 'visit after retry');
			expect(store.logLength(room)).toBeGreaterThan(0);

			// Now every attempt fails: the board closes rather than show an uncommitted change.
			const failing = store.append.bind(store);
			store.append = async () => {
				throw new Error('database gone');
			};
			setMinutes(tablet.doc, id, 45);
			await new Promise((r) => setTimeout(r, 300));
			expect(readVisit(phone.doc, id)?.minutes).toBe(30);
			store.append = failing;
			// The providers reconnect; the tablet sends its change again and it is judged anew.
			await eventually(() => readVisit(phone.doc, id)?.minutes === 45, 10_000, 'change resent');
			const stored = await store.load(room);
			const fresh = new Y.Doc();
			if (stored.snapshot) Y.applyUpdate(fresh, stored.snapshot);
			for (const u of stored.updates) Y.applyUpdate(fresh, u);
			expect(readVisit(fresh, id)?.minutes).toBe(45);
		} finally {
			tablet.close();
			phone.close();
			await s.stop();
		}
	});

	it('compacts an idle board, unloads it, and opens it again unchanged', async () => {
		const s = await start({ idleMs: 100, compactEvery: 1000 });
		const room = boardRoom(world.teams.bjorken, '2027-W41');
		try {
			const tablet = await openDevice(s.url, database.db, world.staff.anna, room, {
				sessions,
				join: false
			});
			for (let i = 0; i < 5; i++) {
				createVisit(tablet.doc, {
					clientId: world.clients.greta,
					date: datesOfIsoWeek('2027-W41')[0],
					dayPart: 'midday',
					services: ['meals'],
					minutes: 15
				});
			}
			await eventually(() => s.realtime.rooms.rooms.get(room)?.authority.accepted.size === 5);
			const before = visitsOf(tablet.doc);
			tablet.provider.shouldConnect = false;
			tablet.close();
			await eventually(() => !s.realtime.rooms.rooms.has(room), 5000, 'unloaded');
			const stored = await new PostgresBoardStore(database.db).load(room);
			expect(stored.snapshot).not.toBeNull();
			expect(stored.updates).toHaveLength(0);
			const again = await openDevice(s.url, database.db, world.staff.bertil, room, {
				sessions,
				join: false
			});
			expect(visitsOf(again.doc)).toEqual(before);
			again.close();
		} finally {
			await s.stop();
		}
	});
});

describe('frames across weeks', () => {
	it('[DL3] counts the other weeks of a month, open or closed', async () => {
		const s = await start({ idleMs: 100 });
		// Ingrid: 20 h in November, 14 h used. Plan 4 h in week 47, then 2 h more in week 48.
		const w47 = boardRoom(world.teams.bjorken, '2026-W47');
		try {
			const earlier = await openDevice(s.url, database.db, world.staff.anna, w47, {
				sessions,
				join: false
			});
			createVisit(earlier.doc, {
				clientId: world.clients.ingrid,
				date: '2026-11-20',
				dayPart: 'midday',
				services: ['social'],
				minutes: 240
			});
			await eventually(() => s.realtime.rooms.rooms.get(w47)?.authority.accepted.size === 1);
			const board = await openDevice(s.url, database.db, world.staff.anna, world.room, {
				sessions
			});
			const plan = (date: string, minutes: number) =>
				createVisit(board.doc, {
					clientId: world.clients.ingrid,
					date,
					dayPart: 'evening',
					services: ['social'],
					minutes
				});
			const verdictOf = async (id: string, what: string) => {
				await eventually(() => board.verdicts.some((v) => v.visitId === id), 5000, what);
				return board.verdicts.find((v) => v.visitId === id)!;
			};
			const expected = {
				usedMinutes: 840,
				plannedMinutes: 240,
				leftMinutes: 120,
				addedMinutes: 180
			};
			const first = plan(MONDAY, 180);
			expect((await verdictOf(first, 'verdict with week 47 open')).details).toMatchObject(expected);

			// Close week 47: its visit now counts from the projection.
			earlier.provider.shouldConnect = false;
			earlier.close();
			await eventually(() => !s.realtime.rooms.rooms.has(w47), 5000, 'week 47 unloaded');
			const second = plan(TUESDAY, 180);
			expect((await verdictOf(second, 'verdict with week 47 closed')).details).toMatchObject(
				expected
			);
			// Exactly what is left is allowed.
			const third = plan(TUESDAY, 120);
			await eventually(
				() =>
					s.realtime.rooms.rooms.get(world.room)?.authority.accepted.get(third)?.status ===
					'planned',
				5000,
				'accepted'
			);
			expect(board.verdicts.some((v) => v.visitId === third)).toBe(false);
			board.close();
		} finally {
			await s.stop();
		}
	});
});

describe('presence', () => {
	it('tells everyone on the board who is looking, one entry per person', async () => {
		const s = await start();
		const room = boardRoom(world.teams.bjorken, '2027-W42');
		try {
			const tablet = await openDevice(s.url, database.db, world.staff.anna, room, { sessions });
			const seen: PresenceEvent[] = [];
			tablet.socket.on('presence', (p) => seen.push(p));
			const phone = await openDevice(s.url, database.db, world.staff.bertil, room, { sessions });
			const second = await openDevice(s.url, database.db, world.staff.bertil, room, { sessions });
			await eventually(
				() => seen.at(-1)?.users.find((u) => u.name === 'Bertil Ek')?.devices === 2,
				5000,
				'two devices of Bertil'
			);
			expect(seen.at(-1)?.users.map((u) => u.name)).toEqual(['Anna Lind', 'Bertil Ek']);
			phone.close();
			second.close();
			await eventually(() => seen.at(-1)?.users.length === 1, 5000, 'Bertil left');
			tablet.close();
		} finally {
			await s.stop();
		}
	});
});
