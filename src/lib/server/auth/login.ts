/**
 * Signing in: one place that checks the password, limits guessing and records the attempt.
 * Limits count failures in a sliding window per account and per address, so one noisy
 * office network cannot lock a colleague out for long and nobody can guess without bound.
 */
import { and, count, eq, gt } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditLog, loginAttempt, staff } from '../db/schema';
import { decoyPasswordHash, hashPassword, verifyPassword } from './password';
import type { SessionInfo, SessionStore, SessionUser } from './session';

export interface LoginLimits {
	windowMs: number;
	/** Failures per account within the window (≤ 100 an hour by policy). */
	perAccount: number;
	/** Failures per client address within the window. */
	perAddress: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
	windowMs: 15 * 60 * 1000,
	perAccount: 20,
	perAddress: 100
};

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

export async function attemptLogin(
	db: Db,
	sessions: SessionStore,
	input: LoginInput,
	opts: { limits?: LoginLimits; now?: () => Date } = {}
): Promise<LoginResult> {
	const limits = opts.limits ?? DEFAULT_LOGIN_LIMITS;
	const now = opts.now ?? (() => new Date());
	const username = input.username.trim().toLowerCase().slice(0, 100);
	const since = new Date(now().getTime() - limits.windowMs);

	const [byAccount] = await db
		.select({ n: count() })
		.from(loginAttempt)
		.where(
			and(
				eq(loginAttempt.username, username),
				eq(loginAttempt.success, false),
				gt(loginAttempt.at, since)
			)
		);
	const [byAddress] = await db
		.select({ n: count() })
		.from(loginAttempt)
		.where(
			and(
				eq(loginAttempt.address, input.address),
				eq(loginAttempt.success, false),
				gt(loginAttempt.at, since)
			)
		);
	if (byAccount.n >= limits.perAccount || byAddress.n >= limits.perAddress) {
		return {
			ok: false,
			reason: 'rate-limited',
			retryAfterSeconds: Math.ceil(limits.windowMs / 1000)
		};
	}

	const [person] = await db.select().from(staff).where(eq(staff.username, username));
	const valid =
		person && person.active && person.passwordHash
			? await verifyPassword(person.passwordHash, input.password)
			: await verifyPassword(await decoyPasswordHash(), input.password).then(() => false);

	await db.insert(loginAttempt).values({
		username,
		address: input.address,
		success: valid,
		at: now()
	});
	if (!valid || !person) {
		if (person) {
			await db.insert(auditLog).values({
				organisationId: person.organisationId,
				staffId: person.id,
				action: 'login-failed',
				unitId: person.unitId,
				device: input.userAgent.slice(0, 300)
			});
		}
		return { ok: false, reason: 'invalid' };
	}

	const created = await sessions.create(person.id, {
		sharedDevice: person.role === 'teamDevice',
		userAgent: input.userAgent
	});
	await db.insert(auditLog).values({
		organisationId: person.organisationId,
		staffId: person.id,
		action: 'login',
		unitId: person.unitId,
		device: input.userAgent.slice(0, 300)
	});
	return {
		ok: true,
		token: created.token,
		session: created.session,
		user: { id: person.id, locale: person.locale === 'en' ? 'en' : 'sv' }
	};
}

/**
 * Changes a password and ends every session of that person, so a stolen session does not
 * survive the change.
 */
export async function changePassword(
	db: Db,
	sessions: SessionStore,
	staffId: string,
	newPassword: string
): Promise<void> {
	const passwordHash = await hashPassword(newPassword);
	await db
		.update(staff)
		.set({ passwordHash, passwordChangedAt: new Date() })
		.where(eq(staff.id, staffId));
	await sessions.invalidateAllFor(staffId);
}
