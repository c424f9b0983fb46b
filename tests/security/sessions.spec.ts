/**
 * Sessions (docs/security.md, "Sessions"): tokens of 160 random bits of which the database
 * holds only the SHA-256, a new token at every login, idle timeout and absolute lifetime, and
 * logout and password changes that end sessions and close their boards (Yjs and socket.io)
 * on every device within the minute.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import { hash } from '@node-rs/argon2';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { eq } from 'drizzle-orm';
import type { WebSocket } from 'ws';
import { changePassword } from '../../src/lib/server/auth/login';
import {
	createSessionStore,
	DEFAULT_SESSION_POLICY,
	generateSessionToken,
	type SessionStore
} from '../../src/lib/server/auth/session';
import { DEFAULT_OPTIONS, type Realtime } from '../../src/lib/server/realtime';
import { session as sessionTable, staff } from '../../src/lib/server/db/schema';
import { CLOSE_CODES } from '../../src/lib/realtime/protocol';
import {
	eventually,
	openDevice,
	seedWorld,
	startRealtime,
	type Device,
	type World
} from '../fixtures/realtime';
import { fakeEvent, outcomeOf, provideApp, removeApp } from '../fixtures/route-event';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';
import * as loginRoute from '../../src/routes/login/+page.server';
import * as logoutRoute from '../../src/routes/logout/+page.server';
import * as passwordRoute from '../../src/routes/profile/password/+page.server';

const PASSWORD = 'rätt-lösenord';
/** What the guarantee promises; the sweep that finds idle sessions runs this often at most. */
const CLOSE_WITHIN_MS = 60_000;

let database: TestDatabase;
let world: World;
let sessions: SessionStore;
let server: Server;
let url: string;
let realtime: Realtime;
const devices: Device[] = [];

beforeAll(async () => {
	database = await createTestDatabase();
	world = await seedWorld(database.db);
	await database.db.update(staff).set({ passwordHash: await hash(PASSWORD) });
	sessions = createSessionStore(database.db);
	({ server, url, realtime } = await startRealtime(database.db, sessions));
	provideApp(database.db, sessions);
});
afterAll(async () => {
	removeApp();
	for (const d of devices) d.close();
	await realtime.close();
	await new Promise((resolve) => server.close(resolve));
	await database.close();
});

/** A signed-in device of `staffId` on a board (Björken's), with its token and session. */
async function signedInDevice(staffId: string, room = world.room) {
	const { token, session } = await sessions.create(staffId);
	const device = await openDevice(url, database.db, staffId, room, {
		cookie: `session=${token}`
	});
	devices.push(device);
	const ws = (device.provider as unknown as { ws: WebSocket }).ws;
	const closedWith = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
	let ended = false;
	device.socket.on('session:ended', () => (ended = true));
	return {
		token,
		session,
		device,
		/** Resolves with the Yjs socket's close code; socket.io said `session:ended` and left. */
		closed: async () => {
			let timer: ReturnType<typeof setTimeout> | undefined;
			const late = new Promise<never>((_, reject) => {
				timer = setTimeout(() => reject(new Error('board still open')), CLOSE_WITHIN_MS);
			});
			const code = await Promise.race([closedWith, late]).finally(() => clearTimeout(timer));
			await eventually(() => ended && !device.socket.connected, CLOSE_WITHIN_MS, 'socket.io');
			return code;
		},
		open: () => ws.readyState === ws.OPEN && device.socket.connected
	};
}

/** What handleSession would put in `locals` for this token. */
async function localsFor(token: string) {
	const found = await sessions.validate(token);
	if (!found) throw new Error('no session');
	return found;
}

describe('tokens', () => {
	it('are 160 bits from the Web Crypto random source, encoded by @oslojs/encoding', () => {
		const spy = vi.spyOn(crypto, 'getRandomValues');
		try {
			const token = generateSessionToken();
			expect(spy).toHaveBeenCalledTimes(1);
			const bytes = spy.mock.results[0].value as Uint8Array;
			expect(bytes.length * 8).toBe(160);
			expect(decodeBase32IgnorePadding(token.toUpperCase())).toEqual(bytes);
		} finally {
			spy.mockRestore();
		}
	});

	it('differ in every one of their 160 bits across 2,000 tokens', () => {
		const tokens = Array.from({ length: 2000 }, generateSessionToken);
		expect(new Set(tokens).size).toBe(tokens.length);
		const ones = new Array<number>(160).fill(0);
		for (const token of tokens) {
			const bytes = decodeBase32IgnorePadding(token.toUpperCase());
			for (let bit = 0; bit < 160; bit++) ones[bit] += (bytes[bit >> 3] >> (bit & 7)) & 1;
		}
		// A fair bit is set in 1,000 ± 22 of them; 800..1,200 is nine standard deviations.
		expect(ones.filter((n) => n < 800 || n > 1200)).toEqual([]);
	});

	it('are stored only as their SHA-256, which does not sign anyone in', async () => {
		const { token } = await sessions.create(world.staff.erik);
		const rows = await database.db
			.select()
			.from(sessionTable)
			.where(eq(sessionTable.staffId, world.staff.erik));
		expect(rows.map((r) => r.id)).toEqual([createHash('sha256').update(token).digest('hex')]);
		expect(JSON.stringify(rows)).not.toContain(token);
		expect(await sessions.validate(rows[0].id)).toBeNull();
		expect(await sessions.validate(rows[0].id.slice(0, 32))).toBeNull();
	});
});

