/**
 * The manager's continuity report (`/manager/continuity`, SPEC.md CO1–CO7) on a test database:
 * which time entries count as meeting a client (effective, with the client, carried out),
 * the team and unit medians, the trend over earlier fortnights, the single-client figures for
 * the client page, and who may open the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { addDays } from '../../src/lib/domain/periods';
import type { SessionUser } from '../../src/lib/server/auth/session';
import type { Db } from '../../src/lib/server/db/client';
import { auditLog } from '../../src/lib/server/db/schema';
import { staffMetLast14Days } from '../../src/lib/server/services/continuity';
import {
	clientContinuity,
	continuityReport
} from '../../src/lib/server/services/continuity-report';
import { load } from '../../src/routes/manager/continuity/+page.server';
import { createPerson, type OrgFixture } from '../fixtures/factories';
import { addClient, addEntry, loadOutcome, pageEvent, useTestApp } from '../fixtures/manager-pages';
import { addUnit, createOrgWithCatalogue, userOf } from '../fixtures/people';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';

/** A Monday; the report's day. */
const DAY = '2025-06-30';
const inWindow = (n: number) => addDays(DAY, -n); // n = 0..13 lies in the current window

let handle: TestDatabase;
let db: Db;
let org: OrgFixture;
let undoApp: () => void;
let south: { unitId: string; teamId: string };
const staff: string[] = [];
const clients = {} as Record<'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'south', string>;
const users = {} as Record<
	'manager' | 'otherManager' | 'worker' | 'caseOfficer' | 'teamDevice' | 'admin',
	SessionUser
>;

beforeAll(async () => {
	handle = await createTestDatabase();
	db = handle.db;
	undoApp = useTestApp(handle);
	org = await createOrgWithCatalogue(db);
	south = await addUnit(db, org);
	const bjorken = org.teams['Björken'];
	const eken = org.teams['Eken'];
	for (let i = 0; i < 20; i++) {
		staff.push(
			await createPerson(db, org, {
				username: `w${i}`,
				name: `Medarbetare ${i}`,
				homeTeamId: i < 10 ? bjorken : eken
			})
		);
	}
	const o = org.organisationId;
	clients.a = await addClient(db, o, bjorken, 'Astrid Berg', { contactPersonId: staff[0] });
	clients.b = await addClient(db, o, bjorken, 'Bror Dahl');
	clients.c = await addClient(db, o, bjorken, 'Cissi Ek');
	clients.d = await addClient(db, o, bjorken, 'Dagny Frid');
	clients.e = await addClient(db, o, eken, 'Einar Gran');
	clients.f = await addClient(db, o, eken, 'Frans Holm');
	clients.south = await addClient(db, o, south.teamId, 'Sigrid Syd');
	await addClient(db, o, bjorken, 'Inaktiv Person', { active: false });

	// A: three staff with the client in the window (one of them twice); one did the shopping
	// without the client, one visit was declined, one not carried out, one entry lies the day
	// before the window. The fortnight before: one person.
	await addEntry(db, o, { clientId: clients.a, staffId: staff[0], date: inWindow(0) });
	await addEntry(db, o, { clientId: clients.a, staffId: staff[0], date: inWindow(5) });
	await addEntry(db, o, { clientId: clients.a, staffId: staff[1], date: inWindow(13) });
	await addEntry(db, o, { clientId: clients.a, staffId: staff[2], date: inWindow(7) });
	await addEntry(db, o, {
		clientId: clients.a,
		staffId: staff[3],
		date: inWindow(2),
		withClient: false
	});
	await addEntry(db, o, {
		clientId: clients.a,
		staffId: staff[4],
		date: inWindow(3),
		outcome: 'declined',
		minutes: 0
	});
	await addEntry(db, o, {
		clientId: clients.a,
		staffId: staff[5],
		date: inWindow(3),
		outcome: 'not-done',
		minutes: 0
	});
	await addEntry(db, o, { clientId: clients.a, staffId: staff[6], date: inWindow(14) });

	// B: corrections. s0's entry corrected (same person) counts once; s1's entry corrected to
	// name s2 counts s2 only; s3's entry withdrawn (corrected to 0) does not count; of two
	// corrections of s6's entry the later one (s5) counts.
	const b1 = await addEntry(db, o, { clientId: clients.b, staffId: staff[0], date: inWindow(1) });
	await addEntry(db, o, {
		clientId: clients.b,
		staffId: staff[0],
		date: inWindow(1),
		minutes: 25,
		correctsId: b1
	});
	const b2 = await addEntry(db, o, { clientId: clients.b, staffId: staff[1], date: inWindow(2) });
	await addEntry(db, o, {
		clientId: clients.b,
		staffId: staff[2],
		date: inWindow(2),
		correctsId: b2
	});
	const b3 = await addEntry(db, o, { clientId: clients.b, staffId: staff[3], date: inWindow(3) });
	await addEntry(db, o, {
		clientId: clients.b,
		staffId: staff[3],
		date: inWindow(3),
		minutes: 0,
		correctsId: b3
	});
	const b4 = await addEntry(db, o, { clientId: clients.b, staffId: staff[6], date: inWindow(4) });
	await addEntry(db, o, {
		clientId: clients.b,
		staffId: staff[4],
		date: inWindow(4),
		correctsId: b4
	});
	await addEntry(db, o, {
		clientId: clients.b,
		staffId: staff[5],
		date: inWindow(4),
		correctsId: b4
	});

	// C: nothing recorded. D: sixteen different staff (above the national level of 15).
	for (let i = 0; i < 16; i++) {
		await addEntry(db, o, { clientId: clients.d, staffId: staff[i], date: inWindow(i % 14) });
	}
	// Eken: E five staff, F four.
	for (let i = 10; i < 15; i++) {
		await addEntry(db, o, { clientId: clients.e, staffId: staff[i], date: inWindow(i - 9) });
	}
	for (let i = 10; i < 14; i++) {
		await addEntry(db, o, { clientId: clients.f, staffId: staff[i], date: inWindow(i - 10) });
	}
	// Another unit's client.
	await addEntry(db, o, { clientId: clients.south, staffId: staff[0], date: inWindow(0) });

	const roles = [
		['manager', 'manager', undefined],
		['otherManager', 'manager', south.unitId],
		['worker', 'worker', undefined],
		['caseOfficer', 'caseOfficer', null],
		['teamDevice', 'teamDevice', undefined],
		['admin', 'admin', null]
	] as const;
	for (const [who, role, unitId] of roles) {
		users[who] = await userOf(db, org, {
			username: `u-${who}`,
			role,
			unitId,
			homeTeamId: role === 'worker' || role === 'teamDevice' ? org.teams['Björken'] : undefined
		});
	}
});

