/**
 * The board's bounds over real sockets (DESIGN.md §5, §6): every text and every map of the
 * doc layout is bounded, and so is the board as a whole; a change over a bound is undone on
 * every replica with a verdict to its author, and nothing accepted before is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import * as Y from 'yjs';
import {
	BOARD_LIMITS,
	addHuddleItem,
	addSignal,
	createVisit,
	deleteVisit,
	readHuddle,
	readSignals,
	readVisit,
	setHuddleNotes,
	setNote,
	signalsMap,
	visitsOf
} from '../../src/lib/board';
import { createSessionStore, type SessionStore } from '../../src/lib/server/auth/session';
import type { RealtimeOptions } from '../../src/lib/server/realtime';
import { PostgresBoardStore } from '../../src/lib/server/realtime/board-store.postgres';
import {
	CLOSE_CODES,
	TOO_MANY_CONNECTIONS,
	type VerdictEvent
} from '../../src/lib/realtime/protocol';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';
import { WebSocket as NodeWebSocket } from 'ws';
import { io as ioClient, type Socket } from 'socket.io-client';
import { NEW_BOARD_WEEKS, boardRoom } from '../../src/lib/board';
import { addDays, isoWeekKey } from '../../src/lib/domain/periods';
import {
	MONDAY,
	ORIGIN,
	cookieFor,
	eventually,
	openDevice,
	seedWorld,
	startRealtime,
	type Device,
	type World
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

/** A server with `options`, its devices closed and the server stopped by `stop`. */
async function serve(options: Partial<RealtimeOptions> = {}) {
	const { server, url, realtime } = await startRealtime(database.db, sessions, {
		options: { newBoardWeeks: NEW_BOARD_WEEKS, ...options }
	});
	const devices: Device[] = [];
	return {
		url,
		realtime,
		async device(staffId: string, room = world.room) {
			const d = await openDevice(url, database.db, staffId, room, { sessions });
			devices.push(d);
			return d;
		},
		room: (name = world.room) => realtime.rooms.rooms.get(name)!,
		async stop() {
			for (const d of devices) d.close();
			await realtime.close();
			(server as Server).closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		}
	};
}

const limitVerdicts = (d: Device) => d.verdicts.filter((v) => v.rule === 'board-limit');

/** Each test has a board of its own: Björken's week `n` weeks after the world's, and its Monday. */
const weekAfter = (n: number) => ({
	room: boardRoom(world.teams.bjorken, `2026-W${48 + n}`),
	monday: addDays(MONDAY, 7 * n)
});

