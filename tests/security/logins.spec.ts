/**
 * Logins (docs/security.md, "Logins"): guessing is slowed per account and address without
 * locking the real user or a colleague out, one account takes at most 100 failures an hour,
 * and neither the answers nor the work done reveal whether a username exists.
 *
 * The clock is passed in, so waiting a minute costs nothing; history that only sets the
 * scene (a hundred failures from an office address) is written as rows, the attempts that
 * matter go through the real sign-in.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { hash } from '@node-rs/argon2';
import { and, eq, gt } from 'drizzle-orm';
import {
	addressKey,
	DEFAULT_LOGIN_LIMITS,
	loginVerdict,
	type LoginHistory
} from '../../src/lib/server/auth/login-limits';
import { attemptLogin, type LoginResult } from '../../src/lib/server/auth/login';
import { setPin } from '../../src/lib/server/auth/pin';
import { verifyPassword } from '../../src/lib/server/auth/password';
import { createSessionStore, type SessionStore } from '../../src/lib/server/auth/session';
import { auditLog, loginAttempt } from '../../src/lib/server/db/schema';
import { createOrg, createPerson, type OrgFixture } from '../fixtures/factories';
import { fakeEvent, outcomeOf, provideApp, removeApp } from '../fixtures/route-event';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';
import * as loginRoute from '../../src/routes/login/+page.server';

// The real verification, watched: an unknown username must cost one Argon2id verify too.
vi.mock('../../src/lib/server/auth/password', async (importOriginal) => {
	const actual = await importOriginal<typeof import('../../src/lib/server/auth/password')>();
	return { ...actual, verifyPassword: vi.fn(actual.verifyPassword) };
});

const RIGHT = 'rätt-lösenord';
const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;

let handle: TestDatabase;
let org: OrgFixture;
let sessions: SessionStore;
let passwordHash: string;

beforeAll(async () => {
	handle = await createTestDatabase();
	org = await createOrg(handle.db);
	sessions = createSessionStore(handle.db);
	passwordHash = await hash(RIGHT);
	provideApp(handle.db, sessions);
});
afterAll(async () => {
	removeApp();
	await handle.close();
});
beforeEach(() => vi.mocked(verifyPassword).mockClear());

/** A clock the test moves by hand. */
function clock(start: string) {
	let t = new Date(start).getTime();
	return {
		now: () => new Date(t),
		advance: (ms: number) => (t += ms)
	};
}
type Clock = ReturnType<typeof clock>;

const person = (username: string) => createPerson(handle.db, org, { username, passwordHash });

function login(c: Clock, username: string, password: string, address: string) {
	return attemptLogin(handle.db, sessions, { username, password, address, userAgent: 'test' }, c);
}

/** Tries until the attempt is judged, waiting as long as each refusal says. */
async function loginWaiting(
	c: Clock,
	username: string,
	password: string,
	address: string
): Promise<{ result: LoginResult; waitedMs: number }> {
	let waitedMs = 0;
	for (;;) {
		const result = await login(c, username, password, address);
		if (result.ok || result.reason !== 'rate-limited') return { result, waitedMs };
		c.advance(result.retryAfterSeconds * 1000);
		waitedMs += result.retryAfterSeconds * 1000;
	}
}

/** Recorded history: `n` failures of `usernames(i)` from `addresses(i)`, spread over `spanMs`. */
async function recordFailures(
	c: Clock,
	n: number,
	who: (i: number) => { username: string; address: string },
	spanMs: number
) {
	const end = c.now().getTime();
	await handle.db.insert(loginAttempt).values(
		Array.from({ length: n }, (_, i) => ({
			...who(i),
			success: false,
			at: new Date(end - spanMs + Math.floor(((i + 1) * spanMs) / (n + 1)))
		}))
	);
}

async function recordSuccess(username: string, address: string, at: Date) {
	await handle.db.insert(loginAttempt).values({ username, address, success: true, at });
}

