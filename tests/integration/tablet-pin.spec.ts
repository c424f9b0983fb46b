/**
 * The personal PIN and the team tablet (DESIGN.md §7, SPEC TP1–TP4) against a real database:
 * setting a PIN, unlocking with the right and a wrong PIN, the lock-out per person and
 * tablet, who may unlock, locking, and the server-side idle lock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { hashPassword, verifyPassword } from '../../src/lib/server/auth/password';
import {
	createSessionStore,
	DEFAULT_SESSION_POLICY,
	type SessionStore,
	type SessionUser
} from '../../src/lib/server/auth/session';
import { lockTablet, setPin, tabletStaff, unlockTablet } from '../../src/lib/server/auth/pin';
import {
	absence,
	auditLog,
	loginAttempt,
	session as sessionTable,
	staff
} from '../../src/lib/server/db/schema';
import { createOrg, createPerson, type OrgFixture } from '../fixtures/factories';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';

const TODAY = '2026-11-24';
const MIN = 60 * 1000;
const IDLE = 5 * MIN;

let handle: TestDatabase;
let org: OrgFixture;
let passwordHash: string;
let clock = new Date('2026-11-24T08:00:00Z').getTime();
const now = () => new Date(clock);
let sessions: SessionStore;
const people: Record<string, string> = {};

beforeAll(async () => {
	handle = await createTestDatabase();
	org = await createOrg(handle.db, ['Björken', 'Eken']);
	passwordHash = await hashPassword('ett-langt-losenord');
	const bjorken = org.teams['Björken'];
	const eken = org.teams['Eken'];
	const add = async (username: string, input: Parameters<typeof createPerson>[2]) =>
		(people[username] = await createPerson(handle.db, org, { passwordHash, ...input }));
	await add('anna', { username: 'anna', name: 'Anna Lind', homeTeamId: bjorken });
	await add('bertil', { username: 'bertil', name: 'Bertil Ek', homeTeamId: bjorken });
	await add('cecilia', { username: 'cecilia', name: 'Cecilia Holm', homeTeamId: bjorken });
	await add('erik', { username: 'erik', name: 'Erik Berg', homeTeamId: eken });
	await add('fanny', {
		username: 'fanny',
		name: 'Fanny Ström',
		homeTeamId: eken,
		lentTo: [{ teamId: bjorken, date: TODAY }]
	});
	await add('maria', { username: 'maria', name: 'Maria Sjö', role: 'manager' });
	await add('platta', { username: 'platta', role: 'teamDevice', homeTeamId: bjorken });
	sessions = createSessionStore(handle.db, {
		now,
		policy: { ...DEFAULT_SESSION_POLICY, tabletIdleMs: IDLE }
	});
});

afterAll(() => handle.close());

async function userOf(staffId: string): Promise<SessionUser> {
	const { token } = await sessions.create(staffId, { sharedDevice: true });
	return (await sessions.validate(token))!.user;
}

/** A fresh tablet session: its token, id and user. */
async function tablet() {
	const { token, session } = await sessions.create(people.platta, { sharedDevice: true });
	const user = (await sessions.validate(token))!.user;
	return { token, sessionId: session.id, user };
}

async function givePin(username: string, pin: string) {
	const user = await userOf(people[username]);
	const result = await setPin(
		handle.db,
		user,
		{ currentPassword: 'ett-langt-losenord', pin, pinAgain: pin, userAgent: 'test' },
		{ now }
	);
	expect(result).toEqual({ ok: true });
}

function unlock(t: Awaited<ReturnType<typeof tablet>>, staffId: string, pin: string) {
	return unlockTablet(
		handle.db,
		sessions,
		{ device: t.user, sessionId: t.sessionId, staffId, pin, today: TODAY, userAgent: 'Surfplatta' },
		{ now }
	);
}

