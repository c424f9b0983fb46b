/**
 * One contract for every board store (DESIGN.md §6): the in-memory store and the Drizzle
 * store on PGlite, or on PostgreSQL when TEST_DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import * as Y from 'yjs';
import { createVisit, readVisit, setMinutes, visitsOf } from '../../src/lib/board';
import { auditLog, boardSnapshot, plannedVisit } from '../../src/lib/server/db/schema';
import {
	MemoryBoardStore,
	type BoardStore,
	type PlannedVisitRow
} from '../../src/lib/server/realtime/board-store';
import { PostgresBoardStore } from '../../src/lib/server/realtime/board-store.postgres';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';
import { MONDAY, seedWorld, type World } from '../fixtures/realtime';

interface Harness {
	store: BoardStore;
	projection(id: string): Promise<PlannedVisitRow | undefined>;
	auditCount(): Promise<number>;
}

let database: TestDatabase;
let world: World;

beforeAll(async () => {
	database = await createTestDatabase();
	world = await seedWorld(database.db);
});
afterAll(() => database.close());

const harnesses: [string, () => Harness][] = [
	[
		'memory',
		() => {
			const store = new MemoryBoardStore();
			return {
				store,
				projection: async (id) => store.projection.get(id),
				auditCount: async () => store.audit.length
			};
		}
	],
	[
		'database',
		() => ({
			store: new PostgresBoardStore(database.db),
			async projection(id) {
				const [row] = await database.db.select().from(plannedVisit).where(eq(plannedVisit.id, id));
				if (!row) return undefined;
				const { updatedAt: _u, ...rest } = row;
				return rest as PlannedVisitRow;
			},
			async auditCount() {
				return (await database.db.select().from(auditLog)).length;
			}
		})
	]
];

/** Records every update a doc emits, as a client's edits would arrive at the server. */
function recorder(doc: Y.Doc) {
	const updates: Uint8Array[] = [];
	doc.on('update', (u: Uint8Array) => updates.push(u));
	return updates;
}

function rebuild(stored: { snapshot: Uint8Array | null; updates: Uint8Array[] }): Y.Doc {
	const doc = new Y.Doc();
	if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
	for (const u of stored.updates) Y.applyUpdate(doc, u);
	return doc;
}

function row(overrides: Partial<PlannedVisitRow> & { id: string; room: string }): PlannedVisitRow {
	return {
		organisationId: world.organisationId,
		teamId: world.teams.bjorken,
		clientId: world.clients.greta,
		date: MONDAY,
		dayPart: 'morning',
		minutes: 30,
		status: 'planned',
		services: ['meals'],
		assignees: [world.staff.anna],
		...overrides
	};
}

