/**
 * Competence coverage of a unit for one ISO week (rules CV1–CV4): per team, day and day part,
 * who at work holds each competence the team's clients need, and the gaps — time-critical
 * visits (a service requiring a delegation) with nobody present who holds it. Gathered with
 * SQL from `team_membership`, `staff_competence`, `absence`, `planned_visit` and the decisions
 * in force; judged by the pure `coverageOf`.
 */
import { and, asc, eq, inArray, isNull, ne, or, between, sql } from 'drizzle-orm';
import { coverageOf, type CoverageSlot } from '$lib/domain/coverage';
import { datesOfIsoWeek, isoWeekRange } from '$lib/domain/periods';
import { DAY_PARTS, type DayPart, type IsoDate } from '$lib/domain/types';
import type { Db } from '../db/client';
import {
	absence,
	client,
	competence,
	plannedVisit,
	serviceRequirement,
	staff,
	staffCompetence,
	team,
	teamMembership,
	unit
} from '../db/schema';
import type { SessionUser } from '../auth/session';
import { delegationsEndingSoon, type EndingDelegation } from './competences';
import { decisionInForceAs } from './decision-versions';

export interface CoverageCompetence {
	code: string;
	name: string;
	isDelegation: boolean;
}

export interface CoverageTeam {
	id: string;
	name: string;
	/** Codes of the competences the team needs (CV1), delegations first. */
	competences: string[];
	slots: CoverageSlot[];
}

export interface CoverageGapRow {
	teamId: string;
	teamName: string;
	date: IsoDate;
	dayPart: DayPart;
	competence: string;
	visits: number;
	clients: { id: string; name: string }[];
}

export interface CoverageReport {
	week: string;
	dates: IsoDate[];
	/** The catalogue entries of every competence shown, by code. */
	competences: Record<string, CoverageCompetence>;
	teams: CoverageTeam[];
	/** Every gap of the week, by date, day part and team. */
	gaps: CoverageGapRow[];
}

const DAY_PART_ORDER: Record<string, number> = { morning: 0, midday: 1, afternoon: 2, evening: 3 };

/**
 * The coverage of every team of `unitId` (or only `teamId`, when it is one of them) in the ISO
 * week `week` (`YYYY-Www`, already validated).
 */
