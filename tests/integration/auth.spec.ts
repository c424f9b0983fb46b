import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hash } from '@node-rs/argon2';
import { eq } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';
import { createOrg, createPerson, type OrgFixture } from '../fixtures/factories';
import {
	createSessionStore,
	DEFAULT_SESSION_POLICY,
	sessionIdOf
} from '../../src/lib/server/auth/session';
import {
	attemptLogin,
	changePassword,
	DEFAULT_LOGIN_LIMITS
} from '../../src/lib/server/auth/login';
import { canAccessTeam, teamsOf } from '../../src/lib/server/auth/access';
import { auditLog, session as sessionTable } from '../../src/lib/server/db/schema';

let handle: TestDatabase;
let org: OrgFixture;
let passwordHash: string;

beforeAll(async () => {
	handle = await createTestDatabase();
	org = await createOrg(handle.db);
	passwordHash = await hash('rätt-lösenord');
});
afterAll(() => handle.close());

describe('sessions', () => {
	it('stores only the SHA-256 of a 160-bit token and validates the token', async () => {
		const staffId = await createPerson(handle.db, org, { username: 'sess1' });
		const sessions = createSessionStore(handle.db);
		const { token, session } = await sessions.create(staffId);
		expect(token).toMatch(/^[a-z2-7]{32}$/);
		const rows = await handle.db
			.select()
			.from(sessionTable)
			.where(eq(sessionTable.staffId, staffId));
		expect(rows.map((r) => r.id)).toEqual([sessionIdOf(token)]);
		expect(rows[0].id).not.toContain(token);
		const validated = await sessions.validate(token);
		expect(validated?.user.username).toBe('sess1');
		expect(validated?.session.id).toBe(session.id);
		expect(await sessions.validate(token.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')))).toBeNull();
		expect(await sessions.validate('not a token')).toBeNull();
	});

	it('slides the expiry with use but never past the absolute lifetime', async () => {
		const staffId = await createPerson(handle.db, org, { username: 'sess2' });
		let now = new Date('2026-11-23T07:00:00Z');
		const sessions = createSessionStore(handle.db, { now: () => now });
		const { token, session } = await sessions.create(staffId);
		expect(session.expiresAt.getTime() - now.getTime()).toBe(DEFAULT_SESSION_POLICY.idleMs);

		now = new Date(now.getTime() + 60 * 60 * 1000);
		const later = await sessions.validate(token);
		expect(later?.session.expiresAt.getTime()).toBe(now.getTime() + DEFAULT_SESSION_POLICY.idleMs);

		// Keep using it every few hours until the absolute lifetime has passed.
		const start = new Date('2026-11-23T07:00:00Z').getTime();
		while (now.getTime() < start + DEFAULT_SESSION_POLICY.absoluteMs - 60 * 60 * 1000) {
			now = new Date(now.getTime() + 6 * 60 * 60 * 1000);
			await sessions.validate(token);
		}
		now = new Date(start + DEFAULT_SESSION_POLICY.absoluteMs + 1000);
		expect(await sessions.validate(token)).toBeNull();
	});

	it('gives a shared tablet a 30-minute idle timeout', async () => {
		const staffId = await createPerson(handle.db, org, { username: 'platta', role: 'teamDevice' });
		let now = new Date('2026-11-23T07:00:00Z');
		const sessions = createSessionStore(handle.db, { now: () => now });
		const { token } = await sessions.create(staffId, { sharedDevice: true });
		now = new Date(now.getTime() + 29 * 60 * 1000);
		expect(await sessions.validate(token)).not.toBeNull();
		now = new Date(now.getTime() + 31 * 60 * 1000);
		expect(await sessions.validate(token)).toBeNull();
	});

	it('ends on logout and tells listeners, so sockets can be closed', async () => {
		const staffId = await createPerson(handle.db, org, { username: 'sess3' });
		const sessions = createSessionStore(handle.db);
		const ended: string[] = [];
		sessions.onInvalidate((id) => ended.push(id));
		const { token, session } = await sessions.create(staffId);
		await sessions.invalidate(session.id);
		expect(await sessions.validate(token)).toBeNull();
		expect(ended).toEqual([session.id]);
	});

	it('refuses a deactivated person', async () => {
		const staffId = await createPerson(handle.db, org, { username: 'gone', active: false });
		const sessions = createSessionStore(handle.db);
		const { token } = await sessions.create(staffId);
		expect(await sessions.validate(token)).toBeNull();
	});
});

describe('login', () => {
	const input = (username: string, password: string, address = '10.0.0.1') => ({
		username,
		password,
		address,
		userAgent: 'test'
	});

	it('signs in with the right password and records it in the audit log', async () => {
		const id = await createPerson(handle.db, org, { username: 'login1', passwordHash });
		const sessions = createSessionStore(handle.db);
		const result = await attemptLogin(handle.db, sessions, input('Login1 ', 'rätt-lösenord'));
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect((await sessions.validate(result.token))?.user.id).toBe(id);
		const audit = await handle.db.select().from(auditLog).where(eq(auditLog.staffId, id));
		expect(audit.map((a) => a.action)).toEqual(['login']);
	});

	it('answers a wrong password and an unknown user alike', async () => {
		await createPerson(handle.db, org, { username: 'login2', passwordHash });
		const sessions = createSessionStore(handle.db);
		expect(await attemptLogin(handle.db, sessions, input('login2', 'fel'))).toEqual({
			ok: false,
			reason: 'invalid'
		});
		expect(await attemptLogin(handle.db, sessions, input('nobody', 'fel'))).toEqual({
			ok: false,
			reason: 'invalid'
		});
	});

	it('stops guessing on one account after the limit, even with the right password', async () => {
		await createPerson(handle.db, org, { username: 'login3', passwordHash });
		const sessions = createSessionStore(handle.db);
		const limits = { ...DEFAULT_LOGIN_LIMITS, accountMax: 3, familiarReserve: 0 };
		let now = new Date('2026-11-23T08:00:00Z');
		const opts = { limits, now: () => now };
		for (let i = 0; i < 3; i++) {
			const r = await attemptLogin(
				handle.db,
				sessions,
				input('login3', 'fel', `10.1.0.${i}`),
				opts
			);
			expect(r).toEqual({ ok: false, reason: 'invalid' });
		}
		const blocked = await attemptLogin(handle.db, sessions, input('login3', 'rätt-lösenord'), opts);
		expect(blocked).toMatchObject({ ok: false, reason: 'rate-limited' });
		now = new Date(now.getTime() + 61 * 60 * 1000);
		expect(
			(await attemptLogin(handle.db, sessions, input('login3', 'rätt-lösenord'), opts)).ok
		).toBe(true);
	});

	it('slows down one address guessing across many accounts', async () => {
		const sessions = createSessionStore(handle.db);
		const limits = { ...DEFAULT_LOGIN_LIMITS, addressFree: 2 };
		const now = new Date('2026-11-23T09:00:00Z');
		const opts = { limits, now: () => now };
		await attemptLogin(handle.db, sessions, input('x1', 'fel', '10.9.9.9'), opts);
		await attemptLogin(handle.db, sessions, input('x2', 'fel', '10.9.9.9'), opts);
		expect(
			await attemptLogin(handle.db, sessions, input('x3', 'fel', '10.9.9.9'), opts)
		).toMatchObject({
			reason: 'rate-limited'
		});
		expect(await attemptLogin(handle.db, sessions, input('x3', 'fel', '10.9.9.10'), opts)).toEqual({
			ok: false,
			reason: 'invalid'
		});
	});

	it('ends every session of the person when the password changes', async () => {
		const id = await createPerson(handle.db, org, { username: 'login4', passwordHash });
		const sessions = createSessionStore(handle.db);
		const a = await sessions.create(id);
		const b = await sessions.create(id);
		await changePassword(handle.db, sessions, id, 'ett-nytt-lösenord');
		expect(await sessions.validate(a.token)).toBeNull();
		expect(await sessions.validate(b.token)).toBeNull();
		expect((await attemptLogin(handle.db, sessions, input('login4', 'rätt-lösenord'))).ok).toBe(
			false
		);
		expect((await attemptLogin(handle.db, sessions, input('login4', 'ett-nytt-lösenord'))).ok).toBe(
			true
		);
	});
});

describe('team access', () => {
	it('lets a worker see the home team, and a lent team only on the day of the loan', async () => {
		const id = await createPerson(handle.db, org, {
			username: 'lent',
			homeTeamId: org.teams['Björken'],
			lentTo: [{ teamId: org.teams['Eken'], date: '2026-11-24' }]
		});
		const sessions = createSessionStore(handle.db);
		const { token } = await sessions.create(id);
		const user = (await sessions.validate(token))!.user;
		expect((await teamsOf(handle.db, user, '2026-11-23')).map((t) => t.name)).toEqual(['Björken']);
		expect((await teamsOf(handle.db, user, '2026-11-24')).map((t) => t.name)).toEqual([
			'Björken',
			'Eken'
		]);
		expect(
			await canAccessTeam(handle.db, user, org.teams['Eken'], '2026-11-23', '2026-11-29')
		).toBe(true);
		expect(await canAccessTeam(handle.db, user, org.teams['Eken'], '2026-11-30')).toBe(false);
	});

	it('lets a manager see every team of the unit and nothing of another organisation', async () => {
		const other = await createOrg(handle.db, ['Granen']);
		const id = await createPerson(handle.db, org, { username: 'chef', role: 'manager' });
		const sessions = createSessionStore(handle.db);
		const user = (await sessions.validate((await sessions.create(id)).token))!.user;
		const names = (await teamsOf(handle.db, user, '2026-11-23')).map((t) => t.name);
		expect(names).toEqual(['Björken', 'Eken']);
		expect(await canAccessTeam(handle.db, user, other.teams['Granen'], '2026-11-23')).toBe(false);
	});

	it('binds a team tablet to its own team, also on loan days of nobody', async () => {
		const id = await createPerson(handle.db, org, {
			username: 'eken-platta',
			role: 'teamDevice',
			homeTeamId: org.teams['Eken']
		});
		const sessions = createSessionStore(handle.db);
		const user = (await sessions.validate((await sessions.create(id)).token))!.user;
		expect((await teamsOf(handle.db, user, '2026-11-23')).map((t) => t.name)).toEqual(['Eken']);
	});
});
