/**
 * The case officer's clients (DESIGN.md §2, §7): every client of the organisation, created,
 * edited and deactivated (never deleted, so decisions, time and the audit log keep their
 * client). Every read of a client's details and every change is written to the audit log;
 * the door code leaves the server only when asked for, and that read is logged too.
 */
import { and, asc, eq, ilike, inArray, isNull, ne } from 'drizzle-orm';
import type { Role } from '$lib/domain/types';
import type { SessionUser } from '../auth/session';
import { audit } from '../audit';
import type { Db } from '../db/client';
import { client, staff, team, teamMembership } from '../db/schema';
import { notifyBoardDataChanged } from '../realtime/invalidate';

/** Who maintains clients and decisions: case officers and admins of the organisation. */
export const CASE_ROLES: readonly Role[] = ['caseOfficer', 'admin'];

export interface CaseClientRow {
	id: string;
	name: string;
	teamId: string;
	teamName: string;
	area: string;
	contactName: string | null;
	active: boolean;
}

export interface TeamWithStaff {
	id: string;
	name: string;
	/** Home members who may be a client's contact person. */
	staff: { id: string; name: string }[];
}

/** The organisation's teams with their home staff, for the team and contact person pickers. */
export async function caseTeams(db: Db, organisationId: string): Promise<TeamWithStaff[]> {
	const teams = await db
		.select({ id: team.id, name: team.name })
		.from(team)
		.where(eq(team.organisationId, organisationId));
	const members = await db
		.selectDistinct({ teamId: teamMembership.teamId, id: staff.id, name: staff.name })
		.from(teamMembership)
		.innerJoin(staff, eq(staff.id, teamMembership.staffId))
		.where(
			and(
				eq(teamMembership.organisationId, organisationId),
				isNull(teamMembership.lentOn),
				ne(staff.role, 'teamDevice'),
				eq(staff.active, true)
			)
		)
		.orderBy(asc(staff.name));
	return teams
		.map((t) => ({
			...t,
			staff: members.filter((m) => m.teamId === t.id).map((m) => ({ id: m.id, name: m.name }))
		}))
		.sort((a, b) => a.name.localeCompare(b.name, 'sv'));
}

