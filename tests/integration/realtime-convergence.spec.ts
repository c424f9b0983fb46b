/**
 * Randomized convergence in the style of Yjs's own tests: several devices make random valid
 * and invalid changes, drop off and come back with offline work, over real sockets. At the
 * end every replica and a fresh load from the database are identical, and every visit
 * passes the rules. Then a crash: whatever any peer saw is there after a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import * as Y from 'yjs';
import {
	addService,
	assign,
	boardRoom,
	createVisit,
	deleteVisit,
	moveVisit,
	removeService,
	setMinutes,
	setNote,
	setStatus,
	unassign,
	visitsMap,
	visitsOf
} from '../../src/lib/board';
import { datesOfIsoWeek } from '../../src/lib/domain/periods';
import { DAY_PARTS, VISIT_STATUSES } from '../../src/lib/domain/types';
import { createSessionStore, type SessionStore } from '../../src/lib/server/auth/session';
import { type Realtime } from '../../src/lib/server/realtime';
import { PostgresBoardStore } from '../../src/lib/server/realtime/board-store.postgres';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';
import {
	eventually,
	openDevice,
	seedWorld,
	whenSynced,
	type Device,
	type World,
	startRealtime,
	QUIET
} from '../fixtures/realtime';
import { random } from '../fixtures/random';

let database: TestDatabase;
let world: World;
let sessions: SessionStore;

beforeAll(async () => {
	database = await createTestDatabase();
	world = await seedWorld(database.db);
	sessions = createSessionStore(database.db);
});
afterAll(() => database.close());

async function startServer(
	options = {}
): Promise<{ server: Server; url: string; realtime: Realtime }> {
	const { server, url, realtime } = await startRealtime(database.db, sessions, {
		log: { ...QUIET, error: console.error },
		options: { compactEvery: 25, ...options }
	});
	return { server, url, realtime };
}

async function stopServer(s: { server: Server; realtime: Realtime }, hard = false) {
	await s.realtime.close({ hard });
	s.server.closeAllConnections();
	await new Promise((resolve) => s.server.close(resolve));
}

/** The board's visits as canonical JSON: replicas may list map keys in different orders. */
function snapshotOf(doc: Y.Doc): string {
	const canonical = (value: unknown): unknown =>
		value && typeof value === 'object' && !Array.isArray(value)
			? Object.fromEntries(
					Object.keys(value)
						.sort()
						.map((k) => [k, canonical((value as Record<string, unknown>)[k])])
				)
			: value;
	return JSON.stringify(canonical(visitsMap(doc).toJSON()));
}

/** One random change on a device's doc: mostly sensible, sometimes against the rules. */
function randomChange(rng: ReturnType<typeof random>, doc: Y.Doc, week: string) {
	const dates = datesOfIsoWeek(week);
	const clients = [world.clients.greta, world.clients.ingrid, world.clients.harald];
	const staff = [world.staff.anna, world.staff.bertil, world.staff.cecilia, world.staff.erik];
	const services = ['meals', 'social', 'insulin', 'personal-care', 'shower', 'walk', 'cleaning'];
	const ids = visitsOf(doc).map((v) => v.id);
	const id = ids.length > 0 ? rng.pick(ids) : null;
	const op = rng.int(id ? 11 : 1);
	try {
		switch (op) {
			case 0:
				createVisit(doc, {
					clientId: rng.pick(clients),
					date: rng.chance(0.9) ? rng.pick(dates) : '2030-01-01',
					dayPart: rng.pick(DAY_PARTS),
					services: [rng.pick(services)],
					minutes: rng.pick([15, 30, 45, 60, 90, 7]),
					assignees: rng.chance(0.5) ? [rng.pick(staff)] : []
				});
				break;
			case 1:
				setMinutes(doc, id!, rng.pick([10, 20, 30, 60, 120, 240, 600, 13]));
				break;
			case 2:
				assign(doc, id!, rng.pick(staff));
				break;
			case 3:
				unassign(doc, id!, rng.pick(staff));
				break;
			case 4:
				addService(doc, id!, rng.pick([...services, 'teleport']));
				break;
			case 5:
				removeService(doc, id!, rng.pick(services));
				break;
			case 6:
				moveVisit(doc, id!, { date: rng.pick(dates), dayPart: rng.pick(DAY_PARTS) });
				break;
			case 7:
				setStatus(doc, id!, rng.pick(VISIT_STATUSES));
				break;
			case 8:
				if (rng.chance(0.3)) deleteVisit(doc, id!);
				else setNote(doc, id!, `anteckning ${rng.int(100)}`);
				break;
			case 9:
				(visitsMap(doc).get(id!) as Y.Map<unknown>).set('minutes', 'lång');
				break;
			default:
				doc.transact(() => {
					setMinutes(doc, id!, rng.pick([15, 30, 45]));
					assign(doc, id!, rng.pick(staff));
				});
		}
	} catch {
		// A visit that vanished under us: nothing to do.
	}
}

