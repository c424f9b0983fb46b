/**
 * PostgreSQL crash: the database is stopped with `pg_ctl stop -m immediate` while devices write
 * to a board and workers record time. The app stays up and `/healthz` says the database is
 * down; it is back within 10 s of the database; nothing committed is lost; a command issued
 * meanwhile is answered with a failure and, retried with its idempotency key, counts once.
 *
 * The test runs its own PostgreSQL cluster (tests/faults/postgres-cluster.ts), so it runs
 * where PostgreSQL is at hand: in the PostgreSQL pass of `npm test` (TEST_DATABASE_URL).
 * Quick form: 2 crashes; full form (FAULTS=full): 10.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import postgres from 'postgres';
import * as Y from 'yjs';
import { io as ioClient, type Socket } from 'socket.io-client';
import { readVisit, visitsOf } from '../../src/lib/board';
import { createSessionStore } from '../../src/lib/server/auth/session';
import { openDatabase, type DatabaseHandle } from '../../src/lib/server/db/client';
import { plannedVisit, timeEntry } from '../../src/lib/server/db/schema';
import { PostgresBoardStore } from '../../src/lib/server/realtime/board-store.postgres';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/lib/realtime/protocol';
import { closeApp } from '../../src/lib/server/app';
import { GET as healthz } from '../../src/routes/healthz/+server';
import { ORIGIN, cookieFor, seedWorld, type World } from '../fixtures/realtime';
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
	loadBoard,
	random,
	scale,
	sleep,
	synced,
	until
} from './harness';
import { PostgresCluster } from './postgres-cluster';

const CRASHES = scale(2, 10);
const DEVICES = 6;
/** Visits to record time for: one report every 150 ms for the whole test, with room to spare. */
const REPORTED_VISITS = scale(120, 400);
const SEED = Number(process.env.FAULTS_SEED ?? 20261203);

let cluster: PostgresCluster;
let handle: DatabaseHandle;
let world: World;
let roomy: string;
let cookies: string[];
let observer: string;
let server: ServerProcess | undefined;
const devices: Device[] = [];

beforeAll(async () => {
	cluster = await PostgresCluster.create();
	const admin = postgres(cluster.url(), { max: 1, onnotice: () => {} });
	await admin.unsafe('create database ramtavlan');
	await admin.end();
	handle = await openDatabase({ url: cluster.url('ramtavlan') });
	await handle.migrate();
	world = await seedWorld(handle.db);
	roomy = await addRoomyClient(handle.db, world);
	const sessions = createSessionStore(handle.db);
	const team = [world.staff.anna, world.staff.bertil, world.staff.cecilia];
	cookies = [];
	for (let i = 0; i < DEVICES + CRASHES; i++) {
		cookies.push(await cookieFor(sessions, team[i % team.length]));
	}
	observer = await cookieFor(sessions, world.staff.anna);
}, 120_000);

afterAll(async () => {
	for (const d of devices) d.destroy();
	await server?.kill();
	await handle?.close();
	await closeApp();
	cluster?.destroy();
});

async function health(url: string): Promise<{ status: number; body: unknown; ms: number }> {
	const started = performance.now();
	const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
	return { status: response.status, body: await response.json(), ms: performance.now() - started };
}

type Outcome = 'ok' | 'replayed' | `failed:${string}` | 'no answer';
const RETRIED = new Set<Outcome>(['failed:internal', 'failed:rate-limited', 'no answer']);

/**
 * A phone recording time for one visit after another, as the outbox of "Klar" does: in order,
 * each report with its own idempotency key, sent again with the same key until the server
 * accepts it.
 */
function reporter(url: string, cookie: string, visitIds: string[]) {
	const socket: Socket<ServerToClientEvents, ClientToServerEvents> = ioClient(url, {
		path: '/socket.io',
		transports: ['websocket'],
		extraHeaders: { cookie, origin: ORIGIN },
		reconnectionDelayMax: 300
	});
	const outcomes: { key: string; outcome: Outcome }[] = [];
	const accepted = new Map<string, string>();
	let running = true;
	const loop = (async () => {
		for (const [i, visitId] of visitIds.entries()) {
			if (!running) break;
			const key = `faults-pg-${i}-${visitId}`;
			for (;;) {
				let outcome: Outcome;
				try {
					const ack = await socket
						.timeout(8000)
						.emitWithAck('time:record', { visitId, minutes: 15, idempotencyKey: key });
					outcome = ack.ok ? (ack.replayed ? 'replayed' : 'ok') : `failed:${ack.error}`;
				} catch {
					outcome = 'no answer';
				}
				outcomes.push({ key, outcome });
				if (outcome === 'ok' || outcome === 'replayed') {
					accepted.set(key, visitId);
					break;
				}
				// Only a server that could not do it now is worth asking again.
				if (!RETRIED.has(outcome)) break;
				await sleep(300);
			}
			await sleep(150);
		}
	})();
	return {
		outcomes,
		accepted,
		async stop() {
			running = false;
			await loop;
			socket.disconnect();
		}
	};
}

