/**
 * The personal PIN and the shared team tablet (DESIGN.md §7): a person sets a PIN on their own
 * account (current password required), and unlocks their team's tablet with it; the tablet's
 * session then names them as the person acting on it until they lock it or it idles out.
 *
 * Guessing is limited per person and tablet (TP2) through `login_attempt` rows with username
 * `pin:<staffId>` and address `tablet:<device staff id>`. The database, not memory, so the
 * limit holds across restarts and across several app processes; the tablet's account, not its
 * session, so signing the tablet out and in again does not give a guesser fresh tries.
 */
import { and, desc, eq, gt, inArray, isNotNull, isNull } from 'drizzle-orm';
import {
	DEFAULT_PIN_LIMITS,
	isPinFormat,
	pinLockState,
	pinProblem,
	type PinLimits,
	type PinProblem
} from '$lib/domain/tablet-pin';
import type { IsoDate } from '$lib/domain/types';
import type { Db } from '../db/client';
import { absence, auditLog, loginAttempt, staff } from '../db/schema';
import { teamStaff } from '../services/teams';
import { teamsOf } from './access';
import { checkCurrentPassword } from './login';
import { decoyPasswordHash, hashPassword, verifyPassword } from './password';
import type { SessionStore, SessionUser } from './session';

/** Roles that have a personal PIN: the people who work in the teams. */
export const PIN_ROLES = ['worker', 'manager'] as const;

export function mayHavePin(user: Pick<SessionUser, 'role'>): boolean {
	return (PIN_ROLES as readonly string[]).includes(user.role);
}

export interface SetPinInput {
	currentPassword: string;
	pin: string;
	pinAgain: string;
	userAgent: string;
}

export type SetPinResult =
	| { ok: true }
	| {
			ok: false;
			errors: { currentPassword?: 'missing' | 'wrong' | 'rate-limited'; pin?: PinProblem };
			retryAfterSeconds?: number;
	  };

/** Wrong passwords when setting a PIN are recorded under this address of the person. */
const pinSetupAddress = (staffId: string) => `pin-setup:${staffId}`;

/**
 * Sets or changes the person's own PIN. The current password is asked for every time, so a
 * session left open on someone else's phone cannot be used to take over their PIN; wrong
 * passwords count as failed logins of that account.
 */
export async function setPin(
	db: Db,
	user: SessionUser,
	input: SetPinInput,
	opts: { now?: () => Date } = {}
): Promise<SetPinResult> {
	const now = opts.now ?? (() => new Date());
	const errors: Extract<SetPinResult, { ok: false }>['errors'] = {};
	const problem = pinProblem(input.pin, input.pinAgain);
	if (problem) errors.pin = problem;
	if (!input.currentPassword) errors.currentPassword = 'missing';
	if (errors.pin || errors.currentPassword) return { ok: false, errors };

	// Wrong passwords here are failed sign-ins of the account, under the login page's limits.
	const check = await checkCurrentPassword(db, user, input.currentPassword, {
		address: pinSetupAddress(user.id),
		at: now()
	});
	if (!check.ok) {
		return {
			ok: false,
			errors: { currentPassword: check.error },
			...(check.error === 'rate-limited' ? { retryAfterSeconds: check.retryAfterSeconds } : {})
		};
	}
	await db
		.update(staff)
		.set({ pinHash: await hashPassword(input.pin) })
		.where(eq(staff.id, user.id));
	await db.insert(auditLog).values({
		organisationId: user.organisationId,
		staffId: user.id,
		action: 'change',
		unitId: user.unitId,
		device: input.userAgent.slice(0, 300),
		detail: { what: 'pin' }
	});
	return { ok: true };
}

export interface TabletPerson {
	id: string;
	name: string;
	/** False until the person has set a PIN; they cannot unlock the tablet before. */
	hasPin: boolean;
}

export interface TabletTeam {
	id: string;
	name: string;
}

/** The team a tablet account is bound to (its home team), or null. */
export async function tabletTeam(
	db: Db,
	device: SessionUser,
	today: IsoDate
): Promise<TabletTeam | null> {
	if (device.role !== 'teamDevice') return null;
	const [team] = await teamsOf(db, device, today);
	return team ?? null;
}

/**
 * Who may unlock the team's tablet on `date`: the team's staff that day (home team or lent in
 * for the day), except those away the whole day.
 */
