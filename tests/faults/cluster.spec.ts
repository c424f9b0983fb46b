/**
 * Several processes on one PostgreSQL (README, "Several processes"): the devices of one board
 * spread over three processes, one of which is the team's authority; the others pass their
 * devices' board sockets and commands on. Every device converges on one board that keeps the
 * rules; verdicts, presence and commands cross processes; and when the authority is killed,
 * another process takes the team over from the log and nothing any device saw, or wrote, is
 * lost.
 *
 * socket.io's events go through PostgreSQL (the default) and, in a second round, through Redis
 * (REDIS_URL, a redis-server of the test's own). Runs where PostgreSQL is at hand (the
 * PostgreSQL pass of `npm test`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { io as ioClient, type Socket } from 'socket.io-client';
import { createVisit, readVisit, setMinutes } from '../../src/lib/board';
import { createSessionStore } from '../../src/lib/server/auth/session';
import type { Db } from '../../src/lib/server/db/client';
import { timeEntry } from '../../src/lib/server/db/schema';
import type {
	ClientToServerEvents,
	ServerToClientEvents,
	VerdictEvent
} from '../../src/lib/realtime/protocol';
import { MONDAY, ORIGIN, cookieFor, seedWorld, type World } from '../fixtures/realtime';
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
	ServerProcess,
	freePort,
	boardClient,
	boardJson,
	faultDatabase,
	loadBoard,
	random,
	sleep,
	synced,
	until,
	type FaultDatabase
} from './harness';
import { RedisServer } from './redis-server';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const SECRET = randomBytes(24).toString('base64url');

async function startProcesses(
	database: FaultDatabase,
	count: number,
	env: Record<string, string> = {}
): Promise<ServerProcess[]> {
	const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
	return Promise.all(
		ports.map((port) =>
			ServerProcess.start({ port, env: { ...database.env, CLUSTER_SECRET: SECRET, ...env } })
		)
	);
}

function socketOn(server: ServerProcess, cookie: string): Client {
	return ioClient(server.url, {
		path: '/socket.io',
		transports: ['websocket'],
		extraHeaders: { cookie, origin: ORIGIN },
		reconnectionDelayMax: 300
	});
}

/** The process that holds the room's board now (exactly one may). */
async function holders(servers: ServerProcess[]): Promise<ServerProcess[]> {
	const stats = await Promise.all(servers.map((s) => (s.alive ? s.stats() : null)));
	return servers.filter((_, i) => (stats[i]?.rooms ?? 0) > 0);
}

let database: FaultDatabase;
let db: Db;
let world: World;
let roomy: string;
let anna: string;
let bertil: string;
let cecilia: string;

beforeAll(async () => {
	database = await faultDatabase();
	db = await database.open();
	world = await seedWorld(db);
	roomy = await addRoomyClient(db, world);
	const sessions = createSessionStore(db);
	anna = await cookieFor(sessions, world.staff.anna);
	bertil = await cookieFor(sessions, world.staff.bertil);
	cecilia = await cookieFor(sessions, world.staff.cecilia);
}, 120_000);

afterAll(async () => {
	await database?.close();
});

