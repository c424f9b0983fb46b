/**
 * Benchmark data: one organisation with `boards` teams of six staff and five clients, each
 * client with a weekly frame of 5 h. Inserted in bulk; nothing here is demo data.
 */
import { STANDARD_SERVICES } from '../src/lib/domain/catalogue';
import type { Db } from '../src/lib/server/db/client';
import * as schema from '../src/lib/server/db/schema';

export interface BenchTeam {
	id: string;
	staff: string[];
	clients: string[];
}

export const BENCH_WEEK = '2026-W48';
export const BENCH_MONDAY = '2026-11-23';
export const FRAME_MINUTES = 300;

async function chunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>) {
	for (let i = 0; i < rows.length; i += 500) await insert(rows.slice(i, i + 500));
}

export async function seedBench(db: Db, boards: number): Promise<BenchTeam[]> {
	const uuid = () => crypto.randomUUID();
	const organisationId = uuid();
	const unitId = uuid();
	await db.insert(schema.organisation).values({ id: organisationId, name: 'Benchkommun' });
	await db.insert(schema.unit).values({ id: unitId, organisationId, name: 'Bench' });
	await db
		.insert(schema.service)
		.values(
			STANDARD_SERVICES.map((s) => ({ organisationId, code: s.code, nameSv: s.sv, nameEn: s.en }))
		);
	await db.insert(schema.serviceRequirement).values(
		STANDARD_SERVICES.flatMap((s) =>
			s.requires.map((competenceCode) => ({
				organisationId,
				serviceCode: s.code,
				competenceCode
			}))
		)
	);
	const teams: BenchTeam[] = [];
	const teamRows: (typeof schema.team.$inferInsert)[] = [];
	const staffRows: (typeof schema.staff.$inferInsert)[] = [];
	const memberships: (typeof schema.teamMembership.$inferInsert)[] = [];
	const competences: (typeof schema.staffCompetence.$inferInsert)[] = [];
	const clients: (typeof schema.client.$inferInsert)[] = [];
	const decisions: (typeof schema.decision.$inferInsert)[] = [];
	const decisionServices: (typeof schema.decisionService.$inferInsert)[] = [];
	for (let t = 0; t < boards; t++) {
		const team: BenchTeam = { id: uuid(), staff: [], clients: [] };
		teamRows.push({ id: team.id, organisationId, unitId, name: `Team ${t + 1}` });
		for (let s = 0; s < 6; s++) {
			const id = uuid();
			team.staff.push(id);
			staffRows.push({
				id,
				organisationId,
				username: `bench-${t}-${s}`,
				name: `Medarbetare ${t + 1}.${s + 1}`,
				role: 'worker',
				unitId
			});
			memberships.push({ organisationId, staffId: id, teamId: team.id });
			competences.push({
				organisationId,
				staffId: id,
				competenceCode: 'care-training',
				validFrom: '2020-01-01'
			});
		}
		for (let c = 0; c < 5; c++) {
			const id = uuid();
			const decisionId = uuid();
			team.clients.push(id);
			clients.push({ id, organisationId, teamId: team.id, name: `Brukare ${t + 1}.${c + 1}` });
			decisions.push({
				id: decisionId,
				organisationId,
				clientId: id,
				validFrom: '2026-01-01',
				frameMinutes: FRAME_MINUTES,
				framePeriod: 'week'
			});
			for (const serviceCode of ['meals', 'social', 'personal-care', 'walk']) {
				decisionServices.push({ decisionId, serviceCode });
			}
		}
		teams.push(team);
	}
	await chunked(teamRows, (rows) => db.insert(schema.team).values(rows));
	await chunked(staffRows, (rows) => db.insert(schema.staff).values(rows));
	await chunked(memberships, (rows) => db.insert(schema.teamMembership).values(rows));
	await chunked(competences, (rows) => db.insert(schema.staffCompetence).values(rows));
	await chunked(clients, (rows) => db.insert(schema.client).values(rows));
	await chunked(decisions, (rows) => db.insert(schema.decision).values(rows));
	await chunked(decisionServices, (rows) => db.insert(schema.decisionService).values(rows));
	return teams;
}
