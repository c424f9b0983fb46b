/**
 * Garbage on the wire from signed-in sockets (DESIGN.md §6): random frames and bit-flipped
 * valid updates, oversized frames, floods and forged presence. The server stays up, closes the
 * offending socket, never stalls its event loop for more than 250 ms (measured inside the
 * server process), and another team's board goes on as if nothing happened.
 *
 * Quick form (npm test): 1,000 random frames and 1,000 flipped updates. Full form
 * (FAULTS=full): 10,000 of each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { createVisit, noteOf } from '../../src/lib/board';
import { createSessionStore } from '../../src/lib/server/auth/session';
import { MalformedMessage, parseMessage } from '../../src/lib/server/realtime/yjs-protocol';
import { MONDAY, ORIGIN, cookieFor, seedWorld, type World } from '../fixtures/realtime';
import { createPerson } from '../fixtures/factories';
import { addRoomyClient, createPlainVisits } from './board-work';
import {
	FULL,
	ServerProcess,
	boardClient,
	faultDatabase,
	random,
	scale,
	sleep,
	synced,
	until,
	type BoardClient,
	type FaultDatabase,
	type Random
} from './harness';

const FRAMES = scale(1000, 10_000);
const ATTACKERS = 4;
/** Frames sent on one session before the next: below its shared message budget. */
const FRAMES_PER_SESSION = 200;
const SEED = Number(process.env.FAULTS_SEED ?? 20261205);

let database: FaultDatabase;
let world: World;
let roomy: string;
/** Sessions of the attacking users, one user per test, so one test's limits leave the next alone. */
let attackers: Record<'random' | 'flipped' | 'oversized' | 'flood' | 'forger', string[]>;
let bystanders: string[];
let victims: string[];
let server: ServerProcess;

beforeAll(async () => {
	database = await faultDatabase();
	const db = await database.open();
	world = await seedWorld(db);
	roomy = await addRoomyClient(db, world);
	const sessions = createSessionStore(db);
	const sessionsPerAttack = Math.ceil(FRAMES / FRAMES_PER_SESSION) + ATTACKERS + 2;
	const org = {
		organisationId: world.organisationId,
		unitId: world.unitId,
		teams: { Björken: world.teams.bjorken }
	};
	const users = {} as typeof attackers;
	for (const name of ['random', 'flipped', 'oversized', 'flood', 'forger'] as const) {
		const staffId = await createPerson(db, org, {
			username: `faults-${name}`,
			homeTeamId: world.teams.bjorken
		});
		users[name] = [];
		const count = name === 'random' || name === 'flipped' ? sessionsPerAttack : 1;
		for (let i = 0; i < count; i++) users[name].push(await cookieFor(sessions, staffId));
	}
	attackers = users;
	bystanders = [
		await cookieFor(sessions, world.staff.erik),
		await cookieFor(sessions, world.staff.erik)
	];
	victims = [
		await cookieFor(sessions, world.staff.anna),
		await cookieFor(sessions, world.staff.cecilia)
	];
	await database.release();
	server = await ServerProcess.start({ env: database.env });
}, 120_000);

afterAll(async () => {
	await server?.kill();
	await database?.close();
});

const nextSession = new Map<string[], number>();
/** An authenticated raw socket on the world's board, open, on the next of `cookies`. */
async function rawSocket(cookies: string[]): Promise<WebSocket> {
	const n = nextSession.get(cookies) ?? 0;
	nextSession.set(cookies, n + 1);
	const cookie = cookies[n % cookies.length];
	const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/yjs/${world.room}`, {
		headers: { cookie, origin: ORIGIN }
	});
	ws.on('error', () => {});
	await new Promise<void>((resolve, reject) => {
		ws.once('open', () => resolve());
		ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade ${res.statusCode}`)));
		ws.once('close', (code, reason) => reject(new Error(`closed ${code} ${reason} before open`)));
	});
	return ws;
}

