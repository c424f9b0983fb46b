/**
 * Team read models for the JSON API and the pages (DESIGN.md §5 shapes). Staff of a team on
 * a date are its home members plus whoever is lent to it that day; team devices are not staff.
 */
import { and, asc, eq, inArray, isNull, ne, or } from 'drizzle-orm';
import type { FramePeriod, IsoDate } from '$lib/domain/types';
import type { Db } from '../db/client';
import {
	client,
	decision,
	decisionService,
	staff,
	staffCompetence,
	teamMembership
} from '../db/schema';
import { decisionInForce } from './decision-versions';

export interface TeamStaffRow {
	id: string;
	username: string;
	name: string;
	/** True when lent to this team for the day rather than a home member. */
	lent: boolean;
	competences: { code: string; validFrom: IsoDate; validTo: IsoDate | null }[];
}

export async function teamStaff(db: Db, teamId: string, date: IsoDate): Promise<TeamStaffRow[]> {
	const members = await db
		.select({
			id: staff.id,
			username: staff.username,
			name: staff.name,
			lentOn: teamMembership.lentOn
		})
		.from(teamMembership)
		.innerJoin(staff, eq(staff.id, teamMembership.staffId))
		.where(
			and(
				eq(teamMembership.teamId, teamId),
				or(isNull(teamMembership.lentOn), eq(teamMembership.lentOn, date)),
				ne(staff.role, 'teamDevice'),
				eq(staff.active, true)
			)
		)
		.orderBy(asc(staff.name));
	const byId = new Map<string, TeamStaffRow>();
	for (const m of members) {
		const existing = byId.get(m.id);
		if (existing) existing.lent &&= m.lentOn !== null;
		else
			byId.set(m.id, {
				id: m.id,
				username: m.username,
				name: m.name,
				lent: m.lentOn !== null,
				competences: []
			});
	}
	if (byId.size === 0) return [];
	const competences = await db
		.select()
		.from(staffCompetence)
		.where(inArray(staffCompetence.staffId, [...byId.keys()]))
		.orderBy(asc(staffCompetence.competenceCode), asc(staffCompetence.validFrom));
	for (const c of competences) {
		byId.get(c.staffId)?.competences.push({
			code: c.competenceCode,
			validFrom: c.validFrom,
			validTo: c.validTo
		});
	}
	return [...byId.values()];
}

export interface TeamClientRow {
	id: string;
	name: string;
	contactPersonId: string | null;
	decisions: {
		id: string;
		validFrom: IsoDate;
		validTo: IsoDate | null;
		frameMinutes: number;
		framePeriod: FramePeriod;
		services: string[];
	}[];
}

export async function teamClients(db: Db, teamId: string): Promise<TeamClientRow[]> {
	const clients = await db
		.select({ id: client.id, name: client.name, contactPersonId: client.contactPersonId })
		.from(client)
		.where(and(eq(client.teamId, teamId), eq(client.active, true)))
		.orderBy(asc(client.name));
	if (clients.length === 0) return [];
	const ids = clients.map((c) => c.id);
	const decisions = await db
		.select()
		.from(decision)
		.where(and(inArray(decision.clientId, ids), decisionInForce))
		.orderBy(asc(decision.validFrom));
	const services =
		decisions.length === 0
			? []
			: await db
					.select()
					.from(decisionService)
					.where(
						inArray(
							decisionService.decisionId,
							decisions.map((d) => d.id)
						)
					)
					.orderBy(asc(decisionService.serviceCode));
	const servicesOf = new Map<string, string[]>();
	for (const s of services) {
		const list = servicesOf.get(s.decisionId) ?? [];
		list.push(s.serviceCode);
		servicesOf.set(s.decisionId, list);
	}
	const decisionsOf = new Map<string, TeamClientRow['decisions']>();
	for (const d of decisions) {
		const list = decisionsOf.get(d.clientId) ?? [];
		list.push({
			id: d.id,
			validFrom: d.validFrom,
			validTo: d.validTo,
			frameMinutes: d.frameMinutes,
			framePeriod: d.framePeriod === 'month' ? 'month' : 'week',
			services: servicesOf.get(d.id) ?? []
		});
		decisionsOf.set(d.clientId, list);
	}
	return clients.map((c) => ({ ...c, decisions: decisionsOf.get(c.id) ?? [] }));
}