describe.each(harnesses)('board store contract: %s', (kind, make) => {
	const room = (name: string) => `board:${world.teams.bjorken}:2026-W${name}-${kind}`;

	it('has nothing for a room never written', async () => {
		const { store } = make();
		expect(await store.load(room('01'))).toEqual({ snapshot: null, updates: [], lastId: 0 });
	});

	it('gives back every committed update in order, so the board rebuilds exactly', async () => {
		const { store } = make();
		const doc = new Y.Doc();
		const updates = recorder(doc);
		const id = createVisit(doc, {
			clientId: world.clients.greta,
			date: MONDAY,
			dayPart: 'morning',
			services: ['meals'],
			minutes: 30
		});
		setMinutes(doc, id, 45);
		setMinutes(doc, id, 60);
		const ids = await store.append([
			{ room: room('02'), updates: updates.slice(0, 2), upserts: [], removals: [], audit: [] },
			{ room: room('03'), updates: [], upserts: [], removals: [], audit: [] },
			{ room: room('02'), updates: updates.slice(2), upserts: [], removals: [], audit: [] }
		]);
		expect(ids[0]).toBeGreaterThan(0);
		expect(ids[1]).toBe(0);
		expect(ids[2]).toBe(ids[0] + 1);
		const stored = await store.load(room('02'));
		expect(stored.lastId).toBe(ids[2]);
		expect(readVisit(rebuild(stored), id)?.minutes).toBe(60);
	});

	it('compacts into a snapshot and keeps only the updates after it', async () => {
		const { store } = make();
		const doc = new Y.Doc();
		const updates = recorder(doc);
		const id = createVisit(doc, {
			clientId: world.clients.greta,
			date: MONDAY,
			dayPart: 'morning',
			services: ['meals'],
			minutes: 30
		});
		const [first] = await store.append([
			{ room: room('04'), updates: [...updates], upserts: [], removals: [], audit: [] }
		]);
		const snapshot = Y.encodeStateAsUpdate(doc);
		setMinutes(doc, id, 90);
		await store.append([
			{ room: room('04'), updates: updates.slice(1), upserts: [], removals: [], audit: [] }
		]);
		await store.compact(room('04'), snapshot, first);
		const stored = await store.load(room('04'));
		expect(stored.snapshot).not.toBeNull();
		expect(stored.updates).toHaveLength(1);
		expect(visitsOf(rebuild(stored))).toEqual(visitsOf(doc));
		// An older snapshot never replaces a newer one.
		await store.compact(room('04'), Y.encodeStateAsUpdate(new Y.Doc()), first - 1);
		expect(visitsOf(rebuild(await store.load(room('04'))))).toEqual(visitsOf(doc));
	});

	it('knows which boards exist, and creates an empty one without touching a stored one', async () => {
		const { store } = make();
		expect(await store.exists(room('05'))).toBe(false);
		await store.create(room('05'));
		expect(await store.exists(room('05'))).toBe(true);
		expect(visitsOf(rebuild(await store.load(room('05'))))).toEqual([]);

		const doc = new Y.Doc();
		const updates = recorder(doc);
		createVisit(doc, {
			clientId: world.clients.greta,
			date: MONDAY,
			dayPart: 'morning',
			services: ['meals'],
			minutes: 30
		});
		await store.append([{ room: room('06'), updates, upserts: [], removals: [], audit: [] }]);
		expect(await store.exists(room('06'))).toBe(true);
		await store.create(room('06'));
		expect(visitsOf(rebuild(await store.load(room('06'))))).toEqual(visitsOf(doc));
	});

	it('keeps the planned-visit projection and the audit rows with the updates', async () => {
		const h = make();
		const id = crypto.randomUUID();
		const before = await h.auditCount();
		await h.store.append([
			{
				room: room('05'),
				updates: [],
				upserts: [row({ id, room: room('05') })],
				removals: [],
				audit: [
					{
						organisationId: world.organisationId,
						unitId: world.unitId,
						staffId: world.staff.anna,
						clientId: world.clients.greta,
						device: 'board',
						detail: { what: 'visit', id }
					}
				]
			}
		]);
		expect(await h.projection(id)).toEqual(row({ id, room: room('05') }));
		expect(await h.auditCount()).toBe(before + 1);
		await h.store.append([
			{
				room: room('05'),
				updates: [],
				upserts: [row({ id, room: room('05'), minutes: 60 })],
				removals: [],
				audit: []
			}
		]);
		expect((await h.projection(id))?.minutes).toBe(60);
		// The visit moved to another week: the old room's removal leaves the new row alone.
		await h.store.append([
			{
				room: room('06'),
				updates: [],
				upserts: [row({ id, room: room('06') })],
				removals: [],
				audit: []
			},
			{ room: room('05'), updates: [], upserts: [], removals: [id], audit: [] }
		]);
		expect((await h.projection(id))?.room).toBe(room('06'));
		expect(await h.store.visitsElsewhere(room('05'), [id, crypto.randomUUID()])).toEqual(
			new Map([[id, room('06')]])
		);
		expect((await h.store.visitsElsewhere(room('06'), [id])).size).toBe(0);
		await h.store.append([
			{ room: room('06'), updates: [], upserts: [], removals: [id], audit: [] }
		]);
		expect(await h.projection(id)).toBeUndefined();
	});

	it('reads a board’s projection rows and those of given visits on other boards', async () => {
		const { store } = make();
		const [here, elsewhere, other] = [0, 1, 2].map(() => crypto.randomUUID());
		await store.append([
			{
				room: room('07'),
				updates: [],
				upserts: [row({ id: here, room: room('07'), minutes: 45 })],
				removals: [],
				audit: []
			},
			{
				room: room('08'),
				updates: [],
				upserts: [row({ id: elsewhere, room: room('08') }), row({ id: other, room: room('08') })],
				removals: [],
				audit: []
			}
		]);
		const rows = await store.projectionRows(room('07'), [elsewhere]);
		expect(rows.map((r) => r.id).sort()).toEqual([here, elsewhere].sort());
		expect(rows.find((r) => r.id === here)).toEqual(
			row({ id: here, room: room('07'), minutes: 45 })
		);
		expect((await store.projectionRows(room('09'), [])).length).toBe(0);
	});
});