describe('bounds of texts and maps', () => {
	it('undoes a signal text over the bound everywhere, keeps what was accepted and says why', async () => {
		const s = await serve();
		try {
			const anna = await s.device(world.staff.anna);
			const bertil = await s.device(world.staff.bertil);
			// A signal of the longest allowed text is kept.
			const kept = addSignal(anna.doc, {
				clientId: world.clients.greta,
				text: 'Verkar orolig. '.padEnd(BOARD_LIMITS.signalText, '.')
			});
			await eventually(() => readSignals(bertil.doc).some((x) => x.id === kept), 5000, 'signal');
			// One character more, and a 200 KB signal, are undone on every replica.
			const longer = addSignal(anna.doc, {
				clientId: world.clients.greta,
				text: 'x'.repeat(BOARD_LIMITS.signalText + 1)
			});
			const huge = addSignal(anna.doc, {
				clientId: world.clients.ingrid,
				text: 'y'.repeat(200_000)
			});
			await eventually(() => limitVerdicts(anna).length >= 2, 5000, 'verdicts');
			for (const doc of [anna.doc, bertil.doc, s.room().doc]) {
				await eventually(() => readSignals(doc).length === 1, 5000, 'signals undone');
				expect(readSignals(doc).map((x) => x.id)).toEqual([kept]);
			}
			expect(limitVerdicts(anna)).toContainEqual(
				expect.objectContaining({
					about: { kind: 'signal', id: longer },
					message: expect.stringContaining(
						`${new Intl.NumberFormat('sv-SE').format(BOARD_LIMITS.signalText)} tecken`
					)
				})
			);
			expect(limitVerdicts(anna).map((v) => v.about?.id)).toContain(huge);
			expect(limitVerdicts(bertil)).toEqual([]);

			// Rewriting the accepted signal far over the bound puts its accepted text back.
			const before = readSignals(s.room().doc)[0].text;
			anna.doc.transact(() => {
				const text = (signalsMap(anna.doc).get(kept) as Y.Map<unknown>).get('text') as Y.Text;
				text.delete(0, text.length);
				text.insert(0, 'z'.repeat(50_000));
			});
			await eventually(() => limitVerdicts(anna).length >= 3, 5000, 'third verdict');
			for (const doc of [anna.doc, bertil.doc, s.room().doc]) {
				await eventually(() => readSignals(doc)[0]?.text === before, 5000, 'text put back');
			}
		} finally {
			await s.stop();
		}
	});

	it('bounds the huddle notes, the checklist and anything outside the layout', async () => {
		const s = await serve();
		const { room: name, monday } = weekAfter(1);
		const tuesday = addDays(monday, 1);
		try {
			const anna = await s.device(world.staff.anna, name);
			const bertil = await s.device(world.staff.bertil, name);
			setHuddleNotes(anna.doc, monday, 'Ring anhöriga till Greta.');
			await eventually(
				() => readHuddle(bertil.doc, monday).notes === 'Ring anhöriga till Greta.',
				5000,
				'notes'
			);
			setHuddleNotes(anna.doc, monday, 'n'.repeat(BOARD_LIMITS.huddleNotes + 1));
			addHuddleItem(anna.doc, tuesday, 'k'.repeat(BOARD_LIMITS.checklistText + 1));
			anna.doc.transact(() => {
				for (let i = 0; i <= BOARD_LIMITS.checklistItems; i++)
					addHuddleItem(anna.doc, monday, `${i}`);
			});
			// A tampered client writes where the layout has nothing.
			anna.doc.getText('junk').insert(0, 'j'.repeat(100_000));
			anna.doc.getMap('signals').set('not-a-uuid', 'j'.repeat(10_000));
			await eventually(() => limitVerdicts(anna).length >= 3, 5000, 'verdicts');
			const room = s.room(name).doc;
			for (const doc of [anna.doc, bertil.doc, room]) {
				await eventually(
					() =>
						readHuddle(doc, monday).notes === 'Ring anhöriga till Greta.' &&
						readHuddle(doc, monday).checklist.length === 0 &&
						readHuddle(doc, tuesday).checklist.length === 0 &&
						doc.getText('junk').length === 0 &&
						!signalsMap(doc).has('not-a-uuid'),
					5000,
					'huddle put back'
				);
			}
			expect(limitVerdicts(anna).map((v) => v.about?.kind)).toContain('huddle');
			expect(Y.encodeStateAsUpdate(room).byteLength).toBeLessThan(20_000);
		} finally {
			await s.stop();
		}
	});
});

