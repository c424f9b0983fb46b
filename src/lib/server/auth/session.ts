/**
 * Sessions after the Lucia session guide: the browser holds a random 160-bit token, the
 * database only its SHA-256, so a leaked database row cannot be used to sign in. Expiry
 * slides with use up to an absolute lifetime; shared devices get a short idle timeout.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { and, eq, lt } from 'drizzle-orm';
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
}

export interface SessionPolicy {
	/** Idle timeout of a personal session. */
	idleMs: number;
	/** Idle timeout on a shared device (DESIGN.md §7: 30 min). */
	sharedIdleMs: number;
	/** No session lives longer than this, however active. */
	absoluteMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = {
	idleMs: 12 * 60 * 60 * 1000,
	sharedIdleMs: 30 * 60 * 1000,
	absoluteMs: 14 * 24 * 60 * 60 * 1000
};

/** Writes are skipped while the expiry moved less than this, so reads stay cheap. */
const SLIDE_STEP_MS = 60 * 1000;

export interface SessionStore {
	create(
		staffId: string,
		opts?: { sharedDevice?: boolean; userAgent?: string }
	): Promise<{ token: string; session: SessionInfo }>;
	validate(token: string): Promise<{ user: SessionUser; session: SessionInfo } | null>;
	invalidate(sessionId: string): Promise<void>;
	invalidateAllFor(staffId: string): Promise<void>;
	/** Called with the session id whenever a session ends (logout, expiry, password change). */
	onInvalidate(listener: (sessionId: string) => void): () => void;
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
				.select({ session: sessionTable, user: staff })
				.from(sessionTable)
				.innerJoin(staff, eq(staff.id, sessionTable.staffId))
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
					sharedDevice: row.session.sharedDevice
				}
			};
		},

		async invalidate(sessionId) {
			await db.delete(sessionTable).where(eq(sessionTable.id, sessionId));
			notify([sessionId]);
		},

		async invalidateAllFor(staffId) {
			const gone = await db
				.delete(sessionTable)
				.where(eq(sessionTable.staffId, staffId))
				.returning({ id: sessionTable.id });
			notify(gone.map((g) => g.id));
		},

		onInvalidate(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		}
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