afterAll(async () => {
	undoApp();
	await handle.close();
});

describe('what counts (CO1)', () => {
	it('[CO1] counts different staff met with the client in the 14 days ending on the day', async () => {
		const report = await continuityReport(db, org.unitId, DAY);
		const met = Object.fromEntries(report.clients.map((c) => [c.name, c.staffMet]));
		expect(met).toEqual({
			'Astrid Berg': 3,
			'Bror Dahl': 3,
			'Cissi Ek': 0,
			'Dagny Frid': 16,
			'Einar Gran': 5,
			'Frans Holm': 4
		});
		expect(report.window).toEqual({ start: '2025-06-17', end: DAY });
	});

	it('[CO1] [T1] counts each correction chain once, by its effective entry', async () => {
		// Bror Dahl: s0 (corrected, same person), s2 (replaced s1), s5 (the later of two
		// corrections of s6's entry); s3 withdrawn with 0 minutes.
		const result = await clientContinuity(db, clients.b, DAY);
		expect(result.staffMet).toBe(3);
	});

	it('[CO1] time without the client, declined and not-done visits do not count', async () => {
		const a = await clientContinuity(db, clients.a, DAY);
		expect(a.staffMet).toBe(3);
	});

	it('the board hint keeps its own count (every with-client entry)', async () => {
		const board = await staffMetLast14Days(db, [clients.a, clients.c], DAY);
		// The board's hint counts with-client entries as they are recorded: s0, s1, s2, s4, s5.
		expect(board[clients.a]).toBe(5);
		expect(board[clients.c]).toBeUndefined();
	});
});

describe('medians and the national level (CO4, CO5)', () => {
	it('[CO4] team and unit medians leave out clients without visits', async () => {
		const report = await continuityReport(db, org.unitId, DAY);
		const teams = Object.fromEntries(report.teams.map((t) => [t.name, t]));
		// Björken: 3, 3, 16 (Cissi has no visits) → 3. Eken: 4, 5 → 4.5.
		expect(teams['Björken'].median).toBe(3);
		expect(teams['Björken'].measuredClients).toBe(3);
		expect(teams['Björken'].clients).toBe(4);
		expect(teams['Eken'].median).toBe(4.5);
		// Unit: 3, 3, 4, 5, 16 → 4. The other unit's client is not part of it.
		expect(report.unit.median).toBe(4);
		expect(report.clients.map((c) => c.name)).not.toContain('Sigrid Syd');
		expect(report.clients.map((c) => c.name)).not.toContain('Inaktiv Person');
	});

	it('[CO5] marks clients above the national level', async () => {
		const report = await continuityReport(db, org.unitId, DAY);
		expect(report.nationalLevel).toBe(15);
		expect(report.clients.filter((c) => c.aboveNational).map((c) => c.name)).toEqual([
			'Dagny Frid'
		]);
		expect(report.teams.find((t) => t.name === 'Björken')!.aboveNational).toBe(1);
	});

	it('[CO7] lists clients worst first, without visits last, and filters by team', async () => {
		const all = await continuityReport(db, org.unitId, DAY);
		expect(all.clients.map((c) => c.name)).toEqual([
			'Dagny Frid',
			'Einar Gran',
			'Frans Holm',
			'Astrid Berg',
			'Bror Dahl',
			'Cissi Ek'
		]);
		expect(all.clients[3].contactPersonName).toBe('Medarbetare 0');
		const eken = await continuityReport(db, org.unitId, DAY, { teamId: org.teams['Eken'] });
		expect(eken.clients.map((c) => c.name)).toEqual(['Einar Gran', 'Frans Holm']);
		expect(eken.teams).toHaveLength(2);
		expect(eken.unit.median).toBe(4);
	});
});