describe('the size of a board', () => {
	it('refuses growth at the bound with a verdict, keeps everything accepted, and stores no more', async () => {
		const bytes = 120 * 1024;
		const s = await serve({ boardBytes: bytes, boardHardBytes: 2 * bytes, compactEvery: 20 });
		const { room: name, monday } = weekAfter(2);
		try {
			const anna = await s.device(world.staff.anna, name);
			const bertil = await s.device(world.staff.bertil, name);
			// Valid visits with full-length notes, until the board refuses one.
			const ids: string[] = [];
			for (let i = 0; i < 60 && limitVerdicts(anna).length === 0; i++) {
				ids.push(
					createVisit(anna.doc, {
						clientId: world.clients.ingrid,
						date: monday,
						dayPart: 'evening',
						services: ['social'],
						minutes: 30,
						status: 'cancelled',
						note: `Besök ${i}: `.padEnd(4000, 'lång anteckning ')
					})
				);
				await new Promise((r) => setTimeout(r, 20));
			}
			await eventually(() => limitVerdicts(anna).length > 0, 5000, 'board-full verdict');
			const verdict = limitVerdicts(anna)[0] as VerdictEvent;
			expect(verdict.details).toEqual({ reason: 'board-full' });
			expect(verdict.message).toContain('full');
			expect(verdict.undone).toEqual(['visit']);
			const refused = verdict.visitId;
			const accepted = ids.filter((id) => id !== refused && readVisit(s.room(name).doc, id));
			expect(accepted.length).toBeGreaterThan(20);
			await eventually(() => !readVisit(bertil.doc, refused), 5000, 'refused visit undone');
			// A new signal is refused too; every accepted visit stays as it was.
			const refusedSignal = () => limitVerdicts(anna).find((v) => v.about?.kind === 'signal');
			for (let i = 0; i < 10 && !refusedSignal(); i++) {
				addSignal(anna.doc, { clientId: world.clients.greta, text: `${i} `.padEnd(1000, 'x') });
				await new Promise((r) => setTimeout(r, 50));
			}
			await eventually(() => !!refusedSignal(), 5000, 'signal refused');
			expect(refusedSignal()?.details).toEqual({ reason: 'board-full' });
			const signalsKept = readSignals(s.room(name).doc).length;
			for (const doc of [anna.doc, bertil.doc, s.room(name).doc]) {
				await eventually(() => readSignals(doc).length === signalsKept, 5000, 'signal undone');
				for (const id of accepted) expect(readVisit(doc, id)?.note).toMatch(/^Besök/);
			}
			// Deleting still works.
			for (const id of accepted.slice(0, 10)) deleteVisit(anna.doc, id);
			await eventually(
				() => visitsOf(s.room(name).doc).length === accepted.length - 10,
				5000,
				'deleted'
			);
			// What is stored is bounded too: unload, and the stored board is within the bound.
			await s.room(name).unload();
			const stored = await new PostgresBoardStore(database.db).load(name);
			const size =
				(stored.snapshot?.byteLength ?? 0) + stored.updates.reduce((n, u) => n + u.byteLength, 0);
			expect(size).toBeLessThan(bytes);
		} finally {
			await s.stop();
		}
	});

	it('takes no more changes at the hard bound: the socket is closed with 4013 and the author told', async () => {
		const bytes = 20 * 1024;
		const hard = 32 * 1024;
		const s = await serve({ boardBytes: bytes, boardHardBytes: hard });
		const { room: name, monday } = weekAfter(3);
		try {
			const anna = await s.device(world.staff.anna, name);
			const ids = Array.from({ length: 12 }, () =>
				createVisit(anna.doc, {
					clientId: world.clients.ingrid,
					date: monday,
					dayPart: 'midday',
					services: ['social'],
					minutes: 30,
					status: 'cancelled'
				})
			);
			await eventually(() => ids.every((id) => readVisit(s.room(name).doc, id)), 5000, 'visits');
			const ws = (anna.provider as unknown as { ws: WebSocket }).ws;
			const closed = new Promise<number>((resolve) =>
				ws.addEventListener('close', (e) => resolve(e.code))
			);
			// A note stands even on a full board (each is bounded on its own), so filling every
			// note grows the board past its hard bound, where it takes nothing more.
			for (const id of ids) {
				if (ws.readyState !== ws.OPEN) break;
				setNote(anna.doc, id, `${id} `.padEnd(4000, 'text '));
				await new Promise((r) => setTimeout(r, 30));
			}
			expect(await closed).toBe(CLOSE_CODES.boardFull);
			await eventually(
				() => limitVerdicts(anna).some((v) => v.about?.kind === 'board'),
				5000,
				'board verdict'
			);
			expect(s.room(name).size.measure()).toBeLessThan(hard + 8 * 1024);
		} finally {
			await s.stop();
		}
	});
});

type Outcome = { status: number } | { ws: WebSocket };

/** When each raw socket closed, with which code and reason; tracked from its creation. */
const closes = new WeakMap<object, Promise<{ code: number; reason: string }>>();

