/**
 * The team tablet on the realtime layer (DESIGN.md §7): a locked tablet cannot open its board
 * at all (the Yjs upgrade answers 403, socket.io `forbidden`); an unlocked one writes every
 * change in the acting person's name; locking, or idling out on the server, closes its
 * sockets, so nothing more is written in that person's name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { and, eq, sql } from 'drizzle-orm';
import { WebSocket } from 'ws';
import { io as ioClient } from 'socket.io-client';
import { createVisit } from '../../src/lib/board';
import {
	createSessionStore,
	DEFAULT_SESSION_POLICY,
	type SessionStore
} from '../../src/lib/server/auth/session';
import type { Realtime } from '../../src/lib/server/realtime';
import { auditLog } from '../../src/lib/server/db/schema';
import { createPerson } from '../fixtures/factories';
import {
	MONDAY,
	ORIGIN,
	eventually,
	openDevice,
	seedWorld,
	startRealtime,
	whenCommitted,
	type Device,
	type World
} from '../fixtures/realtime';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';

interface Host {
	sessions: SessionStore;
	server: Server;
	url: string;
	realtime: Realtime;
}

let database: TestDatabase;
let world: World;
let tabletId: string;
/** The default idle limit (5 minutes): the acting person stays for these tests. */
let host: Host;
/** A short idle limit and a fast sweep, to see the server lock an idle tablet. */
let quick: Host;
const IDLE_MS = 700;
const opened: Device[] = [];

async function startHost(tabletIdleMs: number, sessionCheckMs: number): Promise<Host> {
	const sessions = createSessionStore(database.db, {
		policy: { ...DEFAULT_SESSION_POLICY, tabletIdleMs }
	});
	const started = await startRealtime(database.db, sessions, { options: { sessionCheckMs } });
	return { sessions, ...started };
}

beforeAll(async () => {
	database = await createTestDatabase();
	world = await seedWorld(database.db);
	tabletId = await createPerson(
		database.db,
		{ organisationId: world.organisationId, unitId: world.unitId, teams: {} },
		{ username: 'bjorken-platta', role: 'teamDevice', homeTeamId: world.teams.bjorken }
	);
	host = await startHost(DEFAULT_SESSION_POLICY.tabletIdleMs, 60_000);
	quick = await startHost(IDLE_MS, 50);
});

afterAll(async () => {
	for (const d of opened) d.close();
	for (const h of [host, quick]) {
		await h?.realtime.close();
		if (h) await new Promise((resolve) => h.server.close(resolve));
	}
	await database?.close();
});

/** Signs the tablet in: its cookie and session id. */
async function tabletSession(h: Host) {
	const { token, session } = await h.sessions.create(tabletId, { sharedDevice: true });
	return { cookie: `session=${token}`, sessionId: session.id };
}

function upgradeStatus(h: Host, cookie: string): Promise<number> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(`${h.url.replace(/^http/, 'ws')}/yjs/${world.room}`, {
			headers: { cookie, origin: ORIGIN }
		});
		ws.on('unexpected-response', (_req, res) => {
			resolve(res.statusCode ?? 0);
			ws.terminate();
		});
		ws.on('open', () => {
			resolve(101);
			ws.close();
		});
		ws.on('error', (error) => reject(error));
	});
}

function socketIoOutcome(h: Host, cookie: string): Promise<string> {
	return new Promise((resolve) => {
		const socket = ioClient(h.url, {
			transports: ['websocket'],
			extraHeaders: { cookie, origin: ORIGIN },
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
}

async function device(h: Host, cookie: string): Promise<Device> {
	const d = await openDevice(h.url, database.db, tabletId, world.room, { cookie });
	opened.push(d);
	return d;
}

function auditRowsOf(visitId: string) {
	return database.db
		.select()
		.from(auditLog)
		.where(and(eq(auditLog.action, 'change'), sql`${auditLog.detail}->>'id' = ${visitId}`));
}

describe('the team tablet on the board', () => {
	it('refuses the board to a locked tablet: Yjs 403, socket.io forbidden', async () => {
		const { cookie } = await tabletSession(host);
		expect(await upgradeStatus(host, cookie)).toBe(403);
		expect(await socketIoOutcome(host, cookie)).toBe('forbidden');
		// Without any session it stays 401, as before.
		expect(await upgradeStatus(host, 'session=x')).toBe(401);
	});

	it('writes a change made on an unlocked tablet in the acting person’s name', async () => {
		const { cookie, sessionId } = await tabletSession(host);
		await host.sessions.setActing(sessionId, world.staff.anna);
		expect(await upgradeStatus(host, cookie)).toBe(101);
		const tablet = await device(host, cookie);
		const id = createVisit(tablet.doc, {
			clientId: world.clients.greta,
			date: MONDAY,
			dayPart: 'morning',
			services: ['meals'],
			minutes: 20,
			assignees: [world.staff.bertil]
		});
		await whenCommitted(database.db, id);
		const rows = await auditRowsOf(id);
		expect(rows).toHaveLength(1);
		expect(rows[0].staffId).toBe(world.staff.anna);
		expect(rows[0].device.startsWith('bjorken-platta: ')).toBe(true);

		// A command over socket.io names her too.
		const ack = await tablet.socket.timeout(5000).emitWithAck('absence:set', {
			staffId: world.staff.bertil,
			date: MONDAY,
			dayParts: 'day',
			idempotencyKey: crypto.randomUUID()
		});
		expect(ack.ok).toBe(true);
		const absenceRows = await database.db
			.select()
			.from(auditLog)
			.where(sql`${auditLog.detail}->>'what' = 'absence'`);
		expect(absenceRows.map((r) => r.staffId)).toEqual([world.staff.anna]);
		tablet.close();
	});

	it('closes the tablet’s sockets when it is locked; they open again only after an unlock', async () => {
		const { cookie, sessionId } = await tabletSession(host);
		await host.sessions.setActing(sessionId, world.staff.anna);
		const tablet = await device(host, cookie);
		const connections = () => host.realtime.stats().connections;
		expect(connections()).toBe(1);
		expect(tablet.socket.connected).toBe(true);

		await host.sessions.setActing(sessionId, null);
		await eventually(() => connections() === 0 && !tablet.socket.connected, 5000, 'closed');
		expect(await upgradeStatus(host, cookie)).toBe(403);
		// The provider keeps trying and keeps being refused.
		await new Promise((r) => setTimeout(r, 400));
		expect(connections()).toBe(0);
		tablet.close();

		// Bertil unlocks: the board opens again, in his name.
		await host.sessions.setActing(sessionId, world.staff.bertil);
		const again = await device(host, cookie);
		const id = createVisit(again.doc, {
			clientId: world.clients.greta,
			date: MONDAY,
			dayPart: 'midday',
			services: ['meals'],
			minutes: 15
		});
		await whenCommitted(database.db, id);
		expect((await auditRowsOf(id)).map((r) => r.staffId)).toEqual([world.staff.bertil]);
		again.close();
	});

	it('[TP4] locks an idle tablet on the server and closes its sockets, whatever the page does', async () => {
		const { cookie, sessionId } = await tabletSession(quick);
		await quick.sessions.setActing(sessionId, world.staff.anna);
		const tablet = await device(quick, cookie);
		expect(quick.realtime.stats().connections).toBe(1);
		await eventually(
			() => quick.realtime.stats().connections === 0 && !tablet.socket.connected,
			5000,
			'idle lock'
		);
		expect(await upgradeStatus(quick, cookie)).toBe(403);
		const token = cookie.slice('session='.length);
		expect((await quick.sessions.validate(token))?.session.acting).toBeNull();
		tablet.close();
	});
});