export async function coverageReport(
	db: Db,
	unitId: string,
	week: string,
	options: { teamId?: string; locale?: 'sv' | 'en' } = {}
): Promise<CoverageReport> {
	const range = isoWeekRange(week);
	const dates = datesOfIsoWeek(week);
	const [unitRow] = await db
		.select({ organisationId: unit.organisationId })
		.from(unit)
		.where(eq(unit.id, unitId));
	const empty: CoverageReport = { week, dates, competences: {}, teams: [], gaps: [] };
	if (!unitRow) return empty;
	const organisationId = unitRow.organisationId;

	const teams = await db
		.select({ id: team.id, name: team.name })
		.from(team)
		.where(and(eq(team.unitId, unitId), options.teamId ? eq(team.id, options.teamId) : undefined))
		.orderBy(asc(team.name), asc(team.id));
	if (teams.length === 0) return empty;
	const teamIds = teams.map((t) => t.id);

	const [members, visits, granted, requirements, catalogue] = await Promise.all([
		db
			.select({
				teamId: teamMembership.teamId,
				id: staff.id,
				name: staff.name,
				lentOn: teamMembership.lentOn
			})
			.from(teamMembership)
			.innerJoin(staff, eq(staff.id, teamMembership.staffId))
			.where(
				and(
					inArray(teamMembership.teamId, teamIds),
					or(isNull(teamMembership.lentOn), between(teamMembership.lentOn, range.start, range.end)),
					eq(staff.active, true),
					ne(staff.role, 'teamDevice')
				)
			),
		db
			.select({
				teamId: plannedVisit.teamId,
				clientId: plannedVisit.clientId,
				date: plannedVisit.date,
				dayPart: plannedVisit.dayPart,
				services: plannedVisit.services,
				status: plannedVisit.status
			})
			.from(plannedVisit)
			.where(
				and(
					inArray(plannedVisit.teamId, teamIds),
					between(plannedVisit.date, range.start, range.end),
					inArray(plannedVisit.status, ['planned', 'done'])
				)
			),
		grantedServicesByTeam(db, teamIds, range),
		db
			.select()
			.from(serviceRequirement)
			.where(eq(serviceRequirement.organisationId, organisationId)),
		db.select().from(competence).where(eq(competence.organisationId, organisationId))
	]);

	const staffIds = [...new Set(members.map((m) => m.id))];
	const [held, absences] =
		staffIds.length === 0
			? [[], []]
			: await Promise.all([
					db
						.select({
							staffId: staffCompetence.staffId,
							code: staffCompetence.competenceCode,
							validFrom: staffCompetence.validFrom,
							validTo: staffCompetence.validTo
						})
						.from(staffCompetence)
						.where(inArray(staffCompetence.staffId, staffIds)),
					db
						.select({ staffId: absence.staffId, date: absence.date, dayParts: absence.dayParts })
						.from(absence)
						.where(
							and(inArray(absence.staffId, staffIds), between(absence.date, range.start, range.end))
						)
				]);

	const requires: Record<string, string[]> = {};
	for (const r of requirements) (requires[r.serviceCode] ??= []).push(r.competenceCode);
	const delegations = catalogue.filter((c) => c.isDelegation).map((c) => c.code);
	const competencesOf = new Map<
		string,
		{ code: string; validFrom: IsoDate; validTo: IsoDate | null }[]
	>();
	for (const h of held) {
		const list = competencesOf.get(h.staffId) ?? [];
		list.push({ code: h.code, validFrom: h.validFrom, validTo: h.validTo });
		competencesOf.set(h.staffId, list);
	}
	const absenceMap: Record<string, Record<IsoDate, 'day' | DayPart[]>> = {};
	for (const a of absences) {
		const parts = DAY_PARTS.filter((p) => a.dayParts?.includes(p));
		(absenceMap[a.staffId] ??= {})[a.date] =
			a.dayParts === null || parts.length === 4 ? 'day' : parts;
	}

	const reportTeams: CoverageTeam[] = teams.map((t) => {
		const byStaff = new Map<
			string,
			{ id: string; name: string; home: boolean; lentOn: IsoDate[] }
		>();
		for (const m of members.filter((row) => row.teamId === t.id)) {
			const entry = byStaff.get(m.id) ?? { id: m.id, name: m.name, home: false, lentOn: [] };
			if (m.lentOn === null) entry.home = true;
			else entry.lentOn.push(m.lentOn);
			byStaff.set(m.id, entry);
		}
		const coverage = coverageOf({
			dates,
			members: [...byStaff.values()].map((m) => ({
				...m,
				competences: competencesOf.get(m.id) ?? []
			})),
			absences: absenceMap,
			visits: visits
				.filter((v) => v.teamId === t.id)
				.map((v) => ({ ...v, dayPart: v.dayPart as DayPart })),
			grantedServices: granted.get(t.id) ?? [],
			requirements: requires,
			delegations
		});
		return { id: t.id, name: t.name, competences: coverage.competences, slots: coverage.slots };
	});

	const gapClientIds = [
		...new Set(
			reportTeams.flatMap((t) => t.slots.flatMap((s) => s.gaps.flatMap((g) => g.clientIds)))
		)
	];
	const clientNames = new Map(
		gapClientIds.length === 0
			? []
			: (
					await db
						.select({ id: client.id, name: client.name })
						.from(client)
						.where(inArray(client.id, gapClientIds))
				).map((c) => [c.id, c.name])
	);
	const gaps: CoverageGapRow[] = reportTeams
		.flatMap((t) =>
			t.slots.flatMap((s) =>
				s.gaps.map((g) => ({
					teamId: t.id,
					teamName: t.name,
					date: s.date,
					dayPart: s.dayPart,
					competence: g.competence,
					visits: g.visits,
					clients: g.clientIds.map((id) => ({ id, name: clientNames.get(id) ?? '' }))
				}))
			)
		)
		.sort(
			(a, b) =>
				(a.date < b.date ? -1 : a.date > b.date ? 1 : 0) ||
				DAY_PART_ORDER[a.dayPart] - DAY_PART_ORDER[b.dayPart]
		);

	const shown = new Set(reportTeams.flatMap((t) => t.competences));
	const locale = options.locale ?? 'sv';
	const competences: Record<string, CoverageCompetence> = {};
	for (const c of catalogue) {
		if (!shown.has(c.code)) continue;
		competences[c.code] = {
			code: c.code,
			name: locale === 'en' ? c.nameEn : c.nameSv,
			isDelegation: c.isDelegation
		};
	}
	for (const code of shown) competences[code] ??= { code, name: code, isDelegation: false };

	return { week, dates, competences, teams: reportTeams, gaps };
}

/**
 * Services granted to each team's active clients by decisions in force that cover some day of
 * the period (CV1).
 */
async function grantedServicesByTeam(
	db: Db,
	teamIds: string[],
	range: { start: IsoDate; end: IsoDate }
): Promise<Map<string, string[]>> {
	const result = await db.execute(sql`
		select distinct c.team_id as "teamId", ds.service_code as "service"
		from client c
		join decision d on d.client_id = c.id
		join decision_service ds on ds.decision_id = d.id
		where c.active
			and c.team_id in (${sql.join(
				teamIds.map((id) => sql`${id}::uuid`),
				sql`, `
			)})
			and ${decisionInForceAs('d')}
			and d.valid_from <= ${range.end}::date
			and (d.valid_to is null or d.valid_to >= ${range.start}::date)
	`);
	const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
		teamId: string;
		service: string;
	}[];
	const byTeam = new Map<string, string[]>();
	for (const r of rows) byTeam.set(r.teamId, [...(byTeam.get(r.teamId) ?? []), r.service]);
	return byTeam;
}

/**
 * Delegations of the unit's people that end within 30 days and are not renewed (K5), soonest
 * first. `delegationsEndingSoon` covers the user's whole scope (an administrator's whole
 * organisation); this narrows it to the unit shown.
 */
export async function delegationsEndingInUnit(
	db: Db,
	user: SessionUser,
	unitId: string,
	today: IsoDate
): Promise<EndingDelegation[]> {
	const [ending, people] = await Promise.all([
		delegationsEndingSoon(db, user, today),
		db.select({ id: staff.id }).from(staff).where(eq(staff.unitId, unitId))
	]);
	const inUnit = new Set(people.map((p) => p.id));
	return ending.filter((d) => inUnit.has(d.staffId));
}