describe('login', () => {
	const post = (cookie?: string, found?: Awaited<ReturnType<typeof localsFor>>) =>
		fakeEvent('/login', {
			form: { username: 'cecilia', password: PASSWORD },
			cookie,
			user: found?.user,
			session: found?.session
		});

	it('sets a new token every time and ends the session the browser came with', async () => {
		const first = post();
		expect(await outcomeOf(() => loginRoute.actions.default(first.event))).toMatchObject({
			kind: 'redirect',
			status: 303
		});
		const t1 = first.written.get('session')!.value;
		expect((await sessions.validate(t1))?.user.id).toBe(world.staff.cecilia);

		const again = post(t1, await localsFor(t1));
		await outcomeOf(() => loginRoute.actions.default(again.event));
		const t2 = again.written.get('session')!.value;
		expect(t2).not.toBe(t1);
		expect(await sessions.validate(t1)).toBeNull();
		expect((await sessions.validate(t2))?.user.id).toBe(world.staff.cecilia);
	});

	it('does not adopt a session planted in the browser by someone else (fixation)', async () => {
		const planted = (await sessions.create(world.staff.david)).token;
		const victim = post(planted, await localsFor(planted));
		await outcomeOf(() => loginRoute.actions.default(victim.event));
		const token = victim.written.get('session')!.value;
		expect(token).not.toBe(planted);
		expect((await sessions.validate(token))?.user.id).toBe(world.staff.cecilia);
		expect(await sessions.validate(planted)).toBeNull();
	});
});

describe('expiry', () => {
	it('ends a personal session after 12 hours idle, and any after 14 days however busy', async () => {
		let now = new Date('2026-11-23T07:00:00Z');
		const store = createSessionStore(database.db, { now: () => now });
		const idle = await store.create(world.staff.erik);
		const busy = await store.create(world.staff.erik);
		const start = now.getTime();
		now = new Date(start + 11 * 3600_000);
		expect(await store.validate(busy.token)).not.toBeNull();
		now = new Date(start + DEFAULT_SESSION_POLICY.idleMs + 1000);
		expect(await store.validate(idle.token)).toBeNull();
		while (now.getTime() < start + DEFAULT_SESSION_POLICY.absoluteMs - 6 * 3600_000) {
			now = new Date(now.getTime() + 6 * 3600_000);
			expect(await store.validate(busy.token)).not.toBeNull();
		}
		now = new Date(start + DEFAULT_SESSION_POLICY.absoluteMs);
		expect(await store.validate(busy.token)).toBeNull();
		expect(DEFAULT_SESSION_POLICY).toMatchObject({
			idleMs: 12 * 3600_000,
			absoluteMs: 14 * 24 * 3600_000
		});
	});

	it('ends a shared tablet’s session after 30 minutes idle', async () => {
		let now = new Date('2026-11-23T07:00:00Z');
		const store = createSessionStore(database.db, { now: () => now });
		const { token } = await store.create(world.staff.erik, { sharedDevice: true });
		now = new Date(now.getTime() + 30 * 60_000);
		expect(await store.validate(token)).toBeNull();
	});

	it('closes the boards of a session that idled out, without any request from the device', async () => {
		expect(DEFAULT_OPTIONS.sessionCheckMs).toBeLessThanOrEqual(CLOSE_WITHIN_MS);
		const quick = createSessionStore(database.db, {
			policy: { ...DEFAULT_SESSION_POLICY, idleMs: 1500 }
		});
		const other = await startRealtime(database.db, quick, { options: { sessionCheckMs: 100 } });
		try {
			const { token } = await quick.create(world.staff.anna);
			const device = await openDevice(other.url, database.db, world.staff.anna, world.room, {
				cookie: `session=${token}`
			});
			devices.push(device);
			const ws = (device.provider as unknown as { ws: WebSocket }).ws;
			const code = await new Promise<number>((resolve) => ws.on('close', resolve));
			device.provider.shouldConnect = false;
			expect(code).toBe(CLOSE_CODES.sessionEnded);
			await eventually(() => !device.socket.connected, 5000, 'socket.io closed');
		} finally {
			await other.realtime.close();
			await new Promise((resolve) => other.server.close(resolve));
		}
	});
});