describe('trend (CO3, CO6)', () => {
	it('[CO3] gives seven fortnights ending on the day, oldest first', async () => {
		const a = await clientContinuity(db, clients.a, DAY);
		expect(a.trend.map((p) => p.endDate)).toEqual([
			'2025-04-07',
			'2025-04-21',
			'2025-05-05',
			'2025-05-19',
			'2025-06-02',
			'2025-06-16',
			DAY
		]);
		expect(a.trend.map((p) => p.staffMet)).toEqual([0, 0, 0, 0, 0, 1, 3]);
	});

	it('[CO6] a client who now meets more staff than before is worsening', async () => {
		const report = await continuityReport(db, org.unitId, DAY);
		const byName = Object.fromEntries(report.clients.map((c) => [c.name, c]));
		expect(byName['Astrid Berg'].direction).toBe('worsening');
		expect(byName['Dagny Frid'].direction).toBe('unknown');
		// Björken's median: the fortnight before only Astrid had a visit (1); now 3.
		const bjorken = report.teams.find((t) => t.name === 'Björken')!;
		expect(bjorken.trend.map((p) => p.median)).toEqual([null, null, null, null, null, 1, 3]);
		expect(bjorken.direction).toBe('worsening');
	});

	it('[CO2] an earlier day moves the window', async () => {
		const earlier = await clientContinuity(db, clients.a, addDays(DAY, -1));
		// s0 on DAY drops out, s0 on DAY−5 remains; s6 on DAY−14 comes in.
		expect(earlier.staffMet).toBe(4);
	});
});

describe('who may open the page', () => {
	const path = `/manager/continuity?date=${DAY}`;

	it('the unit manager sees the unit, and the read is logged per client', async () => {
		const result = await loadOutcome(() => load(pageEvent(users.manager, path)) as Promise<never>);
		expect(result.ok).toBe(true);
		const data = (result as { data: Awaited<ReturnType<typeof load>> }).data as {
			report: { clients: { name: string }[] };
		};
		expect(data.report.clients).toHaveLength(6);
		const logged = await db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.staffId, users.manager.id), eq(auditLog.clientId, clients.d)));
		expect(logged.length).toBeGreaterThan(0);
		expect(logged[0].action).toBe('read');
	});

	it('workers, case officers and team tablets get 403; nobody signed in goes to the login', async () => {
		for (const who of ['worker', 'caseOfficer', 'teamDevice'] as const) {
			expect(await loadOutcome(() => load(pageEvent(users[who], path)) as Promise<never>)).toEqual({
				ok: false,
				outcome: 403
			});
		}
		expect(await loadOutcome(() => load(pageEvent(null, path)) as Promise<never>)).toEqual({
			ok: false,
			outcome: 'login'
		});
	});

	it("another unit's manager sees only their unit and gets 403 for this one", async () => {
		const own = await loadOutcome(
			() => load(pageEvent(users.otherManager, path)) as Promise<never>
		);
		expect(own.ok).toBe(true);
		const names = (
			own as { data: { report: { clients: { name: string }[] } } }
		).data.report.clients.map((c) => c.name);
		expect(names).toEqual(['Sigrid Syd']);
		expect(
			await loadOutcome(
				() => load(pageEvent(users.otherManager, `${path}&unit=${org.unitId}`)) as Promise<never>
			)
		).toEqual({ ok: false, outcome: 403 });
	});

	it('an admin picks the unit; a bad date falls back to today with a message', async () => {
		const result = await loadOutcome(
			() =>
				load(
					pageEvent(users.admin, `/manager/continuity?unit=${org.unitId}&date=2025-02-30`)
				) as Promise<never>
		);
		expect(result.ok).toBe(true);
		const data = (result as { data: { dateError: boolean; filter: { date: string } } }).data;
		expect(data.dateError).toBe(true);
		expect(data.filter.date).toBe('2025-02-30');
	});

	it('a team of another unit in ?team= is ignored', async () => {
		const result = await loadOutcome(
			() => load(pageEvent(users.manager, `${path}&team=${south.teamId}`)) as Promise<never>
		);
		const data = (
			result as { data: { filter: { teamId: string }; report: { clients: unknown[] } } }
		).data;
		expect(data.filter.teamId).toBe('');
		expect(data.report.clients).toHaveLength(6);
	});
});
