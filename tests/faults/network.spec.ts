/**
 * The network of a home-care day, played by a TCP proxy between devices and the server: a slow
 * link with a tunnel in the middle, connections that keep breaking, a tablet offline for a long
 * stretch that edits all the while, and devices that vanish without closing their sockets. Every
 * edit arrives, every replica ends identical, and the server finds the dead sockets itself.
 *
 * Quick form (npm test): seconds of each; full form (FAULTS=full): minutes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSessionStore } from '../../src/lib/server/auth/session';
import type { Realtime, RealtimeOptions } from '../../src/lib/server/realtime';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';
import { QUIET, cookieFor, seedWorld, startRealtime, type World } from '../fixtures/realtime';
import {
	TAGGED_VISITS,
	addRoomyClient,
	createPlainVisits,
	device,
	edit,
	keepWriting,
	tagsOf,
	type Device
} from './board-work';
import { FULL, boardClient, boardJson, random, scale, sleep, synced, until } from './harness';
import { TcpProxy } from './tcp-proxy';

const HEARTBEAT_MS = 300;
const SEED = Number(process.env.FAULTS_SEED ?? 20261204);

let database: TestDatabase;
let world: World;
let roomy: string;
let cookies: string[];
let server: Server;
let url: string;
let realtime: Realtime;
let tagged: string[];
const devices: Device[] = [];
const proxies: TcpProxy[] = [];

beforeAll(async () => {
	database = await createTestDatabase();
	world = await seedWorld(database.db);
	roomy = await addRoomyClient(database.db, world);
	const sessions = createSessionStore(database.db);
	const team = [world.staff.anna, world.staff.bertil, world.staff.cecilia];
	cookies = [];
	for (let i = 0; i < 12; i++) cookies.push(await cookieFor(sessions, team[i % team.length]));
	const options: Partial<RealtimeOptions> & { heartbeatMs: number } = {
		heartbeatMs: HEARTBEAT_MS,
		compactEvery: 25
	};
	({ server, url, realtime } = await startRealtime(database.db, sessions, {
		log: { ...QUIET, error: console.error },
		options
	}));
	const seeder = boardClient(url, world.room, cookies[0]);
	await synced(seeder.provider);
	tagged = createPlainVisits(seeder.doc, roomy, TAGGED_VISITS);
	await until(
		() => realtime.rooms.rooms.get(world.room)?.authority.accepted.size === TAGGED_VISITS,
		10_000,
		'the tagged visits'
	);
	seeder.destroy();
}, 60_000);

afterAll(async () => {
	for (const d of devices) d.destroy();
	for (const p of proxies) await p.close();
	await realtime?.close();
	server?.closeAllConnections();
	await new Promise((resolve) => server?.close(resolve));
	await database?.close();
});

async function proxy(): Promise<TcpProxy> {
	const p = await TcpProxy.start((server.address() as AddressInfo).port);
	proxies.push(p);
	return p;
}

let nextDevice = 0;
/** A device on the board, through `via` when given. */
async function open(via?: TcpProxy): Promise<Device> {
	const index = nextDevice++;
	const d = device(
		index,
		boardClient(via?.url ?? url, world.room, cookies[index % cookies.length])
	);
	devices.push(d);
	await synced(d.provider);
	return d;
}

const connections = () => realtime.rooms.rooms.get(world.room)?.connections.size ?? 0;

/** Waits until every device holds what the server holds, and returns that board. */
async function converged(group: Device[], timeoutMs = 30_000): Promise<string> {
	const serverBoard = () => boardJson(realtime.rooms.rooms.get(world.room)!.doc);
	await until(
		() => group.every((d) => d.provider.synced && boardJson(d.doc) === serverBoard()),
		timeoutMs,
		'every replica to converge',
		200
	);
	return serverBoard();
}

/** Tags written by the group that are not on the server's board. */
function missing(group: Device[]): string[] {
	const onBoard = tagsOf(realtime.rooms.rooms.get(world.room)!.doc);
	return group.flatMap((d) => [...d.authored].filter((t) => !onBoard.has(t)));
}