function closed(ws: WebSocket, timeoutMs: number): Promise<number | null> {
	if (ws.readyState === ws.CLOSED) return Promise.resolve(-1);
	return new Promise((resolve) => {
		const onClose = (code: number) => {
			clearTimeout(timer);
			resolve(code);
		};
		const timer = setTimeout(() => {
			ws.off('close', onClose);
			resolve(null);
		}, timeoutMs);
		ws.once('close', onClose);
	});
}

function syncUpdate(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarUint(encoder, 2);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}

function unparseable(frame: Uint8Array): boolean {
	try {
		parseMessage(frame);
		return false;
	} catch (error) {
		if (error instanceof MalformedMessage) return true;
		throw error;
	}
}

/** Random bytes, mostly short, now and then a few hundred. */
function randomFrame(rng: Random): Uint8Array {
	const length = rng.chance(0.9) ? rng.between(1, 40) : rng.between(41, 600);
	const frame = new Uint8Array(length);
	for (let i = 0; i < length; i++) frame[i] = rng.int(256);
	// Often with a real message type in front, so the frame gets past the first byte.
	if (rng.chance(0.6)) frame[0] = rng.pick([0, 0, 1, 3]);
	if (rng.chance(0.4) && length > 1) frame[1] = rng.pick([0, 1, 2]);
	return frame;
}

/** A valid update (a new visit from a device of its own), with one to three bits flipped. */
function flippedUpdate(rng: Random): Uint8Array {
	// A device and a visit id of the seed's own, so a failing seed replays exactly.
	const doc = new Y.Doc();
	doc.clientID = rng.int(2 ** 31);
	const hex = (n: number) =>
		Array.from({ length: n }, () => '0123456789abcdef'[rng.int(16)]).join('');
	let update: Uint8Array | null = null;
	doc.on('update', (u: Uint8Array) => (update = update ? Y.mergeUpdates([update, u]) : u));
	createVisit(doc, {
		id: `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`,
		clientId: roomy,
		date: MONDAY,
		dayPart: 'midday',
		services: ['meals'],
		minutes: 15,
		note: 'hej'
	});
	const bytes = Uint8Array.from(update!);
	for (let flips = rng.between(1, 3); flips > 0; flips--) {
		const bit = rng.int(bytes.length * 8);
		bytes[bit >> 3] ^= 1 << (bit & 7);
	}
	return syncUpdate(bytes);
}

interface AttackFigures {
	frames: number;
	sockets: number;
	closes: Map<number, number>;
	/** Unparseable frames whose socket was not closed with 1007 at once. */
	notClosed: number;
}

/**
 * Sends `count` frames from `ATTACKERS` sockets at a time. A socket whose frame the server
 * cannot parse must be closed with 1007; any socket the server closes is replaced.
 */
async function attack(
	cookies: string[],
	count: number,
	frameOf: (rng: Random) => Uint8Array,
	seed: number
) {
	const figures: AttackFigures = { frames: 0, sockets: 0, closes: new Map(), notClosed: 0 };
	let left = count;
	await Promise.all(
		Array.from({ length: ATTACKERS }, async (_, a) => {
			const rng = random(seed + a);
			let ws: WebSocket | null = null;
			let sent = 0;
			const retire = () => {
				ws?.removeAllListeners('close');
				ws?.terminate();
				ws = null;
			};
			while (left > 0) {
				if (!ws || ws.readyState !== ws.OPEN || sent >= FRAMES_PER_SESSION) {
					retire();
					const fresh = await rawSocket(cookies);
					// Every close the server makes is counted, with its code.
					fresh.once('close', (code) =>
						figures.closes.set(code, (figures.closes.get(code) ?? 0) + 1)
					);
					ws = fresh;
					figures.sockets++;
					sent = 0;
				}
				const frame = frameOf(rng);
				left--;
				sent++;
				figures.frames++;
				const bad = unparseable(frame);
				// After a frame the server cannot parse, the socket must close with 1007; now and
				// then wait a moment for the verdict on one that parsed.
				const closing = bad || rng.chance(0.2) ? closed(ws, bad ? 3000 : 20) : null;
				ws.send(frame);
				const code = await closing;
				if (bad && code !== 1007) figures.notClosed++;
			}
			retire();
		})
	);
	return figures;
}