/** `%`, `_` and `\` match literally in a search. */
function likePattern(text: string): string {
	return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The organisation's clients by name, optionally only one team's or those whose name holds
 * `search`; deactivated clients only when asked for. No door codes. The listing is a read of
 * the clients shown, written to the audit log.
 */
export async function listCaseClients(
	db: Db,
	user: SessionUser,
	filter: { search?: string; teamId?: string; inactive?: boolean },
	device: string
): Promise<CaseClientRow[]> {
	const contact = db.select({ id: staff.id, name: staff.name }).from(staff).as('contact');
	const conditions = [eq(client.organisationId, user.organisationId)];
	if (filter.teamId) conditions.push(eq(client.teamId, filter.teamId));
	if (filter.search?.trim()) conditions.push(ilike(client.name, likePattern(filter.search.trim())));
	if (!filter.inactive) conditions.push(eq(client.active, true));
	const rows = await db
		.select({
			id: client.id,
			name: client.name,
			teamId: client.teamId,
			teamName: team.name,
			area: client.area,
			contactName: contact.name,
			active: client.active
		})
		.from(client)
		.innerJoin(team, eq(team.id, client.teamId))
		.leftJoin(contact, eq(contact.id, client.contactPersonId))
		.where(and(...conditions))
		.orderBy(asc(client.name))
		.limit(500);
	if (rows.length > 0) {
		await audit(db, user, {
			action: 'read',
			clientIds: rows.map((r) => r.id),
			device,
			detail: { what: 'client-list' }
		});
	}
	return rows;
}

export interface ClientInput {
	name: string;
	teamId: string;
	contactPersonId: string | null;
	area: string;
	preferences: string;
	accessNotes: string;
	/** A new door code; `null` keeps the current one (on create: none). */
	accessCode: string | null;
}

export type ClientField = keyof ClientInput;
export type ClientErrorCode = 'unknown-team' | 'contact-not-in-team';

export type ClientResult =
	| { ok: true; id: string }
	| { ok: false; status: 400; errors: { field: ClientField; code: ClientErrorCode }[] }
	| { ok: false; status: 404 };

/** The team must be the organisation's and the contact person a home member of it. */
async function checkClientInput(
	db: Db,
	organisationId: string,
	input: ClientInput
): Promise<{ field: ClientField; code: ClientErrorCode }[]> {
	const [found] = await db
		.select({ id: team.id })
		.from(team)
		.where(and(eq(team.id, input.teamId), eq(team.organisationId, organisationId)));
	if (!found) return [{ field: 'teamId', code: 'unknown-team' }];
	if (input.contactPersonId) {
		const teams = await caseTeams(db, organisationId);
		const members = teams.find((t) => t.id === input.teamId)?.staff ?? [];
		if (!members.some((s) => s.id === input.contactPersonId)) {
			return [{ field: 'contactPersonId', code: 'contact-not-in-team' }];
		}
	}
	return [];
}

export async function createClient(
	db: Db,
	user: SessionUser,
	input: ClientInput,
	device: string
): Promise<ClientResult> {
	const errors = await checkClientInput(db, user.organisationId, input);
	if (errors.length > 0) return { ok: false, status: 400, errors };
	const [row] = await db
		.insert(client)
		.values({
			organisationId: user.organisationId,
			teamId: input.teamId,
			name: input.name,
			contactPersonId: input.contactPersonId,
			area: input.area,
			preferences: input.preferences,
			accessNotes: input.accessNotes,
			accessCode: input.accessCode ?? ''
		})
		.returning({ id: client.id });
	await audit(db, user, {
		action: 'change',
		clientIds: [row.id],
		device,
		detail: { what: 'client', change: 'created' }
	});
	notifyBoardDataChanged({ teamId: input.teamId });
	return { ok: true, id: row.id };
}

async function ownClient(db: Db, user: SessionUser, clientId: string) {
	const [row] = await db
		.select()
		.from(client)
		.where(and(eq(client.id, clientId), eq(client.organisationId, user.organisationId)));
	return row;
}

export async function updateClient(
	db: Db,
	user: SessionUser,
	clientId: string,
	input: ClientInput,
	device: string
): Promise<ClientResult> {
	const current = await ownClient(db, user, clientId);
	if (!current) return { ok: false, status: 404 };
	const errors = await checkClientInput(db, user.organisationId, input);
	if (errors.length > 0) return { ok: false, status: 400, errors };
	await db
		.update(client)
		.set({
			teamId: input.teamId,
			name: input.name,
			contactPersonId: input.contactPersonId,
			area: input.area,
			preferences: input.preferences,
			accessNotes: input.accessNotes,
			...(input.accessCode === null ? {} : { accessCode: input.accessCode })
		})
		.where(eq(client.id, clientId));
	const changed = (Object.keys(input) as ClientField[]).filter((k) =>
		k === 'accessCode'
			? input.accessCode !== null && input.accessCode !== current.accessCode
			: input[k] !== current[k]
	);
	await audit(db, user, {
		action: 'change',
		clientIds: [clientId],
		device,
		detail: { what: 'client', change: 'updated', fields: changed }
	});
	for (const teamId of new Set([current.teamId, input.teamId])) notifyBoardDataChanged({ teamId });
	return { ok: true, id: clientId };
}

/** Deactivates (or reactivates) a client; nothing is ever deleted. */
export async function setClientActive(
	db: Db,
	user: SessionUser,
	clientId: string,
	active: boolean,
	device: string
): Promise<{ ok: true } | { ok: false; status: 404 }> {
	const current = await ownClient(db, user, clientId);
	if (!current) return { ok: false, status: 404 };
	await db.update(client).set({ active }).where(eq(client.id, clientId));
	await audit(db, user, {
		action: 'change',
		clientIds: [clientId],
		device,
		detail: { what: 'client', change: active ? 'reactivated' : 'deactivated' }
	});
	notifyBoardDataChanged({ teamId: current.teamId });
	return { ok: true };
}

export interface CaseClientDetails {
	id: string;
	name: string;
	teamId: string;
	teamName: string;
	contactPersonId: string | null;
	contactName: string | null;
	area: string;
	preferences: string;
	accessNotes: string;
	/** Whether a door code is stored; the code itself only through `revealClientAccessCode`. */
	hasAccessCode: boolean;
	active: boolean;
}

/** A client's details, written to the audit log as a read. */
export async function caseClientDetails(
	db: Db,
	user: SessionUser,
	clientId: string,
	device: string
): Promise<CaseClientDetails | null> {
	const row = await ownClient(db, user, clientId);
	if (!row) return null;
	const [teamRow] = await db.select({ name: team.name }).from(team).where(eq(team.id, row.teamId));
	const [contact] = row.contactPersonId
		? await db
				.select({ name: staff.name })
				.from(staff)
				.where(inArray(staff.id, [row.contactPersonId]))
		: [];
	await audit(db, user, {
		action: 'read',
		clientIds: [row.id],
		device,
		detail: { what: 'client' }
	});
	return {
		id: row.id,
		name: row.name,
		teamId: row.teamId,
		teamName: teamRow?.name ?? '',
		contactPersonId: row.contactPersonId,
		contactName: contact?.name ?? null,
		area: row.area,
		preferences: row.preferences,
		accessNotes: row.accessNotes,
		hasAccessCode: row.accessCode !== '',
		active: row.active
	};
}

/** The client's door code, for the case officer who asks; the read is logged. */
export async function revealClientAccessCode(
	db: Db,
	user: SessionUser,
	clientId: string,
	device: string
): Promise<string | null> {
	const row = await ownClient(db, user, clientId);
	if (!row) return null;
	await audit(db, user, {
		action: 'read',
		clientIds: [row.id],
		device,
		detail: { what: 'access-code' }
	});
	return row.accessCode;
}