export async function tabletStaff(db: Db, teamId: string, date: IsoDate): Promise<TabletPerson[]> {
	const members = await teamStaff(db, teamId, date);
	if (members.length === 0) return [];
	const away = await db
		.select({ staffId: absence.staffId })
		.from(absence)
		.where(
			and(
				eq(absence.date, date),
				isNull(absence.dayParts),
				inArray(
					absence.staffId,
					members.map((m) => m.id)
				)
			)
		);
	const awayIds = new Set(away.map((a) => a.staffId));
	const pins = await db
		.select({ id: staff.id })
		.from(staff)
		.where(
			and(
				inArray(
					staff.id,
					members.map((m) => m.id)
				),
				isNotNull(staff.pinHash)
			)
		);
	const hasPin = new Set(pins.map((p) => p.id));
	return members
		.filter((m) => !awayIds.has(m.id))
		.map((m) => ({ id: m.id, name: m.name, hasPin: hasPin.has(m.id) }));
}

export interface UnlockInput {
	device: SessionUser;
	sessionId: string;
	staffId: string;
	pin: string;
	today: IsoDate;
	userAgent: string;
}

export type UnlockResult =
	| { ok: true; staffId: string; name: string }
	| { ok: false; reason: 'not-a-tablet' | 'not-on-team' | 'no-pin' }
	| { ok: false; reason: 'wrong-pin'; triesLeft: number }
	| { ok: false; reason: 'locked-out'; retryAfterSeconds: number };

const pinAttemptKey = (staffId: string) => `pin:${staffId}`;
const tabletAddress = (deviceId: string) => `tablet:${deviceId}`;

/**
 * Unlocks a team tablet for a person of its team with their PIN (TP2 limits the guessing).
 * A PIN of the wrong shape is a wrong PIN like any other, so the shape reveals nothing.
 */
export async function unlockTablet(
	db: Db,
	sessions: SessionStore,
	input: UnlockInput,
	opts: { now?: () => Date; limits?: PinLimits } = {}
): Promise<UnlockResult> {
	const now = opts.now ?? (() => new Date());
	const limits = opts.limits ?? DEFAULT_PIN_LIMITS;
	const team = await tabletTeam(db, input.device, input.today);
	if (!team) return { ok: false, reason: 'not-a-tablet' };
	const people = await tabletStaff(db, team.id, input.today);
	const person = people.find((p) => p.id === input.staffId);
	if (!person) return { ok: false, reason: 'not-on-team' };

	const key = pinAttemptKey(person.id);
	const address = tabletAddress(input.device.id);
	const attempts = await db
		.select({ at: loginAttempt.at, success: loginAttempt.success })
		.from(loginAttempt)
		.where(
			and(
				eq(loginAttempt.username, key),
				eq(loginAttempt.address, address),
				gt(loginAttempt.at, new Date(now().getTime() - 2 * limits.windowMs))
			)
		)
		.orderBy(desc(loginAttempt.at))
		.limit(4 * limits.maxFailures);
	const t = now().getTime();
	const state = pinLockState(
		attempts.map((a) => ({ at: a.at.getTime(), success: a.success })),
		t,
		limits
	);
	if (state.lockedUntil !== null) {
		return {
			ok: false,
			reason: 'locked-out',
			retryAfterSeconds: Math.ceil((state.lockedUntil - t) / 1000)
		};
	}

	const [row] = await db
		.select({ pinHash: staff.pinHash, unitId: staff.unitId })
		.from(staff)
		.where(eq(staff.id, person.id));
	if (!row?.pinHash) return { ok: false, reason: 'no-pin' };
	const valid = isPinFormat(input.pin)
		? await verifyPassword(row.pinHash, input.pin)
		: await verifyPassword(await decoyPasswordHash(), input.pin).then(() => false);

	await db.insert(loginAttempt).values({ username: key, address, success: valid, at: now() });
	const device = input.userAgent.slice(0, 300);
	await db.insert(auditLog).values({
		organisationId: input.device.organisationId,
		staffId: person.id,
		action: valid ? 'login' : 'login-failed',
		unitId: row.unitId,
		device,
		detail: { what: 'tablet', tabletId: input.device.id, teamId: team.id }
	});
	if (!valid) return { ok: false, reason: 'wrong-pin', triesLeft: state.triesLeft - 1 };
	await sessions.setActing(input.sessionId, person.id);
	return { ok: true, staffId: person.id, name: person.name };
}

/** Locks the tablet at once: nobody acts on it until someone unlocks it again. */
export async function lockTablet(
	db: Db,
	sessions: SessionStore,
	device: SessionUser,
	session: { id: string; acting?: { staffId: string } | null },
	userAgent: string
): Promise<void> {
	await sessions.setActing(session.id, null);
	if (session.acting) {
		await db.insert(auditLog).values({
			organisationId: device.organisationId,
			staffId: session.acting.staffId,
			action: 'logout',
			unitId: device.unitId,
			device: userAgent.slice(0, 300),
			detail: { what: 'tablet', tabletId: device.id }
		});
	}
}
