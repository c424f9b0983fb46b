import { maxDelegationEnd } from '../../domain/competences';
import { verify } from '@node-rs/argon2';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../tests/fixtures/test-db';
import { STANDARD_SERVICES } from '../../domain/catalogue';
import { addDays, isoWeekKey, isoWeekRange, isWithin } from '../../domain/periods';
import { serviceCatalogue } from '../services/catalogue';
import { frameReport } from '../services/frames';
import type { Db } from './client';
import * as schema from './schema';
import { DEMO_PASSWORD, DatabaseNotEmptyError, seedDemo, type DemoSeedResult } from './seed-demo';

// A Wednesday, so the past week spans two ISO weeks.
const TODAY = '2026-11-25';

let handle: TestDatabase;
let db: Db;
let demo: DemoSeedResult;
let seedMs: number;

beforeAll(async () => {
	handle = await createTestDatabase();
	db = handle.db;
	const started = performance.now();
	demo = await seedDemo(db, { today: TODAY });
	seedMs = performance.now() - started;
});
afterAll(() => handle.close());

async function people() {
	return db.select().from(schema.staff).orderBy(schema.staff.username);
}

async function homeTeamOf(staffId: string) {
	const rows = await db
		.select({ name: schema.team.name })
		.from(schema.teamMembership)
		.innerJoin(schema.team, eq(schema.team.id, schema.teamMembership.teamId))
		.where(and(eq(schema.teamMembership.staffId, staffId), isNull(schema.teamMembership.lentOn)));
	return rows.map((r) => r.name);
}

async function competencesOf(username: string) {
	return db
		.select({
			code: schema.staffCompetence.competenceCode,
			validFrom: schema.staffCompetence.validFrom,
			validTo: schema.staffCompetence.validTo
		})
		.from(schema.staffCompetence)
		.innerJoin(schema.staff, eq(schema.staff.id, schema.staffCompetence.staffId))
		.where(eq(schema.staff.username, username));
}

const validOn = (c: { validFrom: string; validTo: string | null }, date: string) =>
	c.validFrom <= date && (c.validTo === null || date <= c.validTo);

