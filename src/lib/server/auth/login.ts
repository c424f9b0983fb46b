/**
 * Signing in: one place that checks the password, limits guessing and records the attempt.
 * The limits (login-limits.ts) slow a guesser down per account and address without locking a
 * colleague out: the real user on another address, or on a shared office address they
 * signed in from before, still gets in.
 */
import { and, desc, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditLog, loginAttempt, staff } from '../db/schema';
import {
	addressKey,
	DEFAULT_LOGIN_LIMITS,
	loginVerdict,
	type LoginLimits,
	type LoginVerdict
} from './login-limits';
import {
	decoyPasswordHash,
	hashPassword,
	MAX_PASSWORD_LENGTH,
	MIN_PASSWORD_LENGTH,
	verifyPassword
} from './password';
import type { SessionInfo, SessionStore, SessionUser } from './session';

export { DEFAULT_LOGIN_LIMITS, type LoginLimits } from './login-limits';

export type LoginResult =
	| { ok: true; token: string; session: SessionInfo; user: Pick<SessionUser, 'id' | 'locale'> }
	| { ok: false; reason: 'invalid' }
	| { ok: false; reason: 'rate-limited'; retryAfterSeconds: number };

export interface LoginInput {
	username: string;
	password: string;
	address: string;
	userAgent: string;
}

/** Usernames are compared trimmed and in lower case, as they are stored. */
export function normaliseUsername(username: string): string {
	return username.trim().toLowerCase().slice(0, 100);
}

// The decoy hash is made now, so the first unknown username is not slower than the rest.
decoyPasswordHash().catch(() => {});

/**
 * May a password for `username` from `address` (an `addressKey`) be checked at `now`? Reads
 * the recorded attempts the limits need; the same for known and unknown usernames.
 */
export async function checkLoginLimits(
	db: Db,
	username: string,
	address: string,
	now: Date,
	limits: LoginLimits = DEFAULT_LOGIN_LIMITS
): Promise<LoginVerdict> {
	const t = now.getTime();
	const recent = new Date(t - Math.max(limits.accountWindowMs, limits.windowMs));
	const [byAccount, familiar, byAddress] = await Promise.all([
		db
			.select({ at: loginAttempt.at, success: loginAttempt.success, address: loginAttempt.address })
			.from(loginAttempt)
			.where(and(eq(loginAttempt.username, username), gt(loginAttempt.at, recent)))
			.orderBy(desc(loginAttempt.at))
			.limit(4 * limits.accountMax),
		db
			.select({ id: loginAttempt.id })
			.from(loginAttempt)
			.where(
				and(
					eq(loginAttempt.username, username),
					eq(loginAttempt.address, address),
					eq(loginAttempt.success, true),
					gt(loginAttempt.at, new Date(t - limits.familiarMs))
				)
			)
			.limit(1),
		db
			.select({ at: loginAttempt.at })
			.from(loginAttempt)
			.where(
				and(
					eq(loginAttempt.address, address),
					eq(loginAttempt.success, false),
					gt(loginAttempt.at, new Date(t - limits.windowMs))
				)
			)
			.orderBy(desc(loginAttempt.at))
			.limit(64)
	]);
	return loginVerdict(
		{
			accountFailures: byAccount.filter((a) => !a.success).map((a) => a.at.getTime()),
			pairAttempts: byAccount
				.filter((a) => a.address === address)
				.map((a) => ({ at: a.at.getTime(), success: a.success })),
			addressFailures: byAddress.map((a) => a.at.getTime()),
			familiar: familiar.length > 0
		},
		t,
		limits
	);
}

export async function attemptLogin(
	db: Db,
	sessions: SessionStore,
	input: LoginInput,
	opts: { limits?: LoginLimits; now?: () => Date } = {}
): Promise<LoginResult> {
	const now = opts.now ?? (() => new Date());
	const username = normaliseUsername(input.username);
	const address = addressKey(input.address);

	const verdict = await checkLoginLimits(db, username, address, now(), opts.limits);
	if (!verdict.allowed) {
		return {
			ok: false,
			reason: 'rate-limited',
			retryAfterSeconds: Math.max(1, Math.ceil(verdict.retryAfterMs / 1000))
		};
	}

	const [person] = await db.select().from(staff).where(eq(staff.username, username));
	const valid =
		person && person.active && person.passwordHash
			? await verifyPassword(person.passwordHash, input.password)
			: await verifyPassword(await decoyPasswordHash(), input.password).then(() => false);

	const at = now();
	const device = input.userAgent.slice(0, 300);
	if (!valid || !person) {
		if (person) {
			// One statement for the attempt and the audit entry, as for an unknown username
			// (the attempt alone): the two answers take the same number of round trips.
			await db.execute(sql`
				with attempt as (
					insert into login_attempt (username, address, success, at)
					values (${username}, ${address}, false, ${at.toISOString()}::timestamptz)
				)
				insert into audit_log (organisation_id, staff_id, action, unit_id, device)
				values (${person.organisationId}::uuid, ${person.id}::uuid, 'login-failed',
					${person.unitId}::uuid, ${device})`);
		} else {
			await db.insert(loginAttempt).values({ username, address, success: false, at });
		}
		return { ok: false, reason: 'invalid' };
	}

	await db.insert(loginAttempt).values({ username, address, success: true, at });
	const created = await sessions.create(person.id, {
		sharedDevice: person.role === 'teamDevice',
		userAgent: input.userAgent
	});
	await db.insert(auditLog).values({
		organisationId: person.organisationId,
		staffId: person.id,
		action: 'login',
		unitId: person.unitId,
		device
	});
	return {
		ok: true,
		token: created.token,
		session: created.session,
		user: { id: person.id, locale: person.locale === 'en' ? 'en' : 'sv' }
	};
}