async function failuresInLastHour(username: string, c: Clock): Promise<number> {
	const rows = await handle.db
		.select({ id: loginAttempt.id })
		.from(loginAttempt)
		.where(
			and(
				eq(loginAttempt.username, username),
				eq(loginAttempt.success, false),
				gt(loginAttempt.at, new Date(c.now().getTime() - HOUR))
			)
		);
	return rows.length;
}

describe('a guesser on one account', () => {
	it('does not keep the real user out with 20 wrong passwords', async () => {
		await person('ulla');
		const c = clock('2026-11-23T07:00:00Z');
		for (let i = 0; i < 20; i++) {
			const { result } = await loginWaiting(c, 'ulla', `gissning-${i}`, '203.0.113.66');
			expect(result).toEqual({ ok: false, reason: 'invalid' });
		}
		// Ulla on her phone: in at once, with no wait.
		const phone = await login(c, 'ulla', RIGHT, '198.51.100.7');
		expect(phone.ok).toBe(true);
	});

	it('on the guesser’s own address, the real user waits at most a minute and gets in', async () => {
		await person('vera');
		const c = clock('2026-11-23T07:00:00Z');
		const office = '192.0.2.10';
		await recordSuccess('vera', office, new Date('2026-11-20T07:00:00Z'));
		for (let i = 0; i < 20; i++) {
			await loginWaiting(c, 'vera', `gissning-${i}`, office);
		}
		const { result, waitedMs } = await loginWaiting(c, 'vera', RIGHT, office);
		expect(result.ok).toBe(true);
		expect(waitedMs).toBeLessThanOrEqual(MINUTE);
	});

	it('waits a doubling delay after five failures, and does not judge a refused attempt', async () => {
		await person('wilma');
		const c = clock('2026-11-23T07:00:00Z');
		const address = '203.0.113.70';
		for (let i = 0; i < 5; i++) {
			expect(await login(c, 'wilma', 'fel', address)).toEqual({ ok: false, reason: 'invalid' });
		}
		vi.mocked(verifyPassword).mockClear();
		// Right away, even the right password is refused, without being checked.
		expect(await login(c, 'wilma', RIGHT, address)).toEqual({
			ok: false,
			reason: 'rate-limited',
			retryAfterSeconds: 1
		});
		expect(verifyPassword).not.toHaveBeenCalled();
		c.advance(1000);
		expect(await login(c, 'wilma', 'fel', address)).toEqual({ ok: false, reason: 'invalid' });
		expect(await login(c, 'wilma', RIGHT, address)).toEqual({
			ok: false,
			reason: 'rate-limited',
			retryAfterSeconds: 2
		});
		c.advance(2000);
		expect((await login(c, 'wilma', RIGHT, address)).ok).toBe(true);
		// A success starts the pair afresh.
		expect(await login(c, 'wilma', 'fel', address)).toEqual({ ok: false, reason: 'invalid' });
	});

	it('gets at most 100 failures an hour, across addresses; the usual address keeps a reserve', async () => {
		await person('xenia');
		const c = clock('2026-11-23T08:00:00Z');
		const home = '198.51.100.20';
		await recordSuccess('xenia', home, new Date('2026-11-21T18:00:00Z'));
		// 90 failures from 90 addresses in the last 50 minutes.
		await recordFailures(
			c,
			90,
			(i) => ({ username: 'xenia', address: `10.20.${i >> 8}.${i & 255}` }),
			50 * MINUTE
		);
		// From yet another address, even the right password is refused now …
		const elsewhere = await login(c, 'xenia', RIGHT, '203.0.113.99');
		expect(elsewhere).toMatchObject({ ok: false, reason: 'rate-limited' });
		if (elsewhere.ok || elsewhere.reason !== 'rate-limited') return;
		expect(elsewhere.retryAfterSeconds).toBeLessThanOrEqual(HOUR / 1000);
		// … but Xenia at home, where she signed in before, still gets in.
		expect((await login(c, 'xenia', RIGHT, home)).ok).toBe(true);
		// The last ten failures are for familiar addresses; after them nobody is judged.
		for (let i = 0; i < 10; i++) {
			const { result } = await loginWaiting(c, 'xenia', `gissning-${i}`, home);
			expect(result).toEqual({ ok: false, reason: 'invalid' });
		}
		expect(await login(c, 'xenia', RIGHT, home)).toMatchObject({ reason: 'rate-limited' });
		expect(await failuresInLastHour('xenia', c)).toBe(100);
		c.advance(HOUR);
		expect((await login(c, 'xenia', RIGHT, '203.0.113.99')).ok).toBe(true);
	});
});

