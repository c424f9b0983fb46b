/**
 * Staff administration for managers (their own unit) and admins (their organisation): add a
 * person, change role and home team, deactivate, reset a password, lend to another team.
 *
 * Scope: a manager manages the workers of their unit and nobody else; an admin everyone in
 * the organisation except team devices. A person outside the scope is 403, an id unknown in
 * the organisation 404, so no id from elsewhere reveals or changes anything. People are never
 * deleted: deactivation keeps history and the audit log intact and ends their sessions. Every
 * change is written to the audit log and tells the open boards of the person's teams.
 */
import {
	and,
	asc,
	eq,
	gte,
	ilike,
	inArray,
	isNull,
	isNotNull,
	lte,
	ne,
	or,
	sql
} from 'drizzle-orm';
import { loanDays, loanRuns, type CompetenceError } from '$lib/domain/competences';
import { compareDates, isoWeekKey, isoWeekRange } from '$lib/domain/periods';
import type { IsoDate } from '$lib/domain/types';
import { audit } from '../audit';
import { hashPassword } from '../auth/password';
import { changePassword } from '../auth/login';
import type { SessionStore, SessionUser } from '../auth/session';
import type { Db } from '../db/client';
import { staff, team, teamMembership, unit } from '../db/schema';
import { notifyBoardDataChanged } from '../realtime/invalidate';

