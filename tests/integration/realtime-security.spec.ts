/**
 * The realtime layer never trusts the wire (DESIGN.md §6, §7): sockets need a session and an
 * allowed Origin, rooms are authorised against the user's teams for that week, and a bad
 * frame closes only the socket that sent it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { io as ioClient } from 'socket.io-client';
import { boardRoom, createVisit, setMinutes, visitsOf } from '../../src/lib/board';
import { createSessionStore, type SessionStore } from '../../src/lib/server/auth/session';
import { type Realtime } from '../../src/lib/server/realtime';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';
import {
	MONDAY,
	NEXT_WEEK,
	ORIGIN,
	cookieFor,
	eventually,
	openDevice,
	seedWorld,
	type World,
	startRealtime
} from '../fixtures/realtime';

let database: TestDatabase;
let world: World;
let sessions: SessionStore;
let server: Server;
let url: string;
let realtime: Realtime;
let anna: string;

beforeAll(async () => {
	database = await createTestDatabase();
	world = await seedWorld(database.db);
	sessions = createSessionStore(database.db);
	({ server, url, realtime } = await startRealtime(database.db, sessions, {
		options: { maxPayload: 64 * 1024, messageBurst: 40, messagesPerSecond: 5 }
	}));
	anna = await cookieFor(sessions, world.staff.anna);
});

afterAll(async () => {
	await realtime.close();
	await new Promise((resolve) => server.close(resolve));
	await database.close();
});

type Outcome = { status: number } | { ws: WebSocket };

function connect(path: string, headers: Record<string, string>): Promise<Outcome> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(url.replace(/^http/, 'ws') + path, { headers });
		ws.on('unexpected-response', (_req, res) => {
			resolve({ status: res.statusCode ?? 0 });
			ws.terminate();
		});
		ws.on('open', () => resolve({ ws }));
		ws.on('error', (error) => {
			if (!('status' in ws)) reject(error);
		});
	});
}

async function openRaw(room = world.room, cookie = anna): Promise<WebSocket> {
	const outcome = await connect(`/yjs/${room}`, { cookie, origin: ORIGIN });
	if (!('ws' in outcome)) throw new Error(`refused with ${outcome.status}`);
	return outcome.ws;
}

const closeCode = (ws: WebSocket) =>
	new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));

function syncUpdateMessage(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarUint(encoder, 2);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}

describe('who may open a board', () => {
	it('answers 401 on the upgrade without a session', async () => {
		expect(await connect(`/yjs/${world.room}`, { origin: ORIGIN })).toEqual({ status: 401 });
		expect(
			await connect(`/yjs/${world.room}`, { origin: ORIGIN, cookie: 'session=nonsense' })
		).toEqual({ status: 401 });
	});

	it('answers 403 to a foreign Origin, even with a session', async () => {
		expect(
			await connect(`/yjs/${world.room}`, { cookie: anna, origin: 'https://evil.example' })
		).toEqual({ status: 403 });
		expect(await connect(`/yjs/${world.room}`, { cookie: anna })).toEqual({ status: 403 });
	});

	it("answers 403 to another team's board and to what is not a board", async () => {
		const erik = await cookieFor(sessions, world.staff.erik);
		expect(await connect(`/yjs/${world.room}`, { cookie: erik, origin: ORIGIN })).toEqual({
			status: 403
		});
		expect(await connect(`/yjs/${world.ekenRoom}`, { cookie: anna, origin: ORIGIN })).toEqual({
			status: 403
		});
		expect(await connect('/yjs/board:x:2026-W48', { cookie: anna, origin: ORIGIN })).toEqual({
			status: 403
		});
	});

	it('lets lent staff open the board of the week they are lent, and no other week', async () => {
		const david = await cookieFor(sessions, world.staff.david);
		const lent = await connect(`/yjs/${world.room}`, { cookie: david, origin: ORIGIN });
		expect('ws' in lent).toBe(true);
		if ('ws' in lent) lent.ws.close();
		expect(
			await connect(`/yjs/${boardRoom(world.teams.bjorken, NEXT_WEEK)}`, {
				cookie: david,
				origin: ORIGIN
			})
		).toEqual({ status: 403 });
	});

	it('refuses socket.io without a session or from a foreign Origin, and foreign rooms', async () => {
		const attempt = (headers: Record<string, string>) =>
			new Promise<string>((resolve) => {
				const socket = ioClient(url, {
					transports: ['websocket'],
					extraHeaders: headers,
					reconnection: false
				});
				socket.on('connect', () => {
					resolve('connected');
					socket.disconnect();
				});
				socket.on('connect_error', (error) => {
					resolve(error.message);
					socket.disconnect();
				});
			});
		expect(await attempt({ origin: ORIGIN })).toBe('unauthorized');
		expect(await attempt({ origin: 'https://evil.example', cookie: anna })).not.toBe('connected');
		const socket = ioClient(url, {
			transports: ['websocket'],
			extraHeaders: { origin: ORIGIN, cookie: anna }
		});
		expect(await socket.timeout(5000).emitWithAck('join', { room: world.ekenRoom })).toEqual({
			ok: false,
			error: 'forbidden'
		});
		expect(await socket.timeout(5000).emitWithAck('join', { room: 'lobby' })).toEqual({
			ok: false,
			error: 'invalid-room'
		});
		socket.disconnect();
	});

	it('leaves every other upgrade alone, like the dev server’s HMR socket', async () => {
		const hmr = new WebSocketServer({ noServer: true });
		server.on('upgrade', (req, socket, head) => {
			if (req.url === '/hmr') hmr.handleUpgrade(req, socket, head, (ws) => ws.send('hello'));
		});
		const ws = new WebSocket(url.replace(/^http/, 'ws') + '/hmr');
		const greeting = await new Promise<string>((resolve) =>
			ws.on('message', (d) => resolve(String(d)))
		);
		expect(greeting).toBe('hello');
		// socket.io destroys unknown upgrades after a second unless told not to.
		await new Promise((r) => setTimeout(r, 1300));
		expect(ws.readyState).toBe(WebSocket.OPEN);
		ws.close();
		hmr.close();
	});
});

describe('what a socket may send', () => {
	it('closes a socket with 1007 on its first malformed frame, and nothing else', async () => {
		const bystander = await openDevice(url, database.db, world.staff.bertil, world.room, {
			sessions
		});
		const garbage = await openRaw();
		const closed = closeCode(garbage);
		garbage.send(new Uint8Array([0, 2, 50, 1, 2, 3]));
		expect(await closed).toBe(1007);

		const text = await openRaw();
		const textClosed = closeCode(text);
		text.send('hello');
		expect(await textClosed).toBe(1007);

		const brokenUpdate = await openRaw();
		const brokenClosed = closeCode(brokenUpdate);
		brokenUpdate.send(syncUpdateMessage(new Uint8Array([7, 250, 250, 250, 250, 1])));
		expect(await brokenClosed).toBe(1007);

		// The board still works for everyone else.
		const id = createVisit(bystander.doc, {
			clientId: world.clients.greta,
			date: MONDAY,
			dayPart: 'morning',
			services: ['meals'],
			minutes: 30
		});
		await eventually(
			() => realtime.rooms.rooms.get(world.room)?.authority.accepted.has(id) === true
		);
		expect(bystander.provider.wsconnected).toBe(true);
		bystander.close();
	});

	it('closes a socket with 1009 on a frame over the size limit', async () => {
		const ws = await openRaw();
		const closed = closeCode(ws);
		ws.send(syncUpdateMessage(new Uint8Array(100 * 1024)));
		expect(await closed).toBe(1009);
	});

	it('closes a socket with 1008 when it sends faster than the rate limit', async () => {
		const ws = await openRaw();
		const closed = closeCode(ws);
		for (let i = 0; i < 60; i++) ws.send(new Uint8Array([3]));
		expect(await closed).toBe(1008);
	});

	it('refuses with 1008 an update that builds on history the server lacks', async () => {
		const offline = new Y.Doc();
		const id = createVisit(offline, {
			clientId: world.clients.greta,
			date: MONDAY,
			dayPart: 'evening',
			services: ['meals'],
			minutes: 30
		});
		const base = Y.encodeStateVector(offline);
		setMinutes(offline, id, 45);
		const ws = await openRaw();
		const closed = closeCode(ws);
		ws.send(syncUpdateMessage(Y.encodeStateAsUpdate(offline, base)));
		expect(await closed).toBe(1008);
		const room = realtime.rooms.rooms.get(world.room)!;
		expect(room.doc.store.pendingStructs).toBeNull();
		expect(visitsOf(room.doc).some((v) => v.id === id)).toBe(false);
	});

	it('closes the sockets of a session when it ends', async () => {
		const { token, session } = await sessions.create(world.staff.anna);
		const device = await openDevice(url, database.db, world.staff.anna, world.room, {
			sessions,
			cookie: `session=${token}`
		});
		let ended = false;
		device.socket.on('session:ended', () => (ended = true));
		const ws = (device.provider as unknown as { ws: WebSocket }).ws;
		const closed = closeCode(ws);
		device.provider.shouldConnect = false;
		await sessions.invalidate(session.id);
		expect(await closed).toBe(4001);
		await eventually(() => ended && !device.socket.connected, 5000, 'socket.io closed');
		device.close();
	});
});
