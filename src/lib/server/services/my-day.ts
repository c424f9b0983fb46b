/**
 * Read models for the worker's phone: "Min dag" (the teams a person works in on a date, with
 * the clients and colleagues their visits name) and one visit with what the worker needs at
 * the client's door. The visits themselves are live on the board docs; these give the
 * relational side — client details, the decision, frame figures and what was recorded.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { decisionCovering, isoWeekKey, isoWeekRange, todayIn } from '$lib/domain/periods';
import type { DayPart, IsoDate, VisitStatus } from '$lib/domain/types';
import type { RecordedEntry, VisitDetails } from '$lib/my-day';
import type { VisitOutcome } from '$lib/realtime/protocol';
import type { Db } from '../db/client';
import { client, decision, decisionService, plannedVisit, staff, timeEntry } from '../db/schema';
import { canAccessTeam, canOpenBoard, teamsOf, type TeamRef } from '../auth/access';
import type { SessionUser } from '../auth/session';
import { audit } from '../audit';
import { decisionInForce } from './decision-versions';
import { frameReport } from './frames';
import { teamStaff } from './teams';

export type { RecordedEntry, VisitDetails };

export interface DayClient {
	id: string;
	teamId: string;
	name: string;
	area: string;
	contactPersonId: string | null;
}

export interface DayTeam extends TeamRef {
	week: string;
}

export interface MyDay {
	date: IsoDate;
	teams: DayTeam[];
	clients: DayClient[];
	/** Everyone working in those teams that day, for "med Bertil" on a shared visit. */
	colleagues: { id: string; name: string }[];
}

/**
 * The teams a person works in on `date` — home teams, and the team they are lent to that
 * day — with their clients and colleagues. The person's visits come from those teams' boards.
 */
export async function myDay(db: Db, user: SessionUser, date: IsoDate): Promise<MyDay> {
	const week = isoWeekKey(date);
	// The boards the person works on: a case officer reads decisions, not boards.
	const teams = (await teamsOf(db, user, date, date, 'board')).map((t) => ({ ...t, week }));
	if (teams.length === 0) return { date, teams, clients: [], colleagues: [] };
	const teamIds = teams.map((t) => t.id);
	const clients = await db
		.select({
			id: client.id,
			teamId: client.teamId,
			name: client.name,
			area: client.area,
			contactPersonId: client.contactPersonId
		})
		.from(client)
		.where(and(inArray(client.teamId, teamIds), eq(client.active, true)))
		.orderBy(asc(client.name));
	const colleagues = new Map<string, { id: string; name: string }>();
	for (const teamId of teamIds) {
		for (const person of await teamStaff(db, teamId, date)) {
			colleagues.set(person.id, { id: person.id, name: person.name });
		}
	}
	return { date, teams, clients, colleagues: [...colleagues.values()] };
}

export type VisitDetailsResult =
	{ ok: true; details: VisitDetails } | { ok: false; status: 403 | 404 };

/**
 * What a worker needs at the client's door. Reading it is a read of the client's details and
 * is written to the audit log (DESIGN.md §7). The door or key-box code is not part of it:
 * see `revealAccessCode`. It is a page of the board's work (the visit, what was reported and
 * noted), so it follows the board's access: not for a case officer, and not on a team tablet,
 * which shows its board only and could not name the person reading in the log.
 */
export async function visitDetails(
	db: Db,
	user: SessionUser,
	visitId: string,
	device: string
): Promise<VisitDetailsResult> {
	const [row] = await db.select().from(plannedVisit).where(eq(plannedVisit.id, visitId));
	if (!row || row.organisationId !== user.organisationId) return { ok: false, status: 404 };
	if (user.role === 'teamDevice' || !(await canOpenBoard(db, user, row.teamId, row.date))) {
		return { ok: false, status: 403 };
	}
	const [person] = await db.select().from(client).where(eq(client.id, row.clientId));
	const week = isoWeekKey(row.date);
	const decisions = await db
		.select()
		.from(decision)
		.where(and(eq(decision.clientId, person.id), decisionInForce))
		.orderBy(asc(decision.validFrom));
	const governing = decisionCovering(
		decisions.map((d) => ({
			...d,
			framePeriod: d.framePeriod === 'month' ? ('month' as const) : ('week' as const),
			services: []
		})),
		row.date
	);
	const granted = governing
		? (
				await db
					.select({ code: decisionService.serviceCode })
					.from(decisionService)
					.where(eq(decisionService.decisionId, governing.id))
					.orderBy(asc(decisionService.serviceCode))
			).map((s) => s.code)
		: [];
	const [frames, entries] = await Promise.all([
		frameReport(db, { clientIds: [person.id], period: isoWeekRange(week) }),
		db
			.select({
				id: timeEntry.id,
				correctsId: timeEntry.correctsId,
				minutes: timeEntry.minutes,
				outcome: timeEntry.outcome,
				declinedServices: timeEntry.declinedServices,
				note: timeEntry.note,
				overdrawn: timeEntry.overdrawn,
				recordedBy: staff.name,
				createdAt: timeEntry.createdAt
			})
			.from(timeEntry)
			.innerJoin(staff, eq(staff.id, timeEntry.staffId))
			.where(eq(timeEntry.visitId, visitId))
			.orderBy(desc(timeEntry.createdAt), desc(timeEntry.id))
	]);
	await audit(db, user, {
		action: 'read',
		clientIds: [person.id],
		device,
		detail: { what: 'visit', visitId }
	});
	return {
		ok: true,
		details: {
			visit: {
				id: row.id,
				room: row.room,
				teamId: row.teamId,
				week,
				date: row.date,
				dayPart: row.dayPart as DayPart,
				minutes: row.minutes,
				status: row.status as VisitStatus,
				services: row.services
			},
			client: {
				id: person.id,
				name: person.name,
				area: person.area,
				preferences: person.preferences,
				accessNotes: person.accessNotes,
				hasAccessCode: person.accessCode.trim().length > 0,
				contactPersonId: person.contactPersonId
			},
			decision: governing
				? {
						frameMinutes: governing.frameMinutes,
						framePeriod: governing.framePeriod,
						validTo: governing.validTo,
						services: granted
					}
				: null,
			frames,
			history: entries.map((e) => ({
				...e,
				outcome: e.outcome as VisitOutcome,
				recordedAt: e.createdAt.toISOString()
			}))
		}
	};
}

export type AccessCodeResult = { ok: true; code: string } | { ok: false; status: 403 | 404 };

/**
 * The client's door or key-box code, for someone working in the client's team today. Every
 * reveal is a read written to the audit log with the device, so a manager's sample check can
 * see who looked at which client's code and when. Never to a team tablet: the log could not
 * name the person, and a locked tablet shows nothing.
 */
export async function revealAccessCode(
	db: Db,
	user: SessionUser,
	clientId: string,
	device: string
): Promise<AccessCodeResult> {
	const [person] = await db
		.select({
			id: client.id,
			teamId: client.teamId,
			organisationId: client.organisationId,
			accessCode: client.accessCode
		})
		.from(client)
		.where(eq(client.id, clientId));
	if (!person || person.organisationId !== user.organisationId) return { ok: false, status: 404 };
	if (user.role === 'teamDevice' || !(await canAccessTeam(db, user, person.teamId, todayIn()))) {
		return { ok: false, status: 403 };
	}
	await audit(db, user, {
		action: 'read',
		clientIds: [person.id],
		device,
		detail: { what: 'access-code' }
	});
	return { ok: true, code: person.accessCode };
}