describe.each(['PostgreSQL', 'Redis'] as const)(
	'three processes serve one board, socket.io through %s',
	(events) => {
		let servers: ServerProcess[] = [];
		let redis: RedisServer | undefined;
		const devices: Device[] = [];
		const sockets: Client[] = [];

		beforeAll(async () => {
			if (events === 'Redis') redis = await RedisServer.start();
			servers = await startProcesses(database, 3, redis ? { REDIS_URL: redis.url } : {});
		}, 120_000);

		afterAll(async () => {
			for (const d of devices) d.destroy();
			for (const s of sockets) s.disconnect();
			await Promise.all(servers.map((s) => s.stop()));
			await redis?.stop();
		});

		it('devices on every process converge on one board that keeps the rules, judged by one process', async () => {
			const rng = random(events === 'Redis' ? 20261209 : 20261207);
			const cookies = [anna, bertil, cecilia];
			for (let i = 0; i < 6; i++) {
				const d = device(i, boardClient(servers[i % 3].url, world.room, cookies[i % 3]));
				devices.push(d);
				await synced(d.provider);
			}
			const tagged = createPlainVisits(devices[0].doc, roomy, TAGGED_VISITS);
			const writing = keepWriting(
				rng,
				() => devices,
				(d) => edit(rng, d, world, tagged, roomy)
			);
			await sleep(4000);
			await writing.stop();

			const [owner, ...others] = await holders(servers);
			expect(owner, 'one process holds the board').toBeDefined();
			expect(others).toEqual([]);
			await until(
				() => new Set(devices.map((d) => boardJson(d.doc))).size === 1,
				20_000,
				'replicas identical'
			);
			const fresh = await loadBoard(servers[2].url, world.room, anna);
			expect(boardJson(fresh)).toBe(boardJson(devices[0].doc));
			const onBoard = tagsOf(fresh);
			for (const d of devices) {
				for (const tag of d.authored)
					expect(onBoard.has(tag), `${tag} of device ${d.index}`).toBe(true);
			}
			const check = await owner.validate(world.room);
			expect(check.violations).toEqual([]);
			expect(check.visits).toBeGreaterThan(TAGGED_VISITS);
		});

		it('verdicts, frames and presence reach sockets on other processes than the board', async () => {
			const [owner] = await holders(servers);
			const [here, there] = servers.filter((s) => s !== owner);
			const socket = socketOn(here, anna);
			sockets.push(socket);
			const join = await socket.emitWithAck('join', { room: world.room });
			expect(join.ok).toBe(true);
			// Anna, Bertil and Cecilia each have board sockets, spread over the three processes.
			expect(join.ok ? join.presence.users.map((u) => u.name).sort() : []).toHaveLength(3);

			// Anna's board socket on the third process: the owner judges, the verdict reaches her
			// socket.io socket on the second.
			const writer = boardClient(there.url, world.room, anna);
			try {
				await synced(writer.provider);
				const verdict = new Promise<VerdictEvent>((resolve) => socket.once('verdict', resolve));
				// Bertil has no insulin delegation.
				const id = createVisit(writer.doc, {
					clientId: world.clients.greta,
					date: MONDAY,
					dayPart: 'morning',
					services: ['insulin'],
					minutes: 15,
					assignees: [world.staff.bertil]
				});
				const event = await verdict;
				expect(event.visitId).toBe(id);
				expect(event.rule).toBe('competence');
				// A new visit that breaks a rule is cancelled.
				await until(
					() => readVisit(writer.doc, id)?.status === 'cancelled',
					10_000,
					'the change undone on the writer'
				);

				// A valid change moves the client's frame: the figures reach the socket too.
				let frames = 0;
				socket.on('frames', (event) => {
					if (event.frames.some((f) => f.clientId === roomy)) frames++;
				});
				const visit = createVisit(writer.doc, {
					clientId: roomy,
					date: MONDAY,
					dayPart: 'evening',
					services: ['walk'],
					minutes: 30
				});
				let minutes = 30;
				await until(
					() => {
						if (frames === 0) setMinutes(writer.doc, visit, (minutes = minutes === 30 ? 35 : 30));
						return frames > 0;
					},
					10_000,
					'frame figures on the other process',
					300
				);
			} finally {
				writer.destroy();
			}
		});

		it('answers the internal command path only to a process that knows the cluster secret', async () => {
			const post = (headers: Record<string, string>) =>
				fetch(`${servers[1].url}/_cluster/command`, {
					method: 'POST',
					headers: { cookie: anna, origin: ORIGIN, 'content-type': 'application/json', ...headers },
					body: JSON.stringify({ command: 'week:fill', payload: {} })
				}).then((r) => r.status);
			expect(await post({})).toBe(404);
			expect(await post({ 'x-ramtavlan-cluster': 'not-the-secret-of-this-cluster' })).toBe(404);
			// With the secret, the person behind the cookie is still authenticated and checked.
			expect(await post({ 'x-ramtavlan-cluster': SECRET })).toBe(200);
			expect(await post({ 'x-ramtavlan-cluster': SECRET, cookie: 'session=forged' })).toBe(401);
		});

		it('a command sent to a process that does not serve the team runs once, at the one that does', async () => {
			const [owner] = await holders(servers);
			const away = servers.find((s) => s !== owner)!;
			const socket = socketOn(away, anna);
			sockets.push(socket);
			const visitId = createVisit(devices[0].doc, {
				clientId: roomy,
				date: MONDAY,
				dayPart: 'morning',
				services: ['meals'],
				minutes: 30,
				assignees: [world.staff.anna]
			});
			await until(
				async () => (await owner.validate(world.room)).visits > 0,
				5000,
				'visit on the board'
			);
			await sleep(500);
			const payload = { visitId, minutes: 25, idempotencyKey: randomUUID() };
			const first = await socket.timeout(20_000).emitWithAck('time:record', payload);
			expect(first).toMatchObject({ ok: true });
			const again = await socket.timeout(20_000).emitWithAck('time:record', payload);
			expect(again).toMatchObject({ ok: true, replayed: true });
			const rows = await db
				.select()
				.from(timeEntry)
				.where(
					and(eq(timeEntry.visitId, visitId), eq(timeEntry.idempotencyKey, payload.idempotencyKey))
				);
			expect(rows).toHaveLength(1);
		});
	}
);