/** A raw WebSocket to `room` with `cookie`: the HTTP status it was refused with, or the socket. */
function connect(url: string, room: string, cookie: string): Promise<Outcome> {
	return new Promise((resolve, reject) => {
		const ws = new NodeWebSocket(`${url.replace(/^http/, 'ws')}/yjs/${room}`, {
			headers: { cookie, origin: ORIGIN }
		});
		closes.set(
			ws,
			new Promise((done) => ws.on('close', (code, reason) => done({ code, reason: `${reason}` })))
		);
		ws.on('unexpected-response', (_req, res) => {
			resolve({ status: res.statusCode ?? 0 });
			ws.terminate();
		});
		ws.on('open', () => resolve({ ws: ws as unknown as WebSocket }));
		ws.on('error', reject);
	});
}

/** How a socket ended within `ms`: its close code and reason, or `open`. */
function endOf(ws: WebSocket, ms = 1000): Promise<{ code: number; reason: string } | 'open'> {
	return Promise.race([
		closes.get(ws)!,
		new Promise<'open'>((resolve) => setTimeout(() => resolve('open'), ms))
	]);
}

async function openSocket(url: string, room: string, cookie: string): Promise<WebSocket> {
	const outcome = await connect(url, room, cookie);
	if (!('ws' in outcome)) throw new Error(`refused with ${outcome.status}`);
	return outcome.ws;
}

const weekRoom = (n: number) => boardRoom(world.teams.bjorken, isoWeekKey(addDays(MONDAY, 7 * n)));