describe('logout', { timeout: CLOSE_WITHIN_MS + 10_000 }, () => {
	it("ends this device's session and closes its boards; the person's other devices stay", async () => {
		const phone = await signedInDevice(world.staff.anna);
		const tablet = await signedInDevice(world.staff.anna);
		const colleague = await signedInDevice(world.staff.bertil);
		const found = await localsFor(phone.token);
		const logout = fakeEvent('/logout', {
			form: {},
			cookie: phone.token,
			user: found.user,
			session: found.session
		});
		expect(await outcomeOf(() => logoutRoute.actions.default(logout.event))).toEqual({
			kind: 'redirect',
			status: 303,
			location: '/login?loggedOut'
		});
		expect(logout.written.get('session')).toMatchObject({ value: '', options: { maxAge: 0 } });
		expect(await phone.closed()).toBe(CLOSE_CODES.sessionEnded);
		phone.device.provider.shouldConnect = false;
		expect(await sessions.validate(phone.token)).toBeNull();
		expect(await sessions.validate(tablet.token)).not.toBeNull();
		expect(tablet.open()).toBe(true);
		expect(colleague.open()).toBe(true);
		expect(await sessions.validate(colleague.token)).not.toBeNull();
	});
});

describe('password change', { timeout: CLOSE_WITHIN_MS + 10_000 }, () => {
	it('by the person: every other session ends and its boards close; this one stays', async () => {
		const here = await signedInDevice(world.staff.cecilia);
		const phone = await signedInDevice(world.staff.cecilia);
		const found = await localsFor(here.token);
		const change = fakeEvent('/profile/password', {
			form: {
				currentPassword: PASSWORD,
				newPassword: 'ett-helt-nytt-lösenord',
				newPasswordAgain: 'ett-helt-nytt-lösenord'
			},
			cookie: here.token,
			user: found.user,
			session: found.session
		});
		expect(await outcomeOf(() => passwordRoute.actions.default(change.event))).toEqual({
			kind: 'ok',
			data: { errors: {}, saved: true }
		});
		expect(await phone.closed()).toBe(CLOSE_CODES.sessionEnded);
		phone.device.provider.shouldConnect = false;
		expect(await sessions.validate(phone.token)).toBeNull();
		expect((await sessions.validate(here.token))?.user.id).toBe(world.staff.cecilia);
		expect(here.open()).toBe(true);
	});

	it('refuses a wrong current password, counted like a failed login', async () => {
		const here = await signedInDevice(world.staff.david);
		const found = await localsFor(here.token);
		const attempt = () =>
			outcomeOf(() =>
				passwordRoute.actions.default(
					fakeEvent('/profile/password', {
						form: {
							currentPassword: 'fel',
							newPassword: 'ett-helt-nytt-lösenord',
							newPasswordAgain: 'ett-helt-nytt-lösenord'
						},
						user: found.user,
						session: found.session,
						address: '203.0.113.200'
					}).event
				)
			);
		for (let i = 0; i < 5; i++) {
			expect(await attempt()).toMatchObject({
				kind: 'failure',
				status: 400,
				data: { errors: { currentPassword: 'wrong' } }
			});
		}
		expect(await attempt()).toMatchObject({
			kind: 'failure',
			status: 429,
			data: { errors: { currentPassword: 'rate-limited' } }
		});
		expect(await sessions.validate(here.token)).not.toBeNull();
	});

	it('set by someone else: every session of the person ends and its boards close', async () => {
		const phone = await signedInDevice(world.staff.erik, world.ekenRoom);
		const desk = await signedInDevice(world.staff.erik, world.ekenRoom);
		await changePassword(database.db, sessions, world.staff.erik, 'satt-av-enhetschefen');
		expect(await phone.closed()).toBe(CLOSE_CODES.sessionEnded);
		expect(await desk.closed()).toBe(CLOSE_CODES.sessionEnded);
		phone.device.provider.shouldConnect = false;
		desk.device.provider.shouldConnect = false;
		expect(await sessions.validate(phone.token)).toBeNull();
		expect(await sessions.validate(desk.token)).toBeNull();
	});
});
