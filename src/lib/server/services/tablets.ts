/**
 * The teams' shared tablets (DESIGN.md §7): each is an account of role `teamDevice` bound to
 * one team, that can show only that team's board, and only after a person of the team has
 * unlocked it with their PIN. A manager registers tablets for the teams of their unit, an
 * admin for any team of the organisation; a tablet taken out of use keeps its history.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { audit } from '../audit';
import { hashPassword } from '../auth/password';
import type { SessionStore, SessionUser } from '../auth/session';
import type { Db } from '../db/client';
import { staff, teamMembership } from '../db/schema';
import { canManagePeople, generateInitialPassword, homeTeamOptions } from './people';

export interface TabletRow {
	id: string;
	username: string;
	teamId: string;
	teamName: string;
	active: boolean;
}

export type TabletError = 'team-not-allowed' | 'username-invalid' | 'username-taken';

const USERNAME = /^[a-z0-9][a-z0-9._-]{2,39}$/;

/** The tablets of the teams `user` manages, by team. */
export async function listTablets(db: Db, user: SessionUser): Promise<TabletRow[]> {
	const teams = await homeTeamOptions(db, user);
	if (teams.length === 0) return [];
	const names = new Map(teams.map((t) => [t.id, t.name]));
	const rows = await db
		.selectDistinct({
			id: staff.id,
			username: staff.username,
			active: staff.active,
			teamId: teamMembership.teamId
		})
		.from(staff)
		.innerJoin(teamMembership, eq(teamMembership.staffId, staff.id))
		.where(
			and(
				eq(staff.role, 'teamDevice'),
				eq(staff.organisationId, user.organisationId),
				inArray(teamMembership.teamId, [...names.keys()])
			)
		)
		.orderBy(asc(staff.username));
	return rows
		.map((r) => ({ ...r, teamName: names.get(r.teamId) ?? '' }))
		.sort((a, b) => a.teamName.localeCompare(b.teamName, 'sv'));
}

export type RegisterResult =
	| { ok: true; id: string; username: string; password: string }
	| { ok: false; status: 403 }
	| { ok: false; status: 400; errors: Record<string, TabletError> };

/**
 * Registers a tablet for a team: a `teamDevice` account whose one-time password is returned
 * once (to sign the tablet in) and stored only as its Argon2id hash.
 */
export async function registerTablet(
	db: Db,
	user: SessionUser,
	input: { teamId: string; username: string },
	device: string
): Promise<RegisterResult> {
	if (!canManagePeople(user)) return { ok: false, status: 403 };
	const team = (await homeTeamOptions(db, user)).find((t) => t.id === input.teamId);
	const username = input.username.trim().toLowerCase();
	const errors: Record<string, TabletError> = {};
	if (!team) errors.teamId = 'team-not-allowed';
	if (!USERNAME.test(username)) errors.username = 'username-invalid';
	else {
		const [taken] = await db
			.select({ id: staff.id })
			.from(staff)
			.where(eq(staff.username, username));
		if (taken) errors.username = 'username-taken';
	}
	if (!team || Object.keys(errors).length > 0) return { ok: false, status: 400, errors };
	const password = generateInitialPassword();
	const passwordHash = await hashPassword(password);
	const id = await db.transaction(async (tx) => {
		const [tablet] = await tx
			.insert(staff)
			.values({
				organisationId: user.organisationId,
				username,
				name: team.name,
				role: 'teamDevice',
				passwordHash,
				passwordChangedAt: new Date(),
				unitId: team.unitId
			})
			.returning({ id: staff.id });
		await tx
			.insert(teamMembership)
			.values({ organisationId: user.organisationId, staffId: tablet.id, teamId: team.id });
		return tablet.id;
	});
	await audit(db, user, {
		action: 'change',
		clientIds: [],
		device,
		detail: { what: 'tablet', change: 'registered', staffId: id, teamId: team.id }
	});
	return { ok: true, id, username, password };
}

/** Takes a tablet out of use (or back): its sessions end at once; its history stays. */
export async function setTabletActive(
	db: Db,
	sessions: SessionStore,
	user: SessionUser,
	tabletId: string,
	active: boolean,
	device: string
): Promise<{ ok: true } | { ok: false; status: 403 | 404 }> {
	if (!canManagePeople(user)) return { ok: false, status: 403 };
	const tablet = (await listTablets(db, user)).find((t) => t.id === tabletId);
	if (!tablet) return { ok: false, status: 404 };
	await db.update(staff).set({ active }).where(eq(staff.id, tabletId));
	if (!active) await sessions.invalidateAllFor(tabletId);
	await audit(db, user, {
		action: 'change',
		clientIds: [],
		device,
		detail: { what: 'tablet', change: active ? 'activated' : 'retired', staffId: tabletId }
	});
	return { ok: true };
}