/**
 * Changes a password and ends the person's sessions, so a stolen session does not survive the
 * change: every one of them when someone else sets it, every other one (`keep`) when the
 * person changes their own.
 */
export async function changePassword(
	db: Db,
	sessions: SessionStore,
	staffId: string,
	newPassword: string,
	opts: { keep?: string } = {}
): Promise<void> {
	const passwordHash = await hashPassword(newPassword);
	await db
		.update(staff)
		.set({ passwordHash, passwordChangedAt: new Date() })
		.where(eq(staff.id, staffId));
	await sessions.invalidateAllFor(staffId, { except: opts.keep });
}

export interface OwnPasswordInput {
	currentPassword: string;
	newPassword: string;
	newPasswordAgain: string;
	/** The session the change is made in; it stays, every other session of the person ends. */
	sessionId: string;
	address: string;
	userAgent: string;
}

export type OwnPasswordResult =
	| { ok: true }
	| {
			ok: false;
			errors: {
				currentPassword?: 'missing' | 'wrong' | 'rate-limited';
				newPassword?: 'length' | 'mismatch' | 'same';
			};
			retryAfterSeconds?: number;
	  };

/**
 * A person changes their own password. The current password is asked for, and a wrong one
 * counts as a failed sign-in of the account under the same limits as the login page.
 */
export async function changeOwnPassword(
	db: Db,
	sessions: SessionStore,
	user: Pick<SessionUser, 'id' | 'username' | 'organisationId' | 'unitId'>,
	input: OwnPasswordInput,
	opts: { now?: () => Date; limits?: LoginLimits } = {}
): Promise<OwnPasswordResult> {
	const now = opts.now ?? (() => new Date());
	const errors: Extract<OwnPasswordResult, { ok: false }>['errors'] = {};
	const { newPassword } = input;
	if (newPassword.length < MIN_PASSWORD_LENGTH || newPassword.length > MAX_PASSWORD_LENGTH) {
		errors.newPassword = 'length';
	} else if (newPassword !== input.newPasswordAgain) {
		errors.newPassword = 'mismatch';
	} else if (newPassword === input.currentPassword) {
		errors.newPassword = 'same';
	}
	if (!input.currentPassword) errors.currentPassword = 'missing';
	if (errors.currentPassword || errors.newPassword) return { ok: false, errors };

	const device = input.userAgent.slice(0, 300);
	const check = await checkCurrentPassword(db, user, input.currentPassword, {
		address: addressKey(input.address),
		at: now(),
		limits: opts.limits
	});
	if (!check.ok) {
		if (check.error === 'wrong') {
			await db.insert(auditLog).values({
				organisationId: user.organisationId,
				staffId: user.id,
				action: 'login-failed',
				unitId: user.unitId,
				device,
				detail: { what: 'password-change' }
			});
		}
		return {
			ok: false,
			errors: { currentPassword: check.error },
			...(check.error === 'rate-limited' ? { retryAfterSeconds: check.retryAfterSeconds } : {})
		};
	}
	await changePassword(db, sessions, user.id, newPassword, { keep: input.sessionId });
	await db.insert(auditLog).values({
		organisationId: user.organisationId,
		staffId: user.id,
		action: 'change',
		unitId: user.unitId,
		device,
		detail: { what: 'password' }
	});
	return { ok: true };
}

export type CurrentPasswordCheck =
	| { ok: true }
	| { ok: false; error: 'wrong' }
	| { ok: false; error: 'rate-limited'; retryAfterSeconds: number };

/**
 * The signed-in person's current password, asked for again before changing their password or
 * PIN. A wrong one is a failed sign-in of the account from `address`, under the login page's
 * limits; an attempt the limits refuse is not checked at all.
 */
export async function checkCurrentPassword(
	db: Db,
	user: Pick<SessionUser, 'id' | 'username'>,
	password: string,
	at: { address: string; at: Date; limits?: LoginLimits }
): Promise<CurrentPasswordCheck> {
	const username = normaliseUsername(user.username);
	const verdict = await checkLoginLimits(db, username, at.address, at.at, at.limits);
	if (!verdict.allowed) {
		return {
			ok: false,
			error: 'rate-limited',
			retryAfterSeconds: Math.max(1, Math.ceil(verdict.retryAfterMs / 1000))
		};
	}
	const [person] = await db
		.select({ passwordHash: staff.passwordHash })
		.from(staff)
		.where(eq(staff.id, user.id));
	const valid = person?.passwordHash ? await verifyPassword(person.passwordHash, password) : false;
	if (valid) return { ok: true };
	await db
		.insert(loginAttempt)
		.values({ username, address: at.address, success: false, at: at.at });
	return { ok: false, error: 'wrong' };
}