describe('setting a PIN', () => {
	it('[TP1] needs the current password and the same 4–6 digits twice', async () => {
		const anna = await userOf(people.anna);
		const base = { currentPassword: 'ett-langt-losenord', userAgent: 'test' };
		expect(await setPin(handle.db, anna, { ...base, pin: '12', pinAgain: '12' })).toEqual({
			ok: false,
			errors: { pin: 'format' }
		});
		expect(await setPin(handle.db, anna, { ...base, pin: '1234', pinAgain: '4321' })).toEqual({
			ok: false,
			errors: { pin: 'mismatch' }
		});
		expect(
			await setPin(handle.db, anna, { ...base, currentPassword: '', pin: '', pinAgain: '' })
		).toEqual({ ok: false, errors: { pin: 'missing', currentPassword: 'missing' } });
		expect(
			await setPin(handle.db, anna, {
				...base,
				currentPassword: 'fel',
				pin: '2468',
				pinAgain: '2468'
			})
		).toEqual({ ok: false, errors: { currentPassword: 'wrong' } });
		const [before] = await handle.db.select().from(staff).where(eq(staff.id, people.anna));
		expect(before.pinHash).toBeNull();

		expect(await setPin(handle.db, anna, { ...base, pin: '2468', pinAgain: '2468' })).toEqual({
			ok: true
		});
		const [after] = await handle.db.select().from(staff).where(eq(staff.id, people.anna));
		expect(after.pinHash).toMatch(/^\$argon2id\$/);
		expect(await verifyPassword(after.pinHash!, '2468')).toBe(true);
		const rows = await handle.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.staffId, people.anna), eq(auditLog.action, 'change')));
		expect(rows.map((r) => r.detail)).toEqual([{ what: 'pin' }]);
	});

	it('counts a wrong current password as a failed login of the account', async () => {
		const bertil = await userOf(people.bertil);
		await setPin(handle.db, bertil, {
			currentPassword: 'gissning',
			pin: '1111',
			pinAgain: '1111',
			userAgent: 'test'
		});
		const rows = await handle.db
			.select()
			.from(loginAttempt)
			.where(eq(loginAttempt.username, 'bertil'));
		expect(rows.map((r) => r.success)).toEqual([false]);
	});
});

