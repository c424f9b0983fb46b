/**
 * Server crash (DESIGN.md §6): twenty devices write to one board while the server process is
 * killed with SIGKILL at random moments and restarted on the same data. After every restart,
 * everything any device had received from another is on the board before a single writer is
 * back (a change is committed before it is relayed), and at the end every device's own edits
 * are there too, every replica is identical and every visit passes the rules.
 *
 * Quick form (npm test): 5 kills. Full form (FAULTS=full npm run test:faults): 50.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visitsMap } from '../../src/lib/board';
import { createSessionStore } from '../../src/lib/server/auth/session';
import { cookieFor, seedWorld, type World } from '../fixtures/realtime';
import {
	TAGGED_VISITS,
	addRoomyClient,
	createPlainVisits,
	device,
	edit,
	keepWriting,
	receivedBy,
	tagsOf,
	type Device
} from './board-work';
import {
	FULL,
	ServerProcess,
	boardClient,
	boardJson,
	faultDatabase,
	loadBoard,
	random,
	scale,
	sleep,
	synced,
	until,
	type FaultDatabase
} from './harness';

const DEVICES = 20;
const KILLS = scale(5, 50);
const SEED = Number(process.env.FAULTS_SEED ?? 20261202);

let database: FaultDatabase;
let world: World;
let roomy: string;
let cookies: string[];
let observer: string;
let server: ServerProcess | undefined;
const devices: Device[] = [];

beforeAll(async () => {
	database = await faultDatabase();
	const db = await database.open();
	world = await seedWorld(db);
	roomy = await addRoomyClient(db, world);
	const sessions = createSessionStore(db);
	const team = [world.staff.anna, world.staff.bertil, world.staff.cecilia];
	cookies = [];
	for (let i = 0; i < DEVICES; i++) cookies.push(await cookieFor(sessions, team[i % team.length]));
	observer = await cookieFor(sessions, world.staff.anna);
	await database.release();
}, 120_000);

afterAll(async () => {
	for (const d of devices) d.destroy();
	await server?.kill();
	await database?.close();
});

describe('server crash', () => {
	it(
		`loses nothing a device saw or wrote when the server is killed ${KILLS} times`,
		async () => {
			const rng = random(SEED);
			server = await ServerProcess.start({ env: database.env, options: { compactEvery: 40 } });
			const port = server.port;
			const room = world.room;

			// The tagged visits, created and committed before the devices start.
			const seeder = boardClient(server.url, room, observer);
			await synced(seeder.provider);
			const tagged = createPlainVisits(seeder.doc, roomy, TAGGED_VISITS);
			await until(
				async () => visitsMap(await loadBoard(server!.url, room, observer)).size >= TAGGED_VISITS,
				20_000,
				'the tagged visits'
			);
			seeder.destroy();

			for (let i = 0; i < DEVICES; i++) {
				devices.push(device(i, boardClient(server.url, room, cookies[i])));
			}
			await Promise.all(devices.map((d) => synced(d.provider)));

			// Every device writes all the time, online and offline.
			const writers = keepWriting(
				rng,
				() => devices,
				(d) => edit(rng, d, world, tagged, roomy)
			);

			const received = new Set<string>();
			const lostTags: string[] = [];
			for (let kill = 0; kill < KILLS; kill++) {
				// A random moment, mostly once everyone is back and writing.
				if (rng.chance(0.8)) await Promise.all(devices.map((d) => synced(d.provider, 30_000)));
				await sleep(rng.between(0, 1000));
				await server.kill();
				// Keep the writers away until the restarted server has shown what it kept.
				for (const d of devices) d.provider.disconnect();
				const seen = new Set(devices.flatMap(receivedBy));
				await sleep(rng.between(0, 300));
				server = await ServerProcess.start({
					env: database.env,
					port,
					options: { compactEvery: 40 }
				});
				const kept = tagsOf(await loadBoard(server.url, room, observer));
				const missing = [...seen].filter((t) => !kept.has(t));
				for (const t of seen) received.add(t);
				lostTags.push(...missing);
				for (const d of devices) d.provider.connect();
			}
			await writers.stop();

			// Everyone back: the replicas converge on the server's board.
			await Promise.all(devices.map((d) => synced(d.provider, 30_000)));
			const watcher = boardClient(server.url, room, observer);
			await synced(watcher.provider);
			await until(
				() => devices.every((d) => boardJson(d.doc) === boardJson(watcher.doc)),
				30_000,
				'every replica to converge',
				200
			);
			watcher.destroy();
			const converged = boardJson(devices[0].doc);

			// One more kill at rest: the converged board is what the database holds.
			await server.kill();
			for (const d of devices) d.provider.disconnect();
			server = await ServerProcess.start({ env: database.env, port });
			const stored = await loadBoard(server.url, room, observer);
			const finalTags = tagsOf(stored);
			const authored = devices.flatMap((d) => [...d.authored]);
			const editsLost = authored.filter((t) => !finalTags.has(t));
			const check = await server.validate(room);

			console.log(
				`[faults] server crash: ${KILLS} kills, ${DEVICES} devices, ${authored.length} tagged ` +
					`edits, ${received.size} updates received from other devices checked after the restarts, ` +
					`updates lost ${lostTags.length}, ` +
					`local edits lost ${editsLost.length}, ${check.visits} visits, ` +
					`${check.violations.length} rule violations, ` +
					`${check.projectionOutOfStep.length} projection rows out of step ` +
					`(seed ${SEED}${FULL ? ', full' : ''})`
			);
			expect(lostTags).toEqual([]);
			expect(editsLost).toEqual([]);
			expect(boardJson(stored)).toBe(converged);
			expect(check.violations).toEqual([]);
			expect(check.projectionOutOfStep).toEqual([]);
			// The devices really wrote, and really saw each other's work before the crashes.
			expect(authored.length).toBeGreaterThan(DEVICES * KILLS);
			expect(received.size).toBeGreaterThan(0);
		},
		scale(240_000, 1_800_000)
	);
});
