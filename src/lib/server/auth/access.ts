/**
 * Who may see which team (DESIGN.md §7): a worker their home team and the teams they are
 * lent to that day, a team device its own team, a manager every team of their unit, case
 * officers and admins the teams of their organisation.
 *
 * A case officer maintains clients and decisions and reads the teams' clients and frames
 * (purpose `data`), but does not open the teams' boards, board notes or signals (purpose
 * `board`): the board pages, the Yjs rooms, socket.io `join` and board commands.
 */
import { and, eq, gte, isNull, lte, or } from 'drizzle-orm';
import type { IsoDate } from '$lib/domain/types';
import type { Db } from '../db/client';
import { team, teamMembership } from '../db/schema';
import type { SessionUser } from './session';

export interface TeamRef {
	id: string;
	name: string;
}

/** What a team is opened for: its data (clients, staff, frames) or its board. */
export type TeamPurpose = 'data' | 'board';

/**
 * Teams the user may open on any day in [start, end] (a single day when `end` is omitted),
 * for `purpose` (`data` unless said otherwise).
 */
export async function teamsOf(
	db: Db,
	user: SessionUser,
	start: IsoDate,
	end: IsoDate = start,
	purpose: TeamPurpose = 'data'
): Promise<TeamRef[]> {
	if (purpose === 'board' && user.role === 'caseOfficer') return [];
	const columns = { id: team.id, name: team.name };
	let rows: TeamRef[];
	if (user.role === 'manager') {
		rows = user.unitId
			? await db
					.select(columns)
					.from(team)
					.where(and(eq(team.unitId, user.unitId), eq(team.organisationId, user.organisationId)))
			: [];
	} else if (user.role === 'caseOfficer' || user.role === 'admin') {
		rows = await db.select(columns).from(team).where(eq(team.organisationId, user.organisationId));
	} else {
		const memberships = await db
			.selectDistinct(columns)
			.from(teamMembership)
			.innerJoin(team, eq(team.id, teamMembership.teamId))
			.where(
				and(
					eq(teamMembership.staffId, user.id),
					user.role === 'teamDevice'
						? isNull(teamMembership.lentOn)
						: or(
								isNull(teamMembership.lentOn),
								and(gte(teamMembership.lentOn, start), lte(teamMembership.lentOn, end))
							)
				)
			);
		rows = memberships;
	}
	return rows.sort((a, b) => a.name.localeCompare(b.name, 'sv'));
}

export async function canAccessTeam(
	db: Db,
	user: SessionUser,
	teamId: string,
	start: IsoDate,
	end: IsoDate = start,
	purpose: TeamPurpose = 'data'
): Promise<boolean> {
	const teams = await teamsOf(db, user, start, end, purpose);
	return teams.some((t) => t.id === teamId);
}

/** May the user open the team's board (page, Yjs room, socket.io room) in [start, end]? */
export function canOpenBoard(
	db: Db,
	user: SessionUser,
	teamId: string,
	start: IsoDate,
	end: IsoDate = start
): Promise<boolean> {
	return canAccessTeam(db, user, teamId, start, end, 'board');
}

/** Whether `teamId` is the user's own team (a tablet's team), not one they are lent to. */
export async function isHomeTeam(db: Db, user: SessionUser, teamId: string): Promise<boolean> {
	const [row] = await db
		.select({ teamId: teamMembership.teamId })
		.from(teamMembership)
		.where(
			and(
				eq(teamMembership.staffId, user.id),
				eq(teamMembership.teamId, teamId),
				isNull(teamMembership.lentOn)
			)
		)
		.limit(1);
	return row !== undefined;
}
