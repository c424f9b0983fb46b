/**
 * Who sees the manager's pages, and over what (DESIGN.md §7): a manager (enhetschef) sees
 * their own unit only; an administrator any unit of their organisation. Everything a manager
 * page reads is narrowed to one unit through this module, so a client or team of another unit
 * is answered as if it did not exist for the manager (403), and of another organisation as
 * not found (404).
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Role } from '$lib/domain/types';
import type { Db } from '../db/client';
import { client, team, unit } from '../db/schema';
import type { SessionUser } from '../auth/session';

export const MANAGER_ROLES: readonly Role[] = ['manager', 'admin'];

export interface UnitRef {
	id: string;
	name: string;
}

export type Scoped<T> = { ok: true; value: T } | { ok: false; status: 403 | 404 };

/** The units the user may follow up: a manager's own, every unit of an admin's organisation. */
export async function unitsOf(db: Db, user: SessionUser): Promise<UnitRef[]> {
	if (user.role === 'admin') {
		return db
			.select({ id: unit.id, name: unit.name })
			.from(unit)
			.where(eq(unit.organisationId, user.organisationId))
			.orderBy(asc(unit.name), asc(unit.id));
	}
	if (user.role !== 'manager' || !user.unitId) return [];
	return db
		.select({ id: unit.id, name: unit.name })
		.from(unit)
		.where(and(eq(unit.id, user.unitId), eq(unit.organisationId, user.organisationId)));
}

/**
 * The unit a manager page shows: `requested` (from `?unit=`) when the user may see it,
 * otherwise their first unit. A unit the user may not see is 403; none at all is 403 too.
 */
export async function unitFor(
	db: Db,
	user: SessionUser,
	requested?: string | null
): Promise<Scoped<UnitRef>> {
	const units = await unitsOf(db, user);
	if (units.length === 0) return { ok: false, status: 403 };
	if (!requested) return { ok: true, value: units[0] };
	const chosen = units.find((u) => u.id === requested);
	return chosen ? { ok: true, value: chosen } : { ok: false, status: 403 };
}

export interface ScopedClient {
	id: string;
	name: string;
	teamId: string;
	teamName: string;
	unitId: string;
}

/**
 * A client the user may follow up: one of a manager's unit, or of an admin's organisation.
 * Another organisation's client (or no such client) is 404, another unit's 403.
 */
export async function clientInScope(
	db: Db,
	user: SessionUser,
	clientId: string
): Promise<Scoped<ScopedClient>> {
	if (!MANAGER_ROLES.includes(user.role)) return { ok: false, status: 403 };
	const [row] = await db
		.select({
			id: client.id,
			name: client.name,
			teamId: team.id,
			teamName: team.name,
			unitId: team.unitId,
			organisationId: client.organisationId
		})
		.from(client)
		.innerJoin(team, eq(team.id, client.teamId))
		.where(eq(client.id, clientId));
	if (!row || row.organisationId !== user.organisationId) return { ok: false, status: 404 };
	if (user.role === 'manager' && row.unitId !== user.unitId) return { ok: false, status: 403 };
	return {
		ok: true,
		value: {
			id: row.id,
			name: row.name,
			teamId: row.teamId,
			teamName: row.teamName,
			unitId: row.unitId
		}
	};
}

/** The teams of a unit, by name. */
export async function teamsOfUnit(db: Db, unitId: string): Promise<UnitRef[]> {
	return db
		.select({ id: team.id, name: team.name })
		.from(team)
		.where(eq(team.unitId, unitId))
		.orderBy(asc(team.name), asc(team.id));
}
