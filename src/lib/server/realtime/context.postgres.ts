/**
 * Loads a board's rule context from the database: a handful of indexed queries per load,
 * which the room repeats only when its copy is older than the refresh interval.
 */
import { and, asc, between, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import { isoWeekRange, monthRange, monthKey } from '$lib/domain/periods';
import type { Decision, FramePeriod, TimeEntry, VisitStatus } from '$lib/domain/types';
import { normaliseAbsence } from '$lib/board/absences';
import type { Db } from '../db/client';
import {
	absence,
	client,
	competence,
	decision,
	decisionService,
	organisation,
	plannedVisit,
	staff,
	staffCompetence,
	team,
	teamMembership,
	timeEntry
} from '../db/schema';
import { decisionInForce } from '../services/decision-versions';
import { listServices } from '../services/catalogue';
import {
	countedEntries,
	type TeamContext,
	type TeamContextSource,
	type TeamMember
} from './context';

interface OrganisationData {
	toleranceMinutes: number;
	services: TeamContext['services'];
	serviceNames: TeamContext['serviceNames'];
	competenceNames: TeamContext['competenceNames'];
	staffNames: TeamContext['staffNames'];
}

/** What every board of an organisation shares: tolerance, catalogue and staff names. */
async function loadOrganisation(db: Db, organisationId: string): Promise<OrganisationData> {
	const [orgRows, services, competences, people] = await Promise.all([
		db
			.select({ tolerance: organisation.frameToleranceMinutes })
			.from(organisation)
			.where(eq(organisation.id, organisationId)),
		listServices(db, organisationId),
		db
			.select({ code: competence.code, sv: competence.nameSv, en: competence.nameEn })
			.from(competence)
			.where(eq(competence.organisationId, organisationId)),
		db
			.select({ id: staff.id, name: staff.name })
			.from(staff)
			.where(and(eq(staff.organisationId, organisationId), ne(staff.role, 'teamDevice')))
	]);
	return {
		toleranceMinutes: orgRows[0]?.tolerance ?? 0,
		services: Object.fromEntries(
			services.map((s) => [s.code, { code: s.code, requires: s.requires, twoStaff: s.twoStaff }])
		),
		serviceNames: Object.fromEntries(services.map((s) => [s.code, { sv: s.nameSv, en: s.nameEn }])),
		competenceNames: Object.fromEntries(competences.map((c) => [c.code, { sv: c.sv, en: c.en }])),
		staffNames: new Map(people.map((p) => [p.id, p.name]))
	};
}

/**
 * Board contexts from the database. The organisation's part (tolerance, catalogue) is shared
 * by its boards and reloaded at most every `organisationTtlMs`.
 */
export function createPostgresContextSource(
	db: Db,
	opts: { organisationTtlMs?: number } = {}
): TeamContextSource {
	const ttl = opts.organisationTtlMs ?? 10_000;
	const organisations = new Map<string, { at: number; data: Promise<OrganisationData> }>();
	const organisationData = (organisationId: string) => {
		const cached = organisations.get(organisationId);
		if (cached && Date.now() - cached.at <= ttl) return cached.data;
		const data = loadOrganisation(db, organisationId);
		organisations.set(organisationId, { at: Date.now(), data });
		data.catch(() => organisations.delete(organisationId));
		return data;
	};
	return {
		load: (teamId, week, room) => loadTeamContext(db, teamId, week, room, organisationData)
	};
}

export async function loadTeamContext(
	db: Db,
	teamId: string,
	week: string,
	room: string,
	organisationData: (organisationId: string) => Promise<OrganisationData> = (id) =>
		loadOrganisation(db, id)
): Promise<TeamContext | null> {
	const weekRange = isoWeekRange(week);
	const range = {
		start: monthRange(monthKey(weekRange.start)).start,
		end: monthRange(monthKey(weekRange.end)).end
	};
	const [teamRow] = await db
		.select({ organisationId: team.organisationId, unitId: team.unitId })
		.from(team)
		.where(eq(team.id, teamId));
	if (!teamRow) return null;
	const { organisationId } = teamRow;

	const [org, clients, members] = await Promise.all([
		organisationData(organisationId),
		db
			.select({ id: client.id, name: client.name })
			.from(client)
			.where(and(eq(client.teamId, teamId), eq(client.active, true))),
		db
			.select({ id: staff.id, name: staff.name, lentOn: teamMembership.lentOn })
			.from(teamMembership)
			.innerJoin(staff, eq(staff.id, teamMembership.staffId))
			.where(
				and(
					eq(teamMembership.teamId, teamId),
					or(
						isNull(teamMembership.lentOn),
						between(teamMembership.lentOn, weekRange.start, weekRange.end)
					),
					eq(staff.active, true),
					ne(staff.role, 'teamDevice')
				)
			)
	]);

	const clientIds = clients.map((c) => c.id);
	const staffIds = [...new Set(members.map((m) => m.id))];
	const [decisions, decisionServices, held, absences, entries, external] = await Promise.all([
		clientIds.length
			? db
					.select()
					.from(decision)
					.where(and(inArray(decision.clientId, clientIds), decisionInForce))
			: [],
		clientIds.length
			? db
					.select({ decisionId: decisionService.decisionId, code: decisionService.serviceCode })
					.from(decisionService)
					.innerJoin(decision, eq(decision.id, decisionService.decisionId))
					.where(inArray(decision.clientId, clientIds))
			: [],
		staffIds.length
			? db
					.select()
					.from(staffCompetence)
					.where(inArray(staffCompetence.staffId, staffIds))
					.orderBy(asc(staffCompetence.competenceCode), asc(staffCompetence.validFrom))
			: [],
		staffIds.length
			? db
					.select()
					.from(absence)
					.where(
						and(
							inArray(absence.staffId, staffIds),
							between(absence.date, weekRange.start, weekRange.end)
						)
					)
			: [],
		clientIds.length
			? db
					.select({
						id: timeEntry.id,
						clientId: timeEntry.clientId,
						visitId: timeEntry.visitId,
						date: timeEntry.date,
						minutes: timeEntry.minutes,
						correctsId: timeEntry.correctsId
					})
					.from(timeEntry)
					.where(
						and(
							inArray(timeEntry.clientId, clientIds),
							or(
								between(timeEntry.date, range.start, range.end),
								// Corrections of entries in range count wherever they moved them.
								sql`${timeEntry.correctsId} in (select id from time_entry where client_id in ${clientIds} and date between ${range.start} and ${range.end})`
							)
						)
					)
					.orderBy(asc(timeEntry.createdAt), asc(timeEntry.id))
			: [],
		clientIds.length
			? db
					.select({
						id: plannedVisit.id,
						clientId: plannedVisit.clientId,
						room: plannedVisit.room,
						date: plannedVisit.date,
						minutes: plannedVisit.minutes,
						status: plannedVisit.status
					})
					.from(plannedVisit)
					.where(
						and(
							inArray(plannedVisit.clientId, clientIds),
							between(plannedVisit.date, range.start, range.end),
							ne(plannedVisit.room, room)
						)
					)
			: []
	]);

	const servicesOf = new Map<string, string[]>();
	for (const ds of decisionServices) {
		servicesOf.set(ds.decisionId, [...(servicesOf.get(ds.decisionId) ?? []), ds.code]);
	}
	const decisionsByClient = new Map<string, Decision[]>();
	for (const d of decisions) {
		const list = decisionsByClient.get(d.clientId) ?? [];
		list.push({
			id: d.id,
			clientId: d.clientId,
			validFrom: d.validFrom,
			validTo: d.validTo,
			frameMinutes: d.frameMinutes,
			framePeriod: d.framePeriod as FramePeriod,
			services: (servicesOf.get(d.id) ?? []).sort()
		});
		decisionsByClient.set(d.clientId, list);
	}

	const staffMap = new Map<string, TeamMember>();
	for (const m of members) {
		const member = staffMap.get(m.id) ?? {
			id: m.id,
			name: m.name,
			competences: [],
			home: false,
			lentOn: []
		};
		if (m.lentOn === null) member.home = true;
		else member.lentOn.push(m.lentOn);
		staffMap.set(m.id, member);
	}
	for (const c of held) {
		staffMap.get(c.staffId)?.competences.push({
			code: c.competenceCode,
			validFrom: c.validFrom,
			validTo: c.validTo
		});
	}

	const absenceMap: TeamContext['absences'] = {};
	for (const a of absences) {
		const value = a.dayParts === null ? 'day' : normaliseAbsence(a.dayParts);
		if (value) (absenceMap[a.staffId] ??= {})[a.date] = value;
	}

	return {
		organisationId,
		unitId: teamRow.unitId,
		teamId,
		week,
		range,
		...org,
		clients: new Map(clients.map((c) => [c.id, c])),
		decisions: decisionsByClient,
		staff: staffMap,
		absences: absenceMap,
		timeEntries: countedEntries(entries as TimeEntry[]),
		reportedVisits: new Set(entries.flatMap((e) => (e.visitId ? [e.visitId] : []))),
		externalVisits: external.map((v) => ({ ...v, status: v.status as VisitStatus })),
		loadedAt: Date.now()
	};
}