describe('the database board store', () => {
	it('stores snapshots compressed and still loads one stored uncompressed', async () => {
		const store = new PostgresBoardStore(database.db);
		const doc = new Y.Doc();
		for (let i = 0; i < 50; i++) {
			createVisit(doc, {
				clientId: world.clients.greta,
				date: MONDAY,
				dayPart: 'morning',
				services: ['meals'],
				minutes: 30,
				note: 'Nyckel i nyckelskåpet, ring på två gånger.'
			});
		}
		const data = Y.encodeStateAsUpdate(doc);
		const packed = `board:${world.teams.bjorken}:2026-W30`;
		await store.compact(packed, data, 1);
		const [row] = await database.db
			.select()
			.from(boardSnapshot)
			.where(eq(boardSnapshot.room, packed));
		expect(row.data.byteLength * 3).toBeLessThan(data.byteLength);
		expect(visitsOf(rebuild(await store.load(packed)))).toEqual(visitsOf(doc));

		const plain = `board:${world.teams.bjorken}:2026-W31`;
		await database.db.insert(boardSnapshot).values({ room: plain, data, upToId: 1 });
		expect(visitsOf(rebuild(await store.load(plain)))).toEqual(visitsOf(doc));
	});

	it('loses no update to a compaction that runs between the reads of a load', async () => {
		const room = `board:${world.teams.bjorken}:2026-W07-race`;
		const doc = new Y.Doc();
		const updates = recorder(doc);
		const id = createVisit(doc, {
			clientId: world.clients.greta,
			date: MONDAY,
			dayPart: 'evening',
			services: ['meals'],
			minutes: 30
		});
		for (const minutes of [35, 40, 45]) setMinutes(doc, id, minutes);
		const plain = new PostgresBoardStore(database.db);
		const [lastId] = await plain.append([
			{ room, updates: [...updates], upserts: [], removals: [], audit: [] }
		]);
		// A database whose first read in a load lets a compaction finish before it answers.
		let compactOnce: (() => Promise<void>) | null = () =>
			plain.compact(room, Y.encodeStateAsUpdate(doc), lastId);
		const racing = new Proxy(database.db, {
			get(target, prop, receiver) {
				const value = Reflect.get(target, prop, receiver);
				if (prop !== 'select') return value;
				return (...args: unknown[]) => {
					type Thenable = {
						then: (ok: (v: unknown) => unknown, fail: (e: unknown) => unknown) => unknown;
					};
					const select = (
						value as (...a: unknown[]) => { from: (...a: unknown[]) => Thenable }
					).apply(target, args);
					const from = select.from.bind(select);
					select.from = (...fromArgs: unknown[]) => {
						const query = from(...fromArgs);
						const then = query.then.bind(query);
						query.then = (resolve, reject) =>
							(
								then(async (rows: unknown) => {
									const compact = compactOnce;
									compactOnce = null;
									if (compact) await compact();
									return rows;
								}, reject) as Promise<unknown>
							).then(resolve, reject);
						return query;
					};
					return select;
				};
			}
		});
		const stored = await new PostgresBoardStore(racing).load(room);
		expect(compactOnce).toBeNull();
		expect(readVisit(rebuild(stored), id)?.minutes).toBe(45);
	});
});