/**
 * Team Eken's board, with two devices: one writes a new note every 100 ms, the other times
 * how long each takes to arrive.
 */
async function bystanderBoard() {
	const writer = boardClient(server.url, world.ekenRoom, bystanders[0]);
	const reader = boardClient(server.url, world.ekenRoom, bystanders[1]);
	await Promise.all([synced(writer.provider), synced(reader.provider)]);
	const [id] = createPlainVisits(writer.doc, world.clients.olle, 1);
	await until(() => reader.doc.getMap('visits').has(id), 10_000, 'the bystander visit');
	const sentAt = new Map<string, number>();
	const delays: number[] = [];
	reader.doc.on('afterTransaction', () => {
		const tag = /<(\d+)>/.exec(noteOf(reader.doc, id)?.toString() ?? '')?.[1];
		const at = tag === undefined ? undefined : sentAt.get(tag);
		if (tag === undefined || at === undefined) return;
		sentAt.delete(tag);
		delays.push(performance.now() - at);
	});
	let n = 0;
	const timer = setInterval(() => {
		const tag = String(++n);
		sentAt.set(tag, performance.now());
		const text = noteOf(writer.doc, id)!;
		writer.doc.transact(() => {
			text.delete(0, text.length);
			text.insert(0, `<${tag}>`);
		});
	}, 100);
	return {
		async stop() {
			clearInterval(timer);
			await sleep(500);
			writer.destroy();
			reader.destroy();
			const sorted = [...delays].sort((a, b) => a - b);
			return {
				sent: n,
				arrived: delays.length,
				p99: sorted[Math.floor(sorted.length * 0.99)] ?? NaN,
				max: sorted[sorted.length - 1] ?? NaN
			};
		}
	};
}

const codes = (m: Map<number, number>) =>
	[...m]
		.sort((a, b) => b[1] - a[1])
		.map(([code, n]) => `${code}×${n}`)
		.join(' ');