/** The board as the database holds it, read past the server. */
async function storedBoard(room: string): Promise<Y.Doc> {
	const stored = await new PostgresBoardStore(handle.db).load(room);
	const doc = new Y.Doc();
	if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
	for (const update of stored.updates) Y.applyUpdate(doc, update);
	return doc;
}

describe('PostgreSQL crash', () => {
	it(
		`keeps serving, says so on /healthz and is back within 10 s, over ${CRASHES} crashes`,
		async () => {
			const rng = random(SEED);
			server = await ServerProcess.start({ env: { DATABASE_URL: cluster.url('ramtavlan') } });
			const room = world.room;
			expect(await health(server.url)).toMatchObject({ status: 200, body: { ok: true } });

			const seeder = boardClient(server.url, room, observer);
			await synced(seeder.provider);
			const tagged = createPlainVisits(seeder.doc, roomy, TAGGED_VISITS);
			const reported = createPlainVisits(seeder.doc, roomy, REPORTED_VISITS, [world.staff.anna]);
			await until(
				async () =>
					(
						await handle.db
							.select({ id: plannedVisit.id })
							.from(plannedVisit)
							.where(inArray(plannedVisit.id, [...tagged, ...reported]))
					).length ===
					TAGGED_VISITS + REPORTED_VISITS,
				30_000,
				'the visits to be committed'
			);
			seeder.destroy();

			for (let i = 0; i < DEVICES; i++) {
				devices.push(device(i, boardClient(server.url, room, cookies[i])));
			}
			await Promise.all(devices.map((d) => synced(d.provider)));
			const writers = keepWriting(
				rng,
				() => devices,
				(d) => edit(rng, d, world, tagged, roomy, new Set(reported))
			);
			const phone = reporter(server.url, observer, reported);

			const figures = {
				received: new Set<string>(),
				lost: [] as string[],
				committedRowsLost: [] as string[],
				downAfterMs: [] as number[],
				slowestHealthMs: 0,
				healthBackMs: [] as number[],
				boardBackMs: [] as number[]
			};
			for (let crash = 0; crash < CRASHES; crash++) {
				await sleep(rng.between(500, 1500));
				const acceptedBefore = [...phone.accepted.keys()];
				const stoppedAt = performance.now();
				cluster.stopImmediately();
				// The devices keep working offline; what they received before is what peers saw.
				for (const d of devices) d.provider.disconnect();
				const seen = new Set(devices.flatMap(receivedBy));

				// A device that starts during the outage: refused until the database is back.
				const late = device(
					devices.length,
					boardClient(server.url, room, cookies[DEVICES + crash])
				);
				devices.push(late);

				// Down: the server answers, and says why.
				const outage = rng.between(scale(1000, 1000), scale(1500, 5000));
				let downAt: number | null = null;
				while (performance.now() - stoppedAt < outage) {
					const h = await health(server.url);
					figures.slowestHealthMs = Math.max(figures.slowestHealthMs, h.ms);
					if (h.status === 503) {
						expect(h.body).toEqual({ ok: false, database: 'down' });
						downAt ??= performance.now();
					}
					await sleep(100);
				}
				expect(downAt, 'healthz reported the database down').not.toBeNull();
				figures.downAfterMs.push(downAt! - stoppedAt);
				expect(server.alive).toBe(true);

				cluster.start();
				const backAt = performance.now();
				await until(async () => (await health(server!.url)).status === 200, 10_000, 'healthz');
				figures.healthBackMs.push(performance.now() - backAt);
				// The device that started during the outage gets its board.
				await synced(late.provider, 10_000);
				figures.boardBackMs.push(performance.now() - backAt);

				// Nothing committed before the crash is gone: not from the database, not from the
				// board the server serves.
				const stored = tagsOf(await storedBoard(room));
				const served = tagsOf(await loadBoard(server.url, room, observer));
				for (const t of seen) figures.received.add(t);
				figures.lost.push(...[...seen].filter((t) => !stored.has(t) || !served.has(t)));
				const rows = await handle.db
					.select({ key: timeEntry.idempotencyKey })
					.from(timeEntry)
					.where(inArray(timeEntry.idempotencyKey, acceptedBefore.length ? acceptedBefore : ['-']));
				const entries = new Set(rows.map((r) => r.key));
				figures.committedRowsLost.push(...acceptedBefore.filter((k) => !entries.has(k)));
				for (const d of devices) d.provider.connect();
			}
			await writers.stop();
			await phone.stop();

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
			const board = watcher.doc;
			watcher.destroy();
			const authored = devices.flatMap((d) => [...d.authored]);
			const finalTags = tagsOf(board);
			const editsLost = authored.filter((t) => !finalTags.has(t));

			// Every report counts once: one entry per key and per visit, and its visit is done.
			const keys = [...phone.accepted.keys()];
			const visitIds = [...phone.accepted.values()];
			const entries = await handle.db
				.select()
				.from(timeEntry)
				.where(inArray(timeEntry.visitId, visitIds));
			const perVisit = new Map<string, number>();
			for (const e of entries) perVisit.set(e.visitId!, (perVisit.get(e.visitId!) ?? 0) + 1);
			const doubled = [...perVisit].filter(([, n]) => n > 1).map(([id]) => id);
			const notDone = visitIds.filter((id) => readVisit(board, id)?.status !== 'done');
			const failures = phone.outcomes.filter((o) => RETRIED.has(o.outcome));
			const refused = phone.outcomes.filter(
				(o) => !RETRIED.has(o.outcome) && o.outcome !== 'ok' && o.outcome !== 'replayed'
			);
			const unanswered = phone.outcomes.filter((o) => o.outcome === 'no answer');

			// The projection the frame checks read is in step with the board (the check first
			// waits for the server's commits, the projection's included).
			const check = await server.validate(room);
			const projection = await handle.db
				.select()
				.from(plannedVisit)
				.where(and(eq(plannedVisit.room, room)));
			const projected = new Map(projection.map((p) => [p.id, p]));
			const outOfStep = visitsOf(board)
				.filter((v) => {
					const p = projected.get(v.id);
					return !p || p.status !== v.status || p.minutes !== v.minutes || p.date !== v.date;
				})
				.map((v) => v.id);
			const inDatabase = boardJson(await storedBoard(room));

			console.log(
				`[faults] PostgreSQL crash: ${CRASHES} crashes, ${DEVICES} devices, ${authored.length} ` +
					`tagged edits, ${figures.received.size} updates received from other devices checked, ` +
					`updates lost ` +
					`${figures.lost.length}, committed time entries lost ${figures.committedRowsLost.length}; ` +
					`healthz down after ${figures.downAfterMs.map((m) => m.toFixed(0)).join('/')} ms ` +
					`(slowest answer ${figures.slowestHealthMs.toFixed(0)} ms), back ` +
					`${figures.healthBackMs.map((m) => m.toFixed(0)).join('/')} ms and boards back ` +
					`${figures.boardBackMs.map((m) => m.toFixed(0)).join('/')} ms after the database; ` +
					`${keys.length} reports, ${failures.length} failed during outages and retried, ` +
					`${unanswered.length} unanswered, ${doubled.length} doubled, ${notDone.length} not done ` +
					`on the board, ${outOfStep.length} projection rows out of step, ` +
					`${check.violations.length} rule violations (seed ${SEED}${FULL ? ', full' : ''})`
			);
			expect(figures.lost).toEqual([]);
			expect(figures.committedRowsLost).toEqual([]);
			expect(editsLost).toEqual([]);
			expect(inDatabase).toBe(boardJson(board));
			expect(doubled).toEqual([]);
			expect(entries).toHaveLength(keys.length);
			expect(entries.reduce((sum, e) => sum + e.minutes, 0)).toBe(15 * keys.length);
			expect(notDone).toEqual([]);
			expect(outOfStep).toEqual([]);
			expect(check.violations).toEqual([]);
			// Commands issued during an outage failed with an answer, none hung.
			expect(failures.length).toBeGreaterThan(0);
			expect(unanswered).toEqual([]);
			expect(refused).toEqual([]);
			expect(figures.slowestHealthMs).toBeLessThan(5000);
		},
		scale(180_000, 900_000)
	);

	it('comes up when the database does, if it was down when the app started', async () => {
		await server?.stop();
		const env = { DATABASE_URL: process.env.DATABASE_URL, SEED_DEMO: process.env.SEED_DEMO };
		process.env.DATABASE_URL = cluster.url('ramtavlan');
		process.env.SEED_DEMO = 'false';
		try {
			cluster.stopImmediately();
			const down = await healthz({} as Parameters<typeof healthz>[0]);
			expect(down.status).toBe(503);
			expect(await down.json()).toEqual({ ok: false, database: 'down' });
			cluster.start();
			await until(
				async () => (await healthz({} as Parameters<typeof healthz>[0])).status === 200,
				10_000,
				'the app to come up'
			);
		} finally {
			Object.assign(process.env, env);
			for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
		}
	});
});
