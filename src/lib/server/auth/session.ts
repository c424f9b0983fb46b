/**
 * Sessions after the Lucia session guide: the browser holds a random 160-bit token, the
 * database only its SHA-256, so a leaked database row cannot be used to sign in. Expiry
 * slides with use up to an absolute lifetime; shared devices get a short idle timeout.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { and, eq, lt, ne } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Role } from '$lib/domain/types';
import type { Db } from '../db/client';
import { session as sessionTable, staff } from '../db/schema';

export const SESSION_COOKIE = 'session';

export interface SessionUser {
	id: string;
	organisationId: string;
	username: string;
	name: string;
	role: Role;
	locale: 'sv' | 'en';
	unitId: string | null;
}

export interface SessionInfo {
	id: string;
	staffId: string;
	expiresAt: Date;
	sharedDevice: boolean;
	/**
	 * On a team tablet: the person who unlocked it with their PIN, until they lock it or it is
	 * idle for `tabletIdleMs` (then null).
	 */
	acting?: ActingPerson | null;
}

/** The person acting on a team tablet. */
export interface ActingPerson {
	staffId: string;
	name: string;
	seenAt: Date;
	/** When the tablet locks unless the person is seen again. */
	expiresAt: Date;
}

export interface SessionPolicy {
	/** Idle timeout of a personal session. */
	idleMs: number;
	/** Idle timeout on a shared device (DESIGN.md §7: 30 min). */
	sharedIdleMs: number;
	/** No session lives longer than this, however active. */
	absoluteMs: number;
	/** A team tablet's acting person is gone after this long unseen (TABLET_IDLE_MINUTES). */
	tabletIdleMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = {
	idleMs: 12 * 60 * 60 * 1000,
	sharedIdleMs: 30 * 60 * 1000,
	absoluteMs: 14 * 24 * 60 * 60 * 1000,
	tabletIdleMs: 5 * 60 * 1000
};

/** Activity refreshes a tablet's acting person at most this often. */
const ACTING_TOUCH_STEP_MS = 60 * 1000;

/** Writes are skipped while the expiry moved less than this, so reads stay cheap. */
const SLIDE_STEP_MS = 60 * 1000;

export interface SessionStore {
	create(
		staffId: string,
		opts?: { sharedDevice?: boolean; userAgent?: string }
	): Promise<{ token: string; session: SessionInfo }>;
	validate(token: string): Promise<{ user: SessionUser; session: SessionInfo } | null>;
	invalidate(sessionId: string): Promise<void>;
	/** Ends every session of the person, except `except` (the one changing the password). */
	invalidateAllFor(staffId: string, opts?: { except?: string }): Promise<void>;
	/** Called with the session id whenever a session ends (logout, expiry, password change). */
	onInvalidate(listener: (sessionId: string) => void): () => void;
	/** Names the person acting on a team tablet (seen now), or locks it with `null`. */
	setActing(sessionId: string, staffId: string | null): Promise<void>;
	/**
	 * The acting person was active: refreshes their last-seen time (at most once a minute).
	 * Returns the acting person, or null when the tablet is locked (or idled out).
	 */
	touchActing(sessionId: string): Promise<ActingPerson | null>;
	/** Called with the session id whenever a tablet is unlocked, locked or idles out. */
	onActingChanged(listener: (sessionId: string) => void): () => void;
	readonly policy: SessionPolicy;
}

export function generateSessionToken(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

export function sessionIdOf(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export function createSessionStore(
	db: Db,
	opts: { now?: () => Date; policy?: SessionPolicy } = {}
): SessionStore {
	const now = opts.now ?? (() => new Date());
	const policy = opts.policy ?? DEFAULT_SESSION_POLICY;
	const listeners = new Set<(sessionId: string) => void>();
	const notify = (ids: string[]) => {
		for (const id of ids) for (const listener of listeners) listener(id);
	};
	const idleOf = (shared: boolean) => (shared ? policy.sharedIdleMs : policy.idleMs);
	const actingListeners = new Set<(sessionId: string) => void>();
	const actingChanged = (id: string) => {
		for (const listener of actingListeners) listener(id);
	};
	const actingStaff = alias(staff, 'acting_staff');

	/** The session's acting person, cleared (and announced) when they idled out. */
	async function actingOf(
		id: string,
		row: {
			staffId: string | null;
			seenAt: Date | null;
			name: string | null;
			active: boolean | null;
		}
	): Promise<ActingPerson | null> {
		if (!row.staffId) return null;
		const seen = row.seenAt?.getTime() ?? -Infinity;
		if (row.name === null || !row.active || now().getTime() - seen >= policy.tabletIdleMs) {
			await db
				.update(sessionTable)
				.set({ actingStaffId: null, actingSeenAt: null })
				.where(and(eq(sessionTable.id, id), eq(sessionTable.actingStaffId, row.staffId)));
			actingChanged(id);
			return null;
		}
		return {
			staffId: row.staffId,
			name: row.name,
			seenAt: new Date(seen),
			expiresAt: new Date(seen + policy.tabletIdleMs)
		};
	}

	return {
		async create(staffId, createOpts = {}) {
			const token = generateSessionToken();
			const id = sessionIdOf(token);
			const t = now().getTime();
			const sharedDevice = createOpts.sharedDevice ?? false;
			const absoluteExpiresAt = new Date(t + policy.absoluteMs);
			const expiresAt = new Date(Math.min(t + idleOf(sharedDevice), absoluteExpiresAt.getTime()));
			await db.insert(sessionTable).values({
				id,
				staffId,
				expiresAt,
				absoluteExpiresAt,
				sharedDevice,
				userAgent: (createOpts.userAgent ?? '').slice(0, 300)
			});
			return { token, session: { id, staffId, expiresAt, sharedDevice } };
		},

		async validate(token) {
			if (!/^[a-z2-7]{32}$/.test(token)) return null;
			const id = sessionIdOf(token);
			const rows = await db
				.select({
					session: sessionTable,
					user: staff,
					actingName: actingStaff.name,
					actingActive: actingStaff.active
				})
				.from(sessionTable)
				.innerJoin(staff, eq(staff.id, sessionTable.staffId))
				.leftJoin(actingStaff, eq(actingStaff.id, sessionTable.actingStaffId))
				.where(eq(sessionTable.id, id));
			const row = rows[0];
			if (!row) return null;
			const t = now().getTime();
			if (!row.user.active || row.session.expiresAt.getTime() <= t) {
				await db.delete(sessionTable).where(eq(sessionTable.id, id));
				notify([id]);
				return null;
			}
			let expiresAt = row.session.expiresAt;
			const slid = Math.min(
				t + idleOf(row.session.sharedDevice),
				row.session.absoluteExpiresAt.getTime()
			);
			if (slid - expiresAt.getTime() >= SLIDE_STEP_MS) {
				expiresAt = new Date(slid);
				await db.update(sessionTable).set({ expiresAt }).where(eq(sessionTable.id, id));
			}
			const acting = await actingOf(id, {
				staffId: row.session.actingStaffId,
				seenAt: row.session.actingSeenAt,
				name: row.actingName,
				active: row.actingActive
			});
			return {
				user: {
					id: row.user.id,
					organisationId: row.user.organisationId,
					username: row.user.username,
					name: row.user.name,
					role: row.user.role as Role,
					locale: row.user.locale === 'en' ? 'en' : 'sv',
					unitId: row.user.unitId
				},
				session: {
					id,
					staffId: row.user.id,
					expiresAt,
					sharedDevice: row.session.sharedDevice,
					acting
				}
			};
		},

		async invalidate(sessionId) {
			await db.delete(sessionTable).where(eq(sessionTable.id, sessionId));
			notify([sessionId]);
		},

		async invalidateAllFor(staffId, invalidateOpts = {}) {
			const gone = await db
				.delete(sessionTable)
				.where(
					invalidateOpts.except
						? and(eq(sessionTable.staffId, staffId), ne(sessionTable.id, invalidateOpts.except))
						: eq(sessionTable.staffId, staffId)
				)
				.returning({ id: sessionTable.id });
			notify(gone.map((g) => g.id));
		},

		onInvalidate(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},

		async setActing(sessionId, staffId) {
			await db
				.update(sessionTable)
				.set({ actingStaffId: staffId, actingSeenAt: staffId ? now() : null })
				.where(eq(sessionTable.id, sessionId));
			actingChanged(sessionId);
		},

		async touchActing(sessionId) {
			const [row] = await db
				.select({
					staffId: sessionTable.actingStaffId,
					seenAt: sessionTable.actingSeenAt,
					name: actingStaff.name,
					active: actingStaff.active
				})
				.from(sessionTable)
				.leftJoin(actingStaff, eq(actingStaff.id, sessionTable.actingStaffId))
				.where(eq(sessionTable.id, sessionId));
			if (!row) return null;
			const acting = await actingOf(sessionId, row);
			if (!acting) return null;
			const t = now();
			if (t.getTime() - acting.seenAt.getTime() < ACTING_TOUCH_STEP_MS) return acting;
			await db
				.update(sessionTable)
				.set({ actingSeenAt: t })
				.where(and(eq(sessionTable.id, sessionId), eq(sessionTable.actingStaffId, acting.staffId)));
			return { ...acting, seenAt: t, expiresAt: new Date(t.getTime() + policy.tabletIdleMs) };
		},

		onActingChanged(listener) {
			actingListeners.add(listener);
			return () => actingListeners.delete(listener);
		},

		policy
	};
}

/** Removes sessions that expired; run now and then so the table stays small. */
export async function deleteExpiredSessions(db: Db, at = new Date()): Promise<number> {
	const gone = await db
		.delete(sessionTable)
		.where(and(lt(sessionTable.expiresAt, at)))
		.returning({ id: sessionTable.id });
	return gone.length;
}