describe('the process serving a board is killed', () => {
	it('another process takes the team over from the log; nothing any device wrote or saw is lost', async () => {
		const servers = await startProcesses(database, 2);
		const [first, second] = servers;
		const rng = random(20261208);
		const devices: Device[] = [];
		try {
			// The first device makes the first process the team's authority.
			const cookies = [anna, bertil, cecilia, anna];
			for (let i = 0; i < 4; i++) {
				const d = device(i, boardClient(servers[i % 2].url, world.nextRoom, cookies[i]));
				devices.push(d);
				await synced(d.provider);
			}
			expect(await holders(servers)).toEqual([first]);
			const tagged = createPlainVisits(devices[0].doc, roomy, TAGGED_VISITS);
			const writing = keepWriting(
				rng,
				() => devices.filter((d) => d.index % 2 === 1),
				(d) => edit(rng, d, world, tagged, roomy)
			);
			await sleep(1500);
			const seenBefore = new Set(devices.flatMap((d) => receivedBy(d)));
			await first.kill();
			// Devices of the killed process come back through the other one, keeping their docs
			// (a load balancer sends their reconnect elsewhere).
			for (const d of devices.filter((x) => x.index % 2 === 0)) {
				d.provider.destroy();
				const moved = boardClient(second.url, world.nextRoom, cookies[d.index], { doc: d.doc });
				Object.assign(d, { provider: moved.provider, destroy: moved.destroy });
			}
			await sleep(2500);
			await writing.stop();
			await Promise.all(devices.map((d) => synced(d.provider)));
			expect(await holders([second])).toEqual([second]);
			await until(
				() => new Set(devices.map((d) => boardJson(d.doc))).size === 1,
				20_000,
				'replicas identical'
			);
			const fresh = await loadBoard(second.url, world.nextRoom, anna);
			const onBoard = tagsOf(fresh);
			for (const tag of seenBefore) expect(onBoard.has(tag), `seen ${tag}`).toBe(true);
			for (const d of devices) {
				for (const tag of d.authored)
					expect(onBoard.has(tag), `${tag} of device ${d.index}`).toBe(true);
			}
			expect((await second.validate(world.nextRoom)).violations).toEqual([]);
		} finally {
			for (const d of devices) d.destroy();
			await Promise.all(servers.map((s) => s.stop()));
		}
	}, 120_000);
});