describe('unlocking the team tablet', () => {
	beforeAll(async () => {
		await givePin('bertil', '1357');
		await givePin('cecilia', '8642');
		await givePin('erik', '5555');
		await givePin('fanny', '7777');
		await givePin('maria', '9999');
	});

	it('lists the team of the day: home team and lent in, not those away all day', async () => {
		await handle.db
			.insert(absence)
			.values({ organisationId: org.organisationId, staffId: people.cecilia, date: '2026-11-25' });
		const today = await tabletStaff(handle.db, org.teams['Björken'], TODAY);
		expect(today.map((p) => [p.name, p.hasPin])).toEqual([
			['Anna Lind', true],
			['Bertil Ek', true],
			['Cecilia Holm', true],
			['Fanny Ström', true]
		]);
		const tomorrow = await tabletStaff(handle.db, org.teams['Björken'], '2026-11-25');
		expect(tomorrow.map((p) => p.name)).toEqual(['Anna Lind', 'Bertil Ek']);
	});

	it('names the acting person after the right PIN, and locks at once with Lås', async () => {
		const t = await tablet();
		const changed: string[] = [];
		const stop = sessions.onActingChanged((id) => changed.push(id));
		expect(await unlock(t, people.anna, '2468')).toEqual({
			ok: true,
			staffId: people.anna,
			name: 'Anna Lind'
		});
		const unlocked = await sessions.validate(t.token);
		expect(unlocked?.session.acting).toMatchObject({ staffId: people.anna, name: 'Anna Lind' });
		expect(unlocked?.session.acting?.expiresAt.getTime()).toBe(clock + IDLE);

		await lockTablet(handle.db, sessions, t.user, unlocked!.session, 'Surfplatta');
		expect((await sessions.validate(t.token))?.session.acting).toBeNull();
		const [row] = await handle.db
			.select()
			.from(sessionTable)
			.where(eq(sessionTable.id, t.sessionId));
		expect([row.actingStaffId, row.actingSeenAt]).toEqual([null, null]);
		expect(changed).toEqual([t.sessionId, t.sessionId]);
		stop();
		const audit = await handle.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.staffId, people.anna)));
		expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['login', 'logout']));
	});

	it('refuses a wrong PIN with the tries left and keeps the tablet locked', async () => {
		const t = await tablet();
		expect(await unlock(t, people.bertil, '0000')).toEqual({
			ok: false,
			reason: 'wrong-pin',
			triesLeft: 4
		});
		expect(await unlock(t, people.bertil, 'abcd')).toEqual({
			ok: false,
			reason: 'wrong-pin',
			triesLeft: 3
		});
		expect((await sessions.validate(t.token))?.session.acting).toBeNull();
		// A success clears the count.
		clock += 1000;
		expect(await unlock(t, people.bertil, '1357')).toMatchObject({ ok: true });
		clock += 1000;
		expect(await unlock(t, people.bertil, '0000')).toMatchObject({ triesLeft: 4 });
	});

	it('[TP2] locks a person out after 5 wrong PINs, for 15 minutes, even for the right PIN', async () => {
		const t = await tablet();
		const results = [];
		for (let i = 0; i < 5; i++) {
			clock += 1000;
			results.push(await unlock(t, people.cecilia, String(1000 + i)));
		}
		expect(results.map((r) => (r.ok ? 'ok' : r.reason))).toEqual(Array(5).fill('wrong-pin'));
		expect(results.map((r) => ('triesLeft' in r ? r.triesLeft : null))).toEqual([4, 3, 2, 1, 0]);

		// A brute force gets nothing more: every further guess is refused unjudged and unrecorded.
		clock += 1000;
		for (const guess of ['8641', '8643', '8642']) {
			expect(await unlock(t, people.cecilia, guess)).toEqual({
				ok: false,
				reason: 'locked-out',
				retryAfterSeconds: 15 * 60 - 1
			});
		}
		const recorded = await handle.db
			.select()
			.from(loginAttempt)
			.where(eq(loginAttempt.username, `pin:${people.cecilia}`));
		expect(recorded).toHaveLength(5);
		expect((await sessions.validate(t.token))?.session.acting).toBeNull();

		// Another person on the same tablet is not locked out.
		expect(await unlock(t, people.bertil, '1357')).toMatchObject({ ok: true });
		// Signing the tablet in again does not give fresh tries.
		const again = await tablet();
		expect(await unlock(again, people.cecilia, '8642')).toMatchObject({ reason: 'locked-out' });

		clock += 15 * 60 * 1000;
		expect(await unlock(t, people.cecilia, '8642')).toMatchObject({ ok: true });
		expect((await sessions.validate(t.token))?.session.acting?.staffId).toBe(people.cecilia);
	});

	it('lets only the staff who work in the team that day unlock it', async () => {
		const t = await tablet();
		// Erik works in Eken, Maria is a manager without a team: right PINs, wrong tablet.
		expect(await unlock(t, people.erik, '5555')).toEqual({ ok: false, reason: 'not-on-team' });
		expect(await unlock(t, people.maria, '9999')).toEqual({ ok: false, reason: 'not-on-team' });
		expect(await unlock(t, people.platta, '1234')).toEqual({ ok: false, reason: 'not-on-team' });
		// Fanny of Eken is lent to Björken today.
		expect(await unlock(t, people.fanny, '7777')).toMatchObject({ ok: true });
		const tomorrow = await unlockTablet(
			handle.db,
			sessions,
			{
				device: t.user,
				sessionId: t.sessionId,
				staffId: people.fanny,
				pin: '7777',
				today: '2026-11-25',
				userAgent: ''
			},
			{ now }
		);
		expect(tomorrow).toEqual({ ok: false, reason: 'not-on-team' });
		// A personal account is no tablet.
		const anna = await userOf(people.anna);
		const personal = await unlockTablet(handle.db, sessions, {
			device: anna,
			sessionId: t.sessionId,
			staffId: people.anna,
			pin: '2468',
			today: TODAY,
			userAgent: ''
		});
		expect(personal).toEqual({ ok: false, reason: 'not-a-tablet' });
	});

	it('[TP4] forgets the acting person once idle on the server, touched at most once a minute', async () => {
		const t = await tablet();
		const changed: string[] = [];
		const stop = sessions.onActingChanged((id) => changed.push(id));
		await unlock(t, people.anna, '2468');
		const unlockedAt = clock;

		clock += 30 * 1000;
		expect((await sessions.touchActing(t.sessionId))?.seenAt.getTime()).toBe(unlockedAt);
		clock += 40 * 1000;
		expect((await sessions.touchActing(t.sessionId))?.seenAt.getTime()).toBe(clock);
		const seen = clock;

		clock = seen + IDLE - 1;
		expect((await sessions.validate(t.token))?.session.acting?.staffId).toBe(people.anna);
		clock = seen + IDLE;
		const later = await sessions.validate(t.token);
		expect(later?.session.acting).toBeNull();
		expect(later?.user.id).toBe(people.platta);
		const [row] = await handle.db
			.select()
			.from(sessionTable)
			.where(eq(sessionTable.id, t.sessionId));
		expect(row.actingStaffId).toBeNull();
		expect(await sessions.touchActing(t.sessionId)).toBeNull();
		expect(changed).toEqual([t.sessionId, t.sessionId]);
		stop();
	});
});