async function runSeed(url: string, realtime: Realtime, seed: number, week: string) {
	const rng = random(seed);
	const room = boardRoom(world.teams.bjorken, week);
	const people = [world.staff.anna, world.staff.bertil, world.staff.cecilia, world.staff.anna];
	const devices: Device[] = [];
	for (const staffId of people) {
		devices.push(await openDevice(url, database.db, staffId, room, { sessions, join: false }));
	}
	try {
		for (let step = 0; step < 60; step++) {
			const device = rng.pick(devices);
			if (rng.chance(0.1)) {
				if (device.provider.wsconnected) device.provider.disconnect();
				else device.provider.connect();
			}
			randomChange(rng, device.doc, week);
			if (rng.chance(0.3)) await new Promise((r) => setTimeout(r, rng.int(15)));
		}
		for (const d of devices) if (!d.provider.shouldConnect) d.provider.connect();
		await Promise.all(devices.map((d) => whenSynced(d.provider, 10_000)));
		const serverDoc = () => realtime.rooms.rooms.get(room)!.doc;
		await eventually(
			() => devices.every((d) => snapshotOf(d.doc) === snapshotOf(serverDoc())),
			15_000,
			`convergence of seed ${seed}`
		);
		const server = realtime.rooms.rooms.get(room)!;
		await server.exclusive(async (ctx) => {
			const judge = server.judge(ctx);
			for (const visit of visitsOf(server.doc)) {
				expect(judge.check(visit, visit), `seed ${seed}: ${visit.id}`).toEqual([]);
			}
		});
		// Everything the server holds is committed: a fresh load gives the same board.
		await realtime.writer.flush();
		const stored = await new PostgresBoardStore(database.db).load(room);
		const fresh = new Y.Doc();
		if (stored.snapshot) Y.applyUpdate(fresh, stored.snapshot);
		for (const u of stored.updates) Y.applyUpdate(fresh, u);
		expect(snapshotOf(fresh)).toBe(snapshotOf(server.doc));
		return { visits: visitsOf(server.doc).length, refused: server.stats.refused };
	} finally {
		for (const d of devices) d.close();
	}
}

describe('randomized convergence', () => {
	it('ends every replica and the database identical and valid, whatever the devices do', async () => {
		const s = await startServer();
		try {
			let refused = 0;
			const seeds = Array.from({ length: 24 }, (_, i) => i + 1);
			for (const [i, seed] of seeds.entries()) {
				const week = `2028-W${String(1 + i).padStart(2, '0')}`;
				const result = await runSeed(s.url, s.realtime, seed, week);
				refused += result.refused;
			}
			// The random changes did break rules now and then, and were undone.
			expect(refused).toBeGreaterThan(0);
		} finally {
			await stopServer(s);
		}
	}, 120_000);
});

describe('a crash', () => {
	it('loses nothing that any peer saw', async () => {
		const week = '2027-W30';
		const room = boardRoom(world.teams.bjorken, week);
		const first = await startServer();
		const tablet = await openDevice(first.url, database.db, world.staff.anna, room, {
			sessions,
			join: false
		});
		const phone = await openDevice(first.url, database.db, world.staff.bertil, room, {
			sessions,
			join: false
		});
		const rng = random(99);
		for (let i = 0; i < 30; i++) {
			randomChange(rng, rng.chance(0.5) ? tablet.doc : phone.doc, week);
			await new Promise((r) => setTimeout(r, 2));
		}
		// When both peers hold what the server holds, each change reached a peer, so was committed.
		const serverDoc = () => first.realtime.rooms.rooms.get(room)!.doc;
		await eventually(
			() =>
				snapshotOf(tablet.doc) === snapshotOf(phone.doc) &&
				snapshotOf(phone.doc) === snapshotOf(serverDoc()),
			10_000,
			'peers agree'
		);
		const seen = snapshotOf(phone.doc);
		phone.provider.shouldConnect = false;
		tablet.provider.shouldConnect = false;
		await stopServer(first, true);
		tablet.close();
		phone.close();

		const second = await startServer();
		try {
			const fresh = await openDevice(second.url, database.db, world.staff.cecilia, room, {
				sessions,
				join: false
			});
			expect(snapshotOf(fresh.doc)).toBe(seen);
			fresh.close();
		} finally {
			await stopServer(second);
		}
	}, 60_000);
});