describe('seedDemo', () => {
	it('creates Exempelkommun with the unit Hemtjänst Norr and the teams Björken and Eken', async () => {
		const [org] = await db.select().from(schema.organisation);
		const units = await db.select().from(schema.unit);
		const teams = await db.select().from(schema.team).orderBy(schema.team.name);

		expect(org.name).toBe('Exempelkommun');
		expect(units.map((u) => u.name)).toEqual(['Hemtjänst Norr']);
		expect(teams.map((t) => t.name)).toEqual(['Björken', 'Eken']);
		expect(teams.every((t) => t.unitId === units[0].id && t.area !== '')).toBe(true);
	});

	it('creates exactly the users of the demo, each with the role DESIGN.md names', async () => {
		const byUsername = Object.fromEntries((await people()).map((p) => [p.username, p]));

		expect(Object.keys(byUsername).sort()).toEqual(
			[
				'admin',
				'anna',
				'bertil',
				'bjorken-platta',
				'cecilia',
				'david',
				'eken-platta',
				'elin',
				'erik',
				'fatima',
				'frida',
				'gustav',
				'hanna',
				'ingrid',
				'johan',
				'maria'
			].sort()
		);
		expect(byUsername.anna.role).toBe('worker');
		expect(byUsername.bertil.role).toBe('worker');
		expect(byUsername.erik.role).toBe('worker');
		expect(byUsername.maria.role).toBe('manager');
		expect(byUsername.maria.unitId).toBe(demo.unitId);
		expect(byUsername.hanna.role).toBe('caseOfficer');
		expect(byUsername.admin.role).toBe('admin');
		expect(byUsername['bjorken-platta'].role).toBe('teamDevice');
		expect(byUsername['eken-platta'].role).toBe('teamDevice');
		expect(await homeTeamOf(byUsername.anna.id)).toEqual(['Björken']);
		expect(await homeTeamOf(byUsername.bertil.id)).toEqual(['Björken']);
		expect(await homeTeamOf(byUsername.erik.id)).toEqual(['Eken']);
		expect(await homeTeamOf(byUsername['bjorken-platta'].id)).toEqual(['Björken']);
		expect(await homeTeamOf(byUsername['eken-platta'].id)).toEqual(['Eken']);
	});

	it('gives every demo user the password ramtavlan-demo, hashed with Argon2id', async () => {
		const all = await people();
		for (const person of all) {
			expect(person.passwordHash, person.username).toMatch(/^\$argon2id\$/);
			expect(await verify(person.passwordHash!, DEMO_PASSWORD), person.username).toBe(true);
		}
		expect(await verify(all[0].passwordHash!, 'fel-lösenord')).toBe(false);
	});

	it('staffs Björken with 6 workers and about 20 clients, Eken with 5 workers and about 18', async () => {
		const workers = await db
			.select({ team: schema.team.name, username: schema.staff.username })
			.from(schema.teamMembership)
			.innerJoin(schema.staff, eq(schema.staff.id, schema.teamMembership.staffId))
			.innerJoin(schema.team, eq(schema.team.id, schema.teamMembership.teamId))
			.where(eq(schema.staff.role, 'worker'));
		const clients = await db
			.select({ team: schema.team.name })
			.from(schema.client)
			.innerJoin(schema.team, eq(schema.team.id, schema.client.teamId));
		const count = (rows: { team: string }[], team: string) =>
			rows.filter((r) => r.team === team).length;

		expect(count(workers, 'Björken')).toBe(6);
		expect(count(workers, 'Eken')).toBe(5);
		expect(count(clients, 'Björken')).toBe(20);
		expect(count(clients, 'Eken')).toBe(18);
	});

	it('gives anna care training and insulin and medication delegations valid today', async () => {
		const anna = await competencesOf('anna');
		const held = (code: string) => anna.some((c) => c.code === code && validOn(c, TODAY));

		expect(held('insulin-delegation')).toBe(true);
		expect(held('medication-delegation')).toBe(true);
		expect(held('care-training')).toBe(true);
	});

	it('gives bertil care training but no delegation at all', async () => {
		const bertil = await competencesOf('bertil');

		expect(bertil.map((c) => c.code)).toEqual(['care-training']);
	});

	it('lets every delegation end within a year of being issued, and exactly one within 30 days of today', async () => {
		const delegations = await db
			.select({
				username: schema.staff.username,
				code: schema.staffCompetence.competenceCode,
				validFrom: schema.staffCompetence.validFrom,
				validTo: schema.staffCompetence.validTo
			})
			.from(schema.staffCompetence)
			.innerJoin(schema.staff, eq(schema.staff.id, schema.staffCompetence.staffId))
			.innerJoin(
				schema.competence,
				and(
					eq(schema.competence.organisationId, schema.staffCompetence.organisationId),
					eq(schema.competence.code, schema.staffCompetence.competenceCode)
				)
			)
			.where(eq(schema.competence.isDelegation, true));
		const soon = delegations.filter((d) => validOn(d, TODAY) && d.validTo! <= addDays(TODAY, 30));

		expect(delegations.length).toBeGreaterThan(4);
		for (const d of delegations) {
			expect(d.validTo).not.toBeNull();
			// [K2] at most a year: ends no later than the day before the anniversary.
			expect(d.validTo! <= maxDelegationEnd(d.validFrom), `${d.username} ${d.code}`).toBe(true);
		}
		expect(soon).toHaveLength(1);
		expect(soon[0].username).not.toBe('anna');
	});

	it('inserts the standard service catalogue for the organisation', async () => {
		const catalogue = await serviceCatalogue(db, demo.organisationId);

		expect(Object.keys(catalogue).sort()).toEqual(STANDARD_SERVICES.map((s) => s.code).sort());
		expect(catalogue.insulin.requires).toEqual(['insulin-delegation']);
		expect(catalogue.lift).toMatchObject({ requires: ['lift-training'], twoStaff: true });
		expect(catalogue.cleaning.requires).toEqual([]);
	});

	it('grants decisions from 4 h a month to 35 h a week, with weekly and monthly frames', async () => {
		const decisions = await db.select().from(schema.decision);
		const kinds = new Set(decisions.map((d) => d.framePeriod));
		const monthly = decisions.filter((d) => d.framePeriod === 'month').map((d) => d.frameMinutes);
		const weekly = decisions.filter((d) => d.framePeriod === 'week').map((d) => d.frameMinutes);

		expect(kinds).toEqual(new Set(['week', 'month']));
		expect(Math.min(...monthly)).toBe(240);
		expect(Math.max(...weekly)).toBe(2100);
		expect(decisions.every((d) => d.frameMinutes % 30 === 0)).toBe(true);
	});

	it('gives every active client a decision valid today, and exactly one ends this week', async () => {
		const decisions = await db.select().from(schema.decision);
		const clients = await db.select().from(schema.client);
		const week = isoWeekRange(isoWeekKey(TODAY));
		const endingThisWeek = decisions.filter((d) => d.validTo !== null && isWithin(d.validTo, week));

		for (const c of clients) {
			expect(
				decisions.some((d) => d.clientId === c.id && validOn(d, TODAY)),
				c.name
			).toBe(true);
		}
		expect(endingThisWeek).toHaveLength(1);
		expect(endingThisWeek[0].validTo! >= TODAY).toBe(true);
	});

	it('grants several Björken clients insulin or medication, and the team holds what every granted service needs', async () => {
		const catalogue = await serviceCatalogue(db, demo.organisationId);
		for (const team of demo.teams) {
			const granted = await db
				.select({ clientId: schema.decision.clientId, code: schema.decisionService.serviceCode })
				.from(schema.decisionService)
				.innerJoin(schema.decision, eq(schema.decision.id, schema.decisionService.decisionId))
				.innerJoin(schema.client, eq(schema.client.id, schema.decision.clientId))
				.where(eq(schema.client.teamId, team.id));
			const held = await db
				.select({
					code: schema.staffCompetence.competenceCode,
					validFrom: schema.staffCompetence.validFrom,
					validTo: schema.staffCompetence.validTo
				})
				.from(schema.staffCompetence)
				.innerJoin(
					schema.teamMembership,
					eq(schema.teamMembership.staffId, schema.staffCompetence.staffId)
				)
				.where(eq(schema.teamMembership.teamId, team.id));
			const codesHeld = new Set(held.filter((c) => validOn(c, TODAY)).map((c) => c.code));
			for (const { code } of granted) {
				for (const required of catalogue[code].requires) {
					expect(codesHeld.has(required), `${team.name}: ${code} needs ${required}`).toBe(true);
				}
			}
			if (team.name === 'Björken') {
				const medical = new Set(
					granted
						.filter((g) => g.code === 'insulin' || g.code === 'medication')
						.map((g) => g.clientId)
				);
				const insulin = new Set(granted.filter((g) => g.code === 'insulin').map((g) => g.clientId));
				expect(medical.size).toBeGreaterThanOrEqual(5);
				expect(insulin.size).toBeGreaterThanOrEqual(2);
			}
		}
	});

	it('gives clients a contact person in their team, an area, preferences and fictional access notes', async () => {
		const clients = await db.select().from(schema.client);
		const names = new Set(clients.map((c) => c.name));
		for (const c of clients) {
			const team = demo.teams.find((t) => t.id === c.teamId)!;
			expect(team.staffIds).toContain(c.contactPersonId);
			expect(c.area).not.toBe('');
			expect(c.preferences).not.toBe('');
			expect(c.accessNotes).not.toMatch(/\d{2,}/); // no street numbers or door codes
			// Codes are kept apart, shown only on request (and logged).
			expect(c.accessCode).toMatch(/^((Portkod|Nyckelgömma:) \d{4})?$/);
		}
		expect(names.size).toBe(clients.length);
		expect(clients.filter((c) => c.accessCode !== '').length).toBeGreaterThan(clients.length / 2);
	});

	it('records a past week of time in 5-minute steps for most clients, within their frames', async () => {
		const entries = await db.select().from(schema.timeEntry);
		const clients = new Set(entries.map((e) => e.clientId));
		const past = { start: addDays(TODAY, -7), end: addDays(TODAY, -1) };

		expect(clients.size).toBeGreaterThanOrEqual(30);
		for (const e of entries) {
			expect(isWithin(e.date, past), e.date).toBe(true);
			expect(e.minutes % 5).toBe(0);
			expect(e.minutes).toBeGreaterThan(0);
			expect(e.minutes).toBeLessThanOrEqual(480);
		}
		expect(new Set(entries.map((e) => e.date)).size).toBe(7);

		// Over the frame only where an entry was recorded anyway and flagged.
		const flagged = new Set(entries.filter((e) => e.overdrawn).map((e) => e.clientId));
		expect(flagged.size).toBe(1);
		for (const team of demo.teams) {
			const rows = await frameReport(db, { teamId: team.id, period: past });
			for (const row of rows) {
				if (!flagged.has(row.clientId)) {
					expect(row.usedMinutes, `${row.name} ${row.period}`).toBeLessThanOrEqual(
						row.frameMinutes
					);
				}
			}
			expect(rows.some((r) => r.leftMinutes < 0)).toBe(team.name === 'Björken');
		}
	});

	it('includes a corrected entry that the frame counts only once', async () => {
		const entries = await db.select().from(schema.timeEntry);
		const correcting = entries.filter((e) => e.correctsId !== null);

		expect(correcting).toHaveLength(1);
		const original = entries.find((e) => e.id === correcting[0].correctsId)!;
		expect(original.minutes).toBeGreaterThan(correcting[0].minutes);
	});

	it('leaves the board projection empty: visits are planned on the boards', async () => {
		expect(await db.select().from(schema.plannedVisit)).toEqual([]);
	});

	it('seeds in well under 3 seconds', () => {
		expect(seedMs).toBeLessThan(3000);
	});

	it('refuses a database that already holds an organisation', async () => {
		await expect(seedDemo(db, { today: TODAY })).rejects.toBeInstanceOf(DatabaseNotEmptyError);
		expect(await db.select().from(schema.organisation)).toHaveLength(1);
	});
});