export const STAFF_ROLES = ['worker', 'manager', 'caseOfficer', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * Field name → error code (a `PeopleError`, a `CompetenceError` or a form-parsing code);
 * `form` for what concerns the whole form.
 */
export type FieldErrors = Record<string, PeopleError | CompetenceError | (string & {})>;

export type PeopleError =
	| 'username-taken'
	| 'role-not-allowed'
	| 'home-team-required'
	| 'team-not-allowed'
	| 'unit-required'
	| 'unit-not-allowed'
	| 'not-yourself'
	| 'person-inactive'
	| 'same-as-home-team'
	| 'loan-overlaps'
	| 'loan-not-found'
	| 'loan-over'
	| 'unknown-competence'
	| 'competence-not-found';

export type Denied = { ok: false; status: 403 | 404 };
export type Invalid = { ok: false; status: 400; errors: FieldErrors };
export type Result<T = unknown> = ({ ok: true } & T) | Denied | Invalid;

export const invalid = (errors: FieldErrors): Invalid => ({ ok: false, status: 400, errors });
const FORBIDDEN: Denied = { ok: false, status: 403 };
const NOT_FOUND: Denied = { ok: false, status: 404 };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Managers with a unit and admins manage people; everybody else gets 403. */
export function canManagePeople(user: SessionUser): boolean {
	return (user.role === 'manager' && user.unitId !== null) || user.role === 'admin';
}

export type StaffRow = typeof staff.$inferSelect;

/** The person, when `user` may manage them (see the module comment). */
export async function personInScope(
	db: Db,
	user: SessionUser,
	staffId: string
): Promise<{ ok: true; person: StaffRow } | Denied> {
	if (!canManagePeople(user)) return FORBIDDEN;
	if (!UUID.test(staffId)) return NOT_FOUND;
	const [person] = await db
		.select()
		.from(staff)
		.where(
			and(
				eq(staff.id, staffId),
				eq(staff.organisationId, user.organisationId),
				ne(staff.role, 'teamDevice')
			)
		);
	if (!person) return NOT_FOUND;
	if (user.role === 'manager' && (person.unitId !== user.unitId || person.role !== 'worker')) {
		return FORBIDDEN;
	}
	return { ok: true, person };
}

export interface TeamOption {
	id: string;
	name: string;
	unitId: string;
}

/** Teams a person may get as home team from `user`: the manager's unit, the admin's organisation. */
export async function homeTeamOptions(db: Db, user: SessionUser): Promise<TeamOption[]> {
	if (!canManagePeople(user)) return [];
	const rows = await db
		.select({ id: team.id, name: team.name, unitId: team.unitId })
		.from(team)
		.where(
			and(
				eq(team.organisationId, user.organisationId),
				user.role === 'manager' ? eq(team.unitId, user.unitId!) : undefined
			)
		);
	return rows.sort((a, b) => a.name.localeCompare(b.name, 'sv'));
}

/** Every team of the organisation: a person may be lent to any of them. */
export async function lendTeamOptions(db: Db, user: SessionUser): Promise<TeamOption[]> {
	if (!canManagePeople(user)) return [];
	const rows = await db
		.select({ id: team.id, name: team.name, unitId: team.unitId })
		.from(team)
		.where(eq(team.organisationId, user.organisationId));
	return rows.sort((a, b) => a.name.localeCompare(b.name, 'sv'));
}

/** Units an admin may place a manager in. */
export async function unitOptions(
	db: Db,
	user: SessionUser
): Promise<{ id: string; name: string }[]> {
	if (user.role !== 'admin') return [];
	const rows = await db
		.select({ id: unit.id, name: unit.name })
		.from(unit)
		.where(eq(unit.organisationId, user.organisationId));
	return rows.sort((a, b) => a.name.localeCompare(b.name, 'sv'));
}

export interface StaffFilter {
	q?: string;
	teamId?: string;
	status?: 'active' | 'inactive' | 'all';
}

export interface StaffListRow {
	id: string;
	username: string;
	name: string;
	role: StaffRole;
	active: boolean;
	homeTeams: { id: string; name: string }[];
}

function escapeLike(s: string): string {
	return s.replace(/[\\%_]/g, (c) => '\\' + c);
}

/** The people `user` manages, filtered by a search on name or username, home team and status. */
export async function listStaff(
	db: Db,
	user: SessionUser,
	filter: StaffFilter = {}
): Promise<StaffListRow[]> {
	if (!canManagePeople(user)) return [];
	const q = filter.q?.trim().slice(0, 100) ?? '';
	const status = filter.status ?? 'active';
	const homeOf = (teamId: string) =>
		db
			.select({ id: teamMembership.staffId })
			.from(teamMembership)
			.where(and(eq(teamMembership.teamId, teamId), isNull(teamMembership.lentOn)));
	const rows = await db
		.select({
			id: staff.id,
			username: staff.username,
			name: staff.name,
			role: staff.role,
			active: staff.active
		})
		.from(staff)
		.where(
			and(
				eq(staff.organisationId, user.organisationId),
				ne(staff.role, 'teamDevice'),
				user.role === 'manager'
					? and(eq(staff.unitId, user.unitId!), eq(staff.role, 'worker'))
					: undefined,
				status === 'all' ? undefined : eq(staff.active, status === 'active'),
				q
					? or(ilike(staff.name, `%${escapeLike(q)}%`), ilike(staff.username, `%${escapeLike(q)}%`))
					: undefined,
				filter.teamId && UUID.test(filter.teamId)
					? inArray(staff.id, homeOf(filter.teamId))
					: undefined
			)
		)
		.orderBy(asc(staff.name));
	if (rows.length === 0) return [];
	const homes = await db
		.select({ staffId: teamMembership.staffId, id: team.id, name: team.name })
		.from(teamMembership)
		.innerJoin(team, eq(team.id, teamMembership.teamId))
		.where(
			and(
				inArray(
					teamMembership.staffId,
					rows.map((r) => r.id)
				),
				isNull(teamMembership.lentOn)
			)
		);
	return rows
		.map((r) => ({
			...r,
			role: r.role as StaffRole,
			homeTeams: homes.filter((h) => h.staffId === r.id).map(({ id, name }) => ({ id, name }))
		}))
		.sort((a, b) => a.name.localeCompare(b.name, 'sv'));
}

export interface LoanView {
	teamId: string;
	teamName: string;
	from: IsoDate;
	to: IsoDate;
	/** Some of its days lie today or later, so it can still be ended. */
	endable: boolean;
}

export interface PersonView {
	id: string;
	username: string;
	name: string;
	role: StaffRole;
	active: boolean;
	unitId: string | null;
	homeTeam: { id: string; name: string } | null;
	/** Loans that end within the last 30 days or later. */
	loans: LoanView[];
	isSelf: boolean;
}

export async function getPerson(
	db: Db,
	user: SessionUser,
	staffId: string,
	today: IsoDate
): Promise<{ ok: true; person: PersonView } | Denied> {
	const scoped = await personInScope(db, user, staffId);
	if (!scoped.ok) return scoped;
	const p = scoped.person;
	const memberships = await db
		.select({ teamId: teamMembership.teamId, lentOn: teamMembership.lentOn, name: team.name })
		.from(teamMembership)
		.innerJoin(team, eq(team.id, teamMembership.teamId))
		.where(eq(teamMembership.staffId, p.id));
	const home = memberships.find((m) => m.lentOn === null);
	const names = new Map(memberships.map((m) => [m.teamId, m.name]));
	const lent = memberships.flatMap((m) =>
		m.lentOn === null ? [] : [{ teamId: m.teamId, lentOn: m.lentOn }]
	);
	const recent = isoWeekRange(isoWeekKey(today)).start;
	const loans = loanRuns(lent)
		.filter((run) => compareDates(run.to, recent) >= 0)
		.map((run) => ({
			...run,
			teamName: names.get(run.teamId) ?? '',
			endable: compareDates(run.to, today) >= 0
		}));
	return {
		ok: true,
		person: {
			id: p.id,
			username: p.username,
			name: p.name,
			role: p.role as StaffRole,
			active: p.active,
			unitId: p.unitId,
			homeTeam: home ? { id: home.teamId, name: home.name } : null,
			loans,
			isSelf: p.id === user.id
		}
	};
}

/**
 * The teams whose boards show the person this week or later: the home team and every team
 * the person is lent to from this week's Monday on.
 */
export async function teamsOfPerson(db: Db, staffId: string, today: IsoDate): Promise<string[]> {
	const monday = isoWeekRange(isoWeekKey(today)).start;
	const rows = await db
		.selectDistinct({ teamId: teamMembership.teamId })
		.from(teamMembership)
		.where(
			and(
				eq(teamMembership.staffId, staffId),
				or(isNull(teamMembership.lentOn), gte(teamMembership.lentOn, monday))
			)
		);
	return rows.map((r) => r.teamId);
}

/** Tells the open boards of every given team that this person's data changed. */
export function notifyStaffChanged(staffId: string, teamIds: Iterable<string>): void {
	for (const teamId of new Set(teamIds)) {
		notifyBoardDataChanged({ teamId, change: { kind: 'staff-changed', staffId } });
	}
}

/** A readable one-time password: 3 groups of 4 letters and digits, no look-alikes (~62 bits). */
export function generateInitialPassword(): string {
	const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
	const bytes = new Uint8Array(12);
	const chars: string[] = [];
	while (chars.length < 12) {
		crypto.getRandomValues(bytes);
		for (const b of bytes) {
			// Rejection sampling keeps every character equally likely.
			if (b < 256 - (256 % alphabet.length) && chars.length < 12) {
				chars.push(alphabet[b % alphabet.length]);
			}
		}
	}
	return [0, 4, 8].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

export interface PersonInput {
	username: string;
	name: string;
	role: StaffRole;
	homeTeamId: string | null;
	/** Only for an admin placing a manager; a worker's unit is that of the home team. */
	unitId: string | null;
}

/** Checks role, home team and unit against what `user` may give; returns the unit to store. */
async function placement(
	db: Db,
	user: SessionUser,
	input: Pick<PersonInput, 'role' | 'homeTeamId' | 'unitId'>
): Promise<{ ok: true; unitId: string | null } | Invalid> {
	const errors: FieldErrors = {};
	if (user.role === 'manager' && input.role !== 'worker') errors.role = 'role-not-allowed';
	const teams = await homeTeamOptions(db, user);
	const home = input.homeTeamId ? teams.find((t) => t.id === input.homeTeamId) : undefined;
	if (input.homeTeamId && !home) errors.homeTeamId = 'team-not-allowed';
	if (!input.homeTeamId && input.role === 'worker') errors.homeTeamId = 'home-team-required';
	let unitId: string | null = null;
	if (input.role === 'worker') unitId = home?.unitId ?? null;
	if (input.role === 'manager') {
		const units = await unitOptions(db, user);
		if (!input.unitId) errors.unitId = 'unit-required';
		else if (!units.some((u) => u.id === input.unitId)) errors.unitId = 'unit-not-allowed';
		unitId = input.unitId;
	}
	return Object.keys(errors).length > 0 ? invalid(errors) : { ok: true, unitId };
}

/**
 * Adds a person. With `password` null a one-time initial password is generated and returned
 * once; only its Argon2id hash is stored.
 */
export async function createStaff(
	db: Db,
	user: SessionUser,
	input: PersonInput & { password: string | null },
	opts: { device: string; today: IsoDate }
): Promise<Result<{ id: string; initialPassword: string | null }>> {
	if (!canManagePeople(user)) return FORBIDDEN;
	const placed = await placement(db, user, input);
	const username = input.username.trim().toLowerCase();
	const [taken] = await db.select({ id: staff.id }).from(staff).where(eq(staff.username, username));
	if (!placed.ok || taken) {
		return invalid({
			...(placed.ok ? {} : placed.errors),
			...(taken ? { username: 'username-taken' as const } : {})
		});
	}
	const initialPassword = input.password === null ? generateInitialPassword() : null;
	const passwordHash = await hashPassword(input.password ?? initialPassword!);
	const id = await db.transaction(async (tx) => {
		const [person] = await tx
			.insert(staff)
			.values({
				organisationId: user.organisationId,
				username,
				name: input.name.trim(),
				role: input.role,
				passwordHash,
				passwordChangedAt: new Date(),
				unitId: placed.unitId
			})
			.returning({ id: staff.id });
		if (input.homeTeamId) {
			await tx.insert(teamMembership).values({
				organisationId: user.organisationId,
				staffId: person.id,
				teamId: input.homeTeamId
			});
		}
		return person.id;
	});
	await audit(db, user, {
		action: 'change',
		clientIds: [],
		device: opts.device,
		detail: { what: 'staff', change: 'created', staffId: id, role: input.role }
	});
	notifyStaffChanged(id, input.homeTeamId ? [input.homeTeamId] : []);
	return { ok: true, id, initialPassword };
}

/** Changes role (admins only) and home team; a worker's unit follows the home team. */
export async function updateStaff(
	db: Db,
	user: SessionUser,
	staffId: string,
	input: Pick<PersonInput, 'role' | 'homeTeamId' | 'unitId'>,
	opts: { device: string; today: IsoDate }
): Promise<Result> {
	const scoped = await personInScope(db, user, staffId);
	if (!scoped.ok) return scoped;
	const before = scoped.person;
	if (before.id === user.id && input.role !== before.role) return invalid({ role: 'not-yourself' });
	const placed = await placement(db, user, input);
	if (!placed.ok) return placed;
	const teamsBefore = await teamsOfPerson(db, staffId, opts.today);
	const [home] = await db
		.select({ teamId: teamMembership.teamId })
		.from(teamMembership)
		.where(and(eq(teamMembership.staffId, staffId), isNull(teamMembership.lentOn)));
	await db.transaction(async (tx) => {
		await tx
			.update(staff)
			.set({ role: input.role, unitId: placed.unitId })
			.where(eq(staff.id, staffId));
		if ((home?.teamId ?? null) !== input.homeTeamId) {
			await tx
				.delete(teamMembership)
				.where(and(eq(teamMembership.staffId, staffId), isNull(teamMembership.lentOn)));
			if (input.homeTeamId) {
				await tx.insert(teamMembership).values({
					organisationId: user.organisationId,
					staffId,
					teamId: input.homeTeamId
				});
			}
		}
	});
	await audit(db, user, {
		action: 'change',
		clientIds: [],
		device: opts.device,
		detail: {
			what: 'staff',
			change: 'updated',
			staffId,
			from: { role: before.role, homeTeamId: home?.teamId ?? null, unitId: before.unitId },
			to: { role: input.role, homeTeamId: input.homeTeamId, unitId: placed.unitId }
		}
	});
	notifyStaffChanged(staffId, [...teamsBefore, ...(input.homeTeamId ? [input.homeTeamId] : [])]);
	return { ok: true };
}

/**
 * Deactivates (or reactivates) a person. Nothing is deleted; deactivation ends every session
 * of the person at once, so an open tab or phone stops working.
 */
export async function setStaffActive(
	db: Db,
	sessions: SessionStore,
	user: SessionUser,
	staffId: string,
	active: boolean,
	opts: { device: string; today: IsoDate }
): Promise<Result> {
	const scoped = await personInScope(db, user, staffId);
	if (!scoped.ok) return scoped;
	if (staffId === user.id) return invalid({ form: 'not-yourself' });
	await db.update(staff).set({ active }).where(eq(staff.id, staffId));
	if (!active) await sessions.invalidateAllFor(staffId);
	await audit(db, user, {
		action: 'change',
		clientIds: [],
		device: opts.device,
		detail: { what: 'staff', change: active ? 'activated' : 'deactivated', staffId }
	});
	notifyStaffChanged(staffId, await teamsOfPerson(db, staffId, opts.today));
	return { ok: true };
}

/** Sets a new password chosen by the manager; the person's sessions end. */
export async function resetStaffPassword(
	db: Db,
	sessions: SessionStore,
	user: SessionUser,
	staffId: string,
	password: string | null,
	opts: { device: string }
): Promise<Result<{ initialPassword: string | null }>> {
	const scoped = await personInScope(db, user, staffId);
	if (!scoped.ok) return scoped;
	if (staffId === user.id) return invalid({ password: 'not-yourself' });
	const initialPassword = password === null ? generateInitialPassword() : null;
	await changePassword(db, sessions, staffId, password ?? initialPassword!);
	await audit(db, user, {
		action: 'change',
		clientIds: [],
		device: opts.device,
		detail: { what: 'staff', change: 'password-set', staffId }
	});
	return { ok: true, initialPassword };
}

/** Lends an active person to another team of the organisation for `from..to` (K6). */
export async function lendStaff(
	db: Db,
	user: SessionUser,
	staffId: string,
	input: { teamId: string; from: string; to: string },
	opts: { device: string; today: IsoDate }
): Promise<Result<{ days: number }>> {
	const scoped = await personInScope(db, user, staffId);
	if (!scoped.ok) return scoped;
	if (!scoped.person.active) return invalid({ form: 'person-inactive' });
	const teams = await lendTeamOptions(db, user);
	if (!teams.some((t) => t.id === input.teamId)) return invalid({ teamId: 'team-not-allowed' });
	const days = loanDays(input.from, input.to, opts.today);
	if (!days.ok) return invalid({ to: days.errors[0] });
	const memberships = await db
		.select({ teamId: teamMembership.teamId, lentOn: teamMembership.lentOn })
		.from(teamMembership)
		.where(eq(teamMembership.staffId, staffId));
	if (memberships.some((m) => m.lentOn === null && m.teamId === input.teamId)) {
		return invalid({ teamId: 'same-as-home-team' });
	}
	const lent = memberships.filter((m) => m.lentOn !== null && days.days.includes(m.lentOn));
	if (lent.some((m) => m.teamId !== input.teamId)) return invalid({ to: 'loan-overlaps' });
	const already = new Set(lent.map((m) => m.lentOn));
	const fresh = days.days.filter((d) => !already.has(d));
	if (fresh.length > 0) {
		await db.insert(teamMembership).values(
			fresh.map((lentOn) => ({
				organisationId: user.organisationId,
				staffId,
				teamId: input.teamId,
				lentOn
			}))
		);
	}
	await audit(db, user, {
		action: 'change',
		clientIds: [],
		device: opts.device,
		detail: { what: 'loan', change: 'lent', staffId, ...input }
	});
	notifyStaffChanged(staffId, [...(await teamsOfPerson(db, staffId, opts.today)), input.teamId]);
	return { ok: true, days: fresh.length };
}

/** Ends the loan to `teamId` that starts on `from`: its days from today on are removed (K6). */
export async function endLoan(
	db: Db,
	user: SessionUser,
	staffId: string,
	input: { teamId: string; from: string },
	opts: { device: string; today: IsoDate }
): Promise<Result<{ days: number }>> {
	const scoped = await personInScope(db, user, staffId);
	if (!scoped.ok) return scoped;
	const rows = await db
		.select({ teamId: teamMembership.teamId, lentOn: teamMembership.lentOn })
		.from(teamMembership)
		.where(
			and(
				eq(teamMembership.staffId, staffId),
				UUID.test(input.teamId) ? eq(teamMembership.teamId, input.teamId) : sql`false`,
				isNotNull(teamMembership.lentOn)
			)
		);
	const run = loanRuns(rows.map((r) => ({ teamId: r.teamId, lentOn: r.lentOn! }))).find(
		(r) => r.from === input.from
	);
	if (!run) return invalid({ form: 'loan-not-found' });
	const cutoff = compareDates(run.from, opts.today) >= 0 ? run.from : opts.today;
	if (compareDates(run.to, cutoff) < 0) return invalid({ form: 'loan-over' });
	const teamsBefore = await teamsOfPerson(db, staffId, opts.today);
	const gone = await db
		.delete(teamMembership)
		.where(
			and(
				eq(teamMembership.staffId, staffId),
				eq(teamMembership.teamId, run.teamId),
				gte(teamMembership.lentOn, cutoff),
				lte(teamMembership.lentOn, run.to)
			)
		)
		.returning({ id: teamMembership.id });
	await audit(db, user, {
		action: 'change',
		clientIds: [],
		device: opts.device,
		detail: {
			what: 'loan',
			change: 'ended',
			staffId,
			teamId: run.teamId,
			from: run.from,
			to: run.to,
			removedFrom: cutoff
		}
	});
	notifyStaffChanged(staffId, teamsBefore);
	return { ok: true, days: gone.length };
}