describe('network faults', { timeout: scale(30_000, 300_000) }, () => {
	it('a slow link with a tunnel in the middle loses nothing', async () => {
		const rng = random(SEED);
		const slow = await proxy();
		slow.setDelay(20, 150);
		const group = [await open(slow), await open(slow), await open()];
		const writers = keepWriting(
			rng,
			() => group,
			(d) => edit(rng, d, world, tagged, roomy)
		);
		await sleep(scale(1000, 20_000));
		slow.pause();
		await sleep(scale(1500, 20_000));
		slow.resume();
		await sleep(scale(500, 10_000));
		await writers.stop();
		await converged(group);
		const written = group.reduce((n, d) => n + d.authored.size, 0);
		console.log(
			`[faults] network, delay 20–150 ms and a pause: ${written} tagged edits by ${group.length} ` +
				`devices, ${missing(group).length} missing${FULL ? ' (full)' : ''}`
		);
		expect(missing(group)).toEqual([]);
		expect(written).toBeGreaterThan(0);
	});

	it('connections that keep breaking lose nothing', async () => {
		const rng = random(SEED + 1);
		const flaky = await proxy();
		const group = [await open(flaky), await open(flaky), await open()];
		const writers = keepWriting(
			rng,
			() => group,
			(d) => edit(rng, d, world, tagged, roomy)
		);
		const end = performance.now() + scale(2000, 60_000);
		let drops = 0;
		while (performance.now() < end) {
			await sleep(rng.between(100, 500));
			flaky.drop();
			drops++;
		}
		await writers.stop();
		await converged(group);
		console.log(
			`[faults] network, ${drops} connection resets: ${flaky.connections} connections, ` +
				`${group.reduce((n, d) => n + d.authored.size, 0)} tagged edits, ` +
				`${missing(group).length} missing`
		);
		expect(missing(group)).toEqual([]);
		expect(flaky.connections).toBeGreaterThan(drops / 2);
	});

	it('a tablet offline for a long stretch with many edits reconciles', async () => {
		const rng = random(SEED + 2);
		const link = await proxy();
		const tablet = await open(link);
		const others = [await open(), await open()];
		const offlineEdits = scale(300, 3000);
		link.offline();
		await until(() => !tablet.provider.wsconnected, 5000, 'the tablet to go offline');
		const writers = keepWriting(
			rng,
			() => others,
			(d) => edit(rng, d, world, tagged, roomy)
		);
		// The tablet works on its own for a long stretch (and tries to reconnect all the while).
		const started = performance.now();
		for (let i = 0; i < offlineEdits; i++) {
			edit(rng, tablet, world, tagged, roomy);
			if (i % 20 === 0) await sleep(scale(10, 20));
		}
		await sleep(Math.max(0, scale(2000, 60_000) - (performance.now() - started)));
		await writers.stop();
		const closes: (number | undefined)[] = [];
		tablet.provider.on('connection-close', (event: CloseEvent | null) => closes.push(event?.code));
		link.online();
		const group = [tablet, ...others];
		const board = await converged(group);
		console.log(
			`[faults] network, a tablet offline ${((performance.now() - started) / 1000).toFixed(0)} s ` +
				`with ${offlineEdits} edits (${tablet.authored.size} tags): reconciled, ` +
				`${missing(group).length} missing, ${closes.length} refused reconnects ` +
				`(${closes.join(',') || 'none'}), board ${board.length} bytes of JSON`
		);
		expect(missing(group)).toEqual([]);
		expect(tablet.authored.size).toBeGreaterThan(offlineEdits / 3);
	});

	it('finds devices that vanished without a word and takes them off the board', async () => {
		// Alone on the board, so every connection counted is one of this test's.
		for (const d of devices.splice(0)) d.destroy();
		await until(() => connections() === 0, 10_000, 'the earlier devices to leave');
		const lost = await proxy();
		const vanishing = [await open(lost), await open(lost)];
		for (const d of vanishing) d.provider.awareness.setLocalStateField('user', { n: d.index });
		const watcher = await open();
		const present = () =>
			vanishing.filter((d) => watcher.provider.awareness.getStates().has(d.doc.clientID)).length;
		await until(() => present() === vanishing.length, 5000, 'presence');
		const before = connections();
		const vanishedAt = performance.now();
		lost.halfOpen();
		// The devices stop trying too: they are gone.
		for (const d of vanishing) d.provider.shouldConnect = false;
		await until(() => connections() === before - vanishing.length, 10_000, 'dead sockets closed');
		const foundMs = performance.now() - vanishedAt;
		await until(() => present() === 0, 5000, 'presence cleared');
		console.log(
			`[faults] network, half-open sockets closed by the heartbeat after ${foundMs.toFixed(0)} ms ` +
				`(ping every ${HEARTBEAT_MS} ms)`
		);
		expect(foundMs).toBeLessThan(10_000);
	});
});