describe('what one session and one person may hold open', () => {
	it('accepts 16 board sockets on one session and closes the next with 4029', async () => {
		const s = await serve();
		const cookie = await cookieFor(sessions, world.staff.bertil);
		const sockets: WebSocket[] = [];
		try {
			for (let i = 0; i < 20; i++) sockets.push(await openSocket(s.url, world.room, cookie));
			const ends = await Promise.all(sockets.map((ws) => endOf(ws)));
			expect(ends.filter((e) => e === 'open')).toHaveLength(16);
			expect(ends.filter((e) => e !== 'open')).toEqual(
				Array(4).fill({ code: CLOSE_CODES.overLimit, reason: 'too many connections' })
			);
			// Closing one makes room for another; another session is not affected.
			sockets[0].close();
			await eventually(() => s.room().connections.size === 15, 5000, 'one closed');
			expect(await endOf(await openSocket(s.url, world.room, cookie))).toBe('open');
			const other = await cookieFor(sessions, world.staff.bertil);
			expect(await endOf(await openSocket(s.url, world.room, other))).toBe('open');
		} finally {
			await s.stop();
		}
	});

	it('refuses the 17th socket.io connection of one session', async () => {
		const s = await serve();
		const cookie = await cookieFor(sessions, world.staff.bertil);
		const sockets: Socket[] = [];
		const attempt = () =>
			new Promise<string>((resolve) => {
				const socket = ioClient(s.url, {
					transports: ['websocket'],
					extraHeaders: { cookie, origin: ORIGIN },
					reconnection: false
				});
				sockets.push(socket);
				socket.on('connect', () => resolve('connected'));
				socket.on('connect_error', (error) => resolve(error.message));
			});
		try {
			const results: string[] = [];
			for (let i = 0; i < 17; i++) results.push(await attempt());
			expect(results.slice(0, 16)).toEqual(Array(16).fill('connected'));
			expect(results[16]).toBe(TOO_MANY_CONNECTIONS);
		} finally {
			for (const socket of sockets) socket.disconnect();
			await s.stop();
		}
	});

	it('shares one rate limit among the sockets of a session', async () => {
		const s = await serve({
			messageBurst: 40,
			messagesPerSecond: 5,
			sessionMessageBurst: 60,
			sessionMessagesPerSecond: 5
		});
		const cookie = await cookieFor(sessions, world.staff.bertil);
		try {
			const sockets = [];
			for (let i = 0; i < 3; i++) sockets.push(await openSocket(s.url, world.room, cookie));
			const ends = sockets.map((ws) => endOf(ws));
			// 30 messages on each: within each socket's limit, twice the session's together.
			for (const ws of sockets) for (let i = 0; i < 30; i++) ws.send(new Uint8Array([3]));
			const closed = (await Promise.all(ends)).filter((e) => e !== 'open');
			expect(closed.length).toBeGreaterThan(0);
			expect(closed[0]).toEqual({ code: CLOSE_CODES.policy, reason: 'rate limit' });
		} finally {
			await s.stop();
		}
	});

	it('lets one person have 12 boards open at once, and refuses the 13th with 4029', async () => {
		const s = await serve();
		const cookie = await cookieFor(sessions, world.staff.anna);
		try {
			const sockets = [];
			for (let n = -4; n < 9; n++) sockets.push(await openSocket(s.url, weekRoom(n), cookie));
			const ends = await Promise.all(sockets.map((ws) => endOf(ws)));
			expect(ends.slice(0, 12)).toEqual(Array(12).fill('open'));
			expect(ends[12]).toEqual({ code: CLOSE_CODES.overLimit, reason: 'too many boards' });
			// Another person, and another socket on a board already open, are not affected.
			expect(await endOf(await openSocket(s.url, weekRoom(0), cookie))).toBe('open');
			const bertil = await cookieFor(sessions, world.staff.bertil);
			expect(await endOf(await openSocket(s.url, weekRoom(8), bertil))).toBe('open');
			expect(s.realtime.rooms.rooms.size).toBe(13);
		} finally {
			await s.stop();
		}
	});

	it('bounds how fast one person makes the server load boards', async () => {
		const s = await serve({ boardLoadBurst: 3, boardLoadsPerMinute: 1, idleMs: 60_000 });
		const cookie = await cookieFor(sessions, world.staff.anna);
		try {
			// Open and close one board after the other: each stays loaded for a while.
			const ends = [];
			for (let n = 0; n < 5; n++) {
				const ws = await openSocket(s.url, weekRoom(n), cookie);
				const end = await endOf(ws, 300);
				ws.close();
				ends.push(end);
			}
			expect(ends.slice(0, 3)).toEqual(Array(3).fill('open'));
			expect(ends.slice(3)).toEqual(
				Array(2).fill({ code: CLOSE_CODES.overLimit, reason: 'too many boards' })
			);
			expect(s.realtime.rooms.rooms.size).toBe(3);
			// A board already loaded costs nothing.
			expect(await endOf(await openSocket(s.url, weekRoom(1), cookie), 300)).toBe('open');
		} finally {
			await s.stop();
		}
	});

	it('opens a week far from today only when its board exists', async () => {
		const s = await serve();
		const cookie = await cookieFor(sessions, world.staff.anna);
		const store = new PostgresBoardStore(database.db);
		try {
			const ahead = weekRoom(NEW_BOARD_WEEKS.future + 8);
			const back = weekRoom(-NEW_BOARD_WEEKS.past - 26);
			expect(await connect(s.url, ahead, cookie)).toEqual({ status: 404 });
			expect(await connect(s.url, back, cookie)).toEqual({ status: 404 });
			expect(s.realtime.rooms.rooms.size).toBe(0);
			expect(await store.exists(ahead)).toBe(false);
			// The edges of the window open freely.
			for (const n of [-NEW_BOARD_WEEKS.past, NEW_BOARD_WEEKS.future]) {
				expect(await endOf(await openSocket(s.url, weekRoom(n), cookie), 200)).toBe('open');
			}
			// A board that exists opens however far away it is.
			await store.create(ahead);
			const old = new Y.Doc();
			addSignal(old, { clientId: world.clients.greta, text: 'Från i våras' });
			await store.append([
				{ room: back, updates: [Y.encodeStateAsUpdate(old)], upserts: [], removals: [], audit: [] }
			]);
			for (const room of [ahead, back]) {
				expect(await endOf(await openSocket(s.url, room, cookie), 200)).toBe('open');
			}
			expect(readSignals(s.room(back).doc).map((x) => x.text)).toEqual(['Från i våras']);
		} finally {
			await s.stop();
		}
	});
});