describe('wire abuse', { timeout: scale(30_000, 120_000) }, () => {
	const abuse = (
		what: string,
		who: 'random' | 'flipped',
		frameOf: (rng: Random) => Uint8Array,
		seed: number
	) =>
		it(
			`survives ${FRAMES} ${what}, closes each offending socket, keeps other boards going`,
			async () => {
				const bystander = await bystanderBoard();
				// The quiet before: what the machine itself costs the event loop.
				await server.resetStats();
				await sleep(1500);
				const quiet = await server.stats();
				await server.resetStats();
				const figures = await attack(attackers[who], FRAMES, frameOf, seed);
				const stats = await server.stats();
				const other = await bystander.stop();
				const health = await fetch(`${server.url}/healthz`);
				console.log(
					`[faults] wire abuse, ${what}: ${figures.frames} frames on ${figures.sockets} ` +
						`sockets, closes ${codes(figures.closes)}; longest event-loop stall ` +
						`${stats.busyMaxMs.toFixed(0)} ms busy, ${stats.maxDelayMs.toFixed(0)} ms late ` +
						`(p99 ${stats.p99DelayMs.toFixed(0)} ms); another ` +
						`board: ${other.arrived}/${other.sent} changes arrived, p99 ${other.p99.toFixed(0)} ms, ` +
						`max ${other.max.toFixed(0)} ms; quiet before: ${quiet.busyMaxMs.toFixed(0)} ms busy, ` +
						`${quiet.maxDelayMs.toFixed(0)} ms late${FULL ? ' (full)' : ''}`
				);
				expect(server.alive).toBe(true);
				expect(health.status).toBe(200);
				expect(figures.notClosed).toBe(0);
				// A bad frame closes its own socket, never the board for everyone (1011).
				expect(figures.closes.get(1011) ?? 0).toBe(0);
				// The loop never works for more than 250 ms at a stretch. (How late it runs on a
				// loaded machine is printed above; it depends on the machine, not on the server.)
				expect(stats.busyMaxMs).toBeLessThanOrEqual(250);
				// Every change on the other board arrived.
				expect(other.arrived).toBe(other.sent);
			},
			scale(120_000, 1_800_000)
		);

	abuse('random frames', 'random', randomFrame, SEED);
	abuse('bit-flipped valid updates', 'flipped', flippedUpdate, SEED + 100);

	it('closes a socket that sends an oversized frame with 1009, and nothing else', async () => {
		const bystander = await bystanderBoard();
		const ws = await rawSocket(attackers.oversized);
		const closing = closed(ws, 10_000);
		ws.send(new Uint8Array(2 * 1024 * 1024 + 1));
		expect(await closing).toBe(1009);
		await sleep(1000);
		const other = await bystander.stop();
		expect(other.arrived).toBe(other.sent);
	});

	it('throttles a flood by closing the socket, and only that socket', async () => {
		const bystander = await bystanderBoard();
		await server.resetStats();
		const ws = await rawSocket(attackers.flood);
		const closing = closed(ws, 10_000);
		let sent = 0;
		// Valid, cheap messages (a request for presence), as fast as the socket takes them.
		while (ws.readyState === ws.OPEN && sent < 100_000) {
			ws.send(new Uint8Array([3]));
			sent++;
			if (sent % 500 === 0) await sleep(1);
		}
		const code = await closing;
		const stats = await server.stats();
		// The other board goes on meanwhile and after.
		await sleep(1000);
		const other = await bystander.stop();
		console.log(
			`[faults] flood: closed with ${code} after ${sent} messages sent; longest stall ` +
				`${stats.busyMaxMs.toFixed(0)} ms busy, ${stats.maxDelayMs.toFixed(0)} ms late; ` +
				`another board p99 ${other.p99.toFixed(0)} ms`
		);
		expect(code).toBe(1008);
		expect(sent).toBeLessThan(100_000);
		expect(other.arrived).toBe(other.sent);
	});

	it("does not let one device overwrite or remove another device's presence", async () => {
		const victim: BoardClient = boardClient(server.url, world.room, victims[0]);
		const watcher: BoardClient = boardClient(server.url, world.room, victims[1]);
		await Promise.all([synced(victim.provider), synced(watcher.provider)]);
		victim.provider.awareness.setLocalStateField('user', { name: 'Anna Lind' });
		const victimId = victim.doc.clientID;
		const stateAtWatcher = () => watcher.provider.awareness.getStates().get(victimId);
		await until(() => stateAtWatcher()?.user?.name === 'Anna Lind', 5000, 'presence');

		const mallory = await rawSocket(attackers.forger);
		const forge = (clientId: number, clock: number, state: unknown) => {
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, 1);
			const inner = encoding.createEncoder();
			encoding.writeVarUint(inner, 1);
			encoding.writeVarUint(inner, clientId);
			encoding.writeVarUint(inner, clock);
			encoding.writeVarString(inner, JSON.stringify(state));
			encoding.writeVarUint8Array(encoder, encoding.toUint8Array(inner));
			return encoding.toUint8Array(encoder);
		};
		const ownId = 424242;
		// Someone else's id with a newer clock: a new name, then "gone".
		mallory.send(forge(victimId, 1000, { user: { name: 'Mallory' } }));
		mallory.send(forge(victimId, 1001, null));
		// Then a state of its own, which the watcher sees only after the forged ones were handled.
		mallory.send(forge(ownId, 1, { user: { name: 'Bertil Ek' } }));
		await until(
			() =>
				watcher.provider.awareness.getStates().has(ownId) || mallory.readyState !== mallory.OPEN,
			5000,
			'the forged messages to be handled'
		);
		await sleep(200);
		const after = stateAtWatcher();
		mallory.terminate();
		victim.destroy();
		watcher.destroy();
		expect(after?.user?.name).toBe('Anna Lind');
	});
});