describe('other places that check a password', () => {
	it('the PIN page’s current-password check is limited like a login', async () => {
		const id = await person('greta');
		const user = {
			id,
			organisationId: org.organisationId,
			username: 'greta',
			name: 'Greta',
			role: 'worker' as const,
			locale: 'sv' as const,
			unitId: org.unitId
		};
		const c = clock('2026-11-23T10:00:00Z');
		const attempt = (currentPassword: string) =>
			setPin(
				handle.db,
				user,
				{ currentPassword, pin: '2468', pinAgain: '2468', userAgent: 'test' },
				{ now: c.now }
			);
		for (let i = 0; i < 5; i++) {
			expect(await attempt('fel')).toEqual({ ok: false, errors: { currentPassword: 'wrong' } });
		}
		expect(await attempt(RIGHT)).toEqual({
			ok: false,
			errors: { currentPassword: 'rate-limited' },
			retryAfterSeconds: 1
		});
		c.advance(1000);
		expect(await attempt(RIGHT)).toEqual({ ok: true });
		// Those failures count for the account: a login elsewhere sees them in the hour.
		expect(await failuresInLastHour('greta', c)).toBe(5);
	});
});

describe('one address, many accounts (an office network)', () => {
	it('100 failures from the address do not keep out a colleague who signed in there before', async () => {
		await person('yngve');
		const c = clock('2026-11-24T07:30:00Z');
		const office = '192.0.2.44';
		await recordSuccess('yngve', office, new Date('2026-11-23T07:00:00Z'));
		await recordFailures(c, 100, (i) => ({ username: `okand-${i}`, address: office }), 10 * MINUTE);
		expect((await login(c, 'yngve', RIGHT, office)).ok).toBe(true);
	});

	it('a colleague new to the address waits at most a minute; a sprayer about a minute a try', async () => {
		await person('zelma');
		const c = clock('2026-11-24T07:30:00Z');
		const office = '192.0.2.45';
		await recordFailures(c, 100, (i) => ({ username: `okand-${i}`, address: office }), 10 * MINUTE);
		const sprayer = await login(c, 'okand-x', 'fel', office);
		expect(sprayer).toMatchObject({ ok: false, reason: 'rate-limited' });
		const { result, waitedMs } = await loginWaiting(c, 'zelma', RIGHT, office);
		expect(result.ok).toBe(true);
		expect(waitedMs).toBeGreaterThan(0);
		expect(waitedMs).toBeLessThanOrEqual(MINUTE);
	});

	it('counts an IPv6 subscriber by the /64, so hopping addresses inside it does not help', () => {
		expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
		expect(addressKey('2001:0db8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
		expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
		expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
		expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
	});
});

describe('the policy over hours of guessing (simulated)', () => {
	/**
	 * A guesser with `addresses` addresses tries one account as fast as the limits allow for
	 * three hours, always from the address that is free first; the real user is checked every
	 * minute from their usual address.
	 */
	function simulate(addresses: number) {
		const limits = DEFAULT_LOGIN_LIMITS;
		const failures: { at: number; address: number }[] = [];
		const history = (address: number, now: number, familiar: boolean): LoginHistory => ({
			accountFailures: failures.map((f) => f.at),
			pairAttempts: failures
				.filter((f) => f.address === address)
				.map((f) => ({ at: f.at, success: false })),
			addressFailures: failures.filter((f) => f.address === address).map((f) => f.at),
			familiar
		});
		const end = 3 * HOUR;
		const nextFree = new Array<number>(addresses).fill(0);
		let realUserRefused = 0;
		let nextCheck = 0;
		for (;;) {
			const now = Math.min(...nextFree);
			if (now >= end) break;
			while (nextCheck <= now) {
				// -1: the user's own address, where they signed in before.
				if (!loginVerdict(history(-1, nextCheck, true), nextCheck, limits).allowed) {
					realUserRefused++;
				}
				nextCheck += MINUTE;
			}
			const address = nextFree.indexOf(now);
			const verdict = loginVerdict(history(address, now, false), now, limits);
			if (verdict.allowed) {
				failures.push({ at: now, address });
				nextFree[address] = now + 1;
			} else {
				nextFree[address] = now + verdict.retryAfterMs;
			}
		}
		let worstHour = 0;
		for (const f of failures) {
			const inHour = failures.filter((g) => g.at >= f.at && g.at < f.at + HOUR).length;
			worstHour = Math.max(worstHour, inHour);
		}
		return { worstHour, realUserRefused };
	}

	it('one address alone cannot reach the account limit', () => {
		const { worstHour, realUserRefused } = simulate(1);
		expect(worstHour).toBeLessThan(DEFAULT_LOGIN_LIMITS.accountMax - 10);
		expect(realUserRefused).toBe(0);
	});

	it('fifty addresses get at most 100 failures in any hour, and never the reserve', () => {
		const { worstHour, realUserRefused } = simulate(50);
		expect(worstHour).toBe(DEFAULT_LOGIN_LIMITS.accountMax - DEFAULT_LOGIN_LIMITS.familiarReserve);
		expect(realUserRefused).toBe(0);
	});
});

describe('no user enumeration', () => {
	it('answers an unknown username exactly like a wrong password, attempt after attempt', async () => {
		await person('ada');
		const answers = async (username: string, address: string) => {
			const c = clock('2026-11-25T07:00:00Z');
			const seen: LoginResult[] = [];
			for (let i = 0; i < 8; i++) {
				seen.push(await login(c, username, 'fel', address));
				c.advance(700);
			}
			return seen;
		};
		const known = await answers('ada', '203.0.113.120');
		const unknown = await answers('ingen-sadan', '203.0.113.121');
		expect(unknown).toEqual(known);
		expect(known.map((r) => (r.ok ? 'ok' : r.reason))).toContain('rate-limited');
	});

	it('verifies one Argon2id hash for an unknown username, as for a wrong password', async () => {
		await person('beda');
		const c = clock('2026-11-25T09:00:00Z');
		await login(c, 'beda', 'fel', '203.0.113.130');
		await login(c, 'ingen-alls', 'fel', '203.0.113.131');
		const calls = vi.mocked(verifyPassword).mock.calls;
		expect(calls).toHaveLength(2);
		for (const [storedHash] of calls)
			expect(storedHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
		expect(calls[0][0]).not.toBe(calls[1][0]);
	});

	it('still writes a wrong password of a real account to its audit log', async () => {
		const id = await person('doris');
		const c = clock('2026-11-25T10:00:00Z');
		await login(c, 'doris', 'fel', '203.0.113.150');
		const audit = await handle.db.select().from(auditLog).where(eq(auditLog.staffId, id));
		expect(audit.map((a) => [a.action, a.device])).toEqual([['login-failed', 'test']]);
		const attempts = await handle.db
			.select()
			.from(loginAttempt)
			.where(eq(loginAttempt.username, 'doris'));
		expect(attempts.map((a) => [a.address, a.success, a.at.toISOString()])).toEqual([
			['203.0.113.150', false, '2026-11-25T10:00:00.000Z']
		]);
	});

	it('shows the same message on the login page for both', async () => {
		await person('cilla');
		const post = (username: string) =>
			outcomeOf(() =>
				loginRoute.actions.default(
					fakeEvent('/login', { form: { username, password: 'fel' }, address: '203.0.113.140' })
						.event
				)
			);
		const known = await post('cilla');
		const unknown = await post('ingen-heller');
		expect(known).toEqual({
			kind: 'failure',
			status: 400,
			data: { username: 'cilla', error: 'invalid' }
		});
		expect(unknown).toEqual({
			kind: 'failure',
			status: 400,
			data: { username: 'ingen-heller', error: 'invalid' }
		});
	});
});