describe('seedDemo on another database', () => {
	it('gives the same demo, ids included, for the same day', async () => {
		const other = await createTestDatabase();
		try {
			const again = await seedDemo(other.db, { today: TODAY });
			expect(again.clients).toEqual(demo.clients);
			expect(again.staff).toEqual(demo.staff);
			const entries = await other.db.select().from(schema.timeEntry).orderBy(schema.timeEntry.id);
			const mine = await db.select().from(schema.timeEntry).orderBy(schema.timeEntry.id);
			expect(entries.map((e) => [e.id, e.date, e.minutes])).toEqual(
				mine.map((e) => [e.id, e.date, e.minutes])
			);
		} finally {
			await other.close();
		}
	});

	// New Year's Day in ISO week 53, and a leap day: the past week crosses month and year ends.
	it.each(['2027-01-01', '2028-02-29'])(
		'keeps the demo current when seeded on %s',
		async (today) => {
			const other = await createTestDatabase();
			try {
				const seeded = await seedDemo(other.db, { today });
				const decisions = await other.db.select().from(schema.decision);
				const week = isoWeekRange(isoWeekKey(today));
				const endingThisWeek = decisions.filter(
					(d) => d.validTo !== null && isWithin(d.validTo, week) && d.validTo >= today
				);
				const delegationsEndingSoon = await other.db
					.select({ validTo: schema.staffCompetence.validTo })
					.from(schema.staffCompetence)
					.where(
						and(
							sql`${schema.staffCompetence.competenceCode} like '%-delegation'`,
							sql`${schema.staffCompetence.validTo} between ${today} and ${addDays(today, 30)}`
						)
					);
				const entries = await other.db.select().from(schema.timeEntry);
				const flagged = new Set(entries.filter((e) => e.overdrawn).map((e) => e.clientId));
				const past = { start: addDays(today, -7), end: addDays(today, -1) };

				for (const c of seeded.clients) {
					expect(decisions.some((d) => d.clientId === c.id && validOn(d, today))).toBe(true);
				}
				expect(endingThisWeek).toHaveLength(1);
				expect(delegationsEndingSoon).toHaveLength(1);
				expect(entries.every((e) => isWithin(e.date, past))).toBe(true);
				expect(flagged.size).toBe(1);
				for (const team of seeded.teams) {
					for (const row of await frameReport(other.db, { teamId: team.id, period: past })) {
						if (!flagged.has(row.clientId)) {
							expect(row.usedMinutes).toBeLessThanOrEqual(row.frameMinutes);
						}
					}
				}
			} finally {
				await other.close();
			}
		}
	);
});
