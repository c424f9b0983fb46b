/**
 * The manager's client page (`/manager/clients/<id>`): frame usage per period over the last
 * year read from the usage summary (SPEC.md U1–U8), the frame in force each period, what the
 * client declined, and who may open the page — a manager of the client's unit or an admin;
 * another unit's manager 403, every other role 403, an unknown client 404 — with every opening
 * logged as a read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHttpError, isRedirect } from '@sveltejs/kit';
import { and, eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { STANDARD_SERVICES } from '../../src/lib/domain/catalogue';
import type { App } from '../../src/lib/server/app';
import { createSessionStore, type SessionUser } from '../../src/lib/server/auth/session';
import { configFromEnv } from '../../src/lib/server/config';
import type { Db } from '../../src/lib/server/db/client';
import {
	auditLog,
	client,
	clientPeriodUsage,
	decision,
	decisionService,
	plannedVisit,
	service,
	timeEntry
} from '../../src/lib/server/db/schema';
import {
	clientUsageHistory,
	declinedLately,
	monthsBefore,
	type UsagePeriod
} from '../../src/lib/server/services/client-usage';
import { load } from '../../src/routes/manager/clients/[clientId]/+page.server';
import { createOrg, createPerson, type OrgFixture } from '../fixtures/factories';
import { addUnit, userOf } from '../fixtures/people';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';

const APP_KEY = Symbol.for('ramtavlan.app');
/** A Wednesday in ISO week 2026-W48. */
const TODAY = '2026-11-25';

let handle: TestDatabase;
let db: Db;
let org: OrgFixture;
let workerId: string;
const clients = {} as Record<'weekly' | 'changing' | 'south' | 'foreign', string>;
const users = {} as Record<
	'manager' | 'otherManager' | 'worker' | 'caseOfficer' | 'teamDevice' | 'admin' | 'foreign',
	SessionUser
>;

async function addClient(
	orgId: string,
	teamId: string,
	name: string,
	contactPersonId?: string
): Promise<string> {
	const [c] = await db
		.insert(client)
		.values({ organisationId: orgId, teamId, name, contactPersonId })
		.returning();
	return c.id;
}

async function addDecision(
	clientId: string,
	d: {
		validFrom: string;
		validTo?: string | null;
		frameMinutes: number;
		framePeriod: 'week' | 'month';
		services?: string[];
		replacesId?: string;
		createdAt?: Date;
	}
): Promise<string> {
	const [row] = await db
		.insert(decision)
		.values({
			organisationId: org.organisationId,
			clientId,
			validFrom: d.validFrom,
			validTo: d.validTo ?? null,
			frameMinutes: d.frameMinutes,
			framePeriod: d.framePeriod,
			replacesId: d.replacesId,
			createdAt: d.createdAt
		})
		.returning();
	const services = d.services ?? ['personal-care', 'shower'];
	await db
		.insert(decisionService)
		.values(services.map((serviceCode) => ({ decisionId: row.id, serviceCode })));
	return row.id;
}

let stamp = Date.parse('2026-01-01T08:00:00Z');
/** A time entry; later calls are recorded later. */
async function record(
	clientId: string,
	date: string,
	minutes: number,
	extra: Partial<typeof timeEntry.$inferInsert> = {}
): Promise<string> {
	stamp += 60_000;
	const [row] = await db
		.insert(timeEntry)
		.values({
			organisationId: org.organisationId,
			clientId,
			staffId: workerId,
			date,
			minutes,
			createdAt: new Date(stamp),
			...extra
		})
		.returning();
	return row.id;
}

async function plan(clientId: string, date: string, minutes: number, status = 'planned') {
	const [c] = await db.select().from(client).where(eq(client.id, clientId));
	await db.insert(plannedVisit).values({
		id: randomUUID(),
		organisationId: org.organisationId,
		teamId: c.teamId,
		clientId,
		room: `board:${c.teamId}:x`,
		date,
		dayPart: 'morning',
		minutes,
		status,
		services: ['shower']
	});
}

beforeAll(async () => {
	handle = await createTestDatabase();
	db = handle.db;
	org = await createOrg(db, ['Björken', 'Eken']);
	await db.insert(service).values(
		STANDARD_SERVICES.map((s) => ({
			organisationId: org.organisationId,
			code: s.code,
			nameSv: s.sv,
			nameEn: s.en
		}))
	);
	const south = await addUnit(db, org);
	const bjorken = org.teams['Björken'];
	workerId = await createPerson(db, org, {
		username: 'lisa',
		name: 'Lisa Karlsson',
		homeTeamId: bjorken
	});
	users.manager = await userOf(db, org, { username: 'chef', role: 'manager' });
	users.otherManager = await userOf(db, org, {
		username: 'chef-syd',
		role: 'manager',
		unitId: south.unitId
	});
	users.worker = await userOf(db, org, { username: 'w', role: 'worker', homeTeamId: bjorken });
	users.caseOfficer = await userOf(db, org, { username: 'h', role: 'caseOfficer', unitId: null });
	users.teamDevice = await userOf(db, org, {
		username: 'platta',
		role: 'teamDevice',
		homeTeamId: bjorken
	});
	users.admin = await userOf(db, org, { username: 'admin', role: 'admin', unitId: null });
	const other = await createOrg(db, ['Lönnen']);
	users.foreign = await userOf(db, other, { username: 'annan-chef', role: 'manager' });

	clients.weekly = await addClient(org.organisationId, bjorken, 'Greta Nyström', workerId);
	clients.changing = await addClient(org.organisationId, org.teams['Eken'], 'Harald Viklund');
	clients.south = await addClient(org.organisationId, south.teamId, 'Sigrid Ahl');
	clients.foreign = await addClient(other.organisationId, other.teams['Lönnen'], 'Olle Berg');

	// Weekly: 3 h a week, changed to 4 h a week from July (the first version ended early and a
	// new decision taken); the replaced open-ended version no longer counts.
	const first = await addDecision(clients.weekly, {
		validFrom: '2025-12-01',
		frameMinutes: 180,
		framePeriod: 'week',
		createdAt: new Date('2025-11-20T10:00:00Z')
	});
	await addDecision(clients.weekly, {
		validFrom: '2025-12-01',
		validTo: '2026-06-30',
		frameMinutes: 180,
		framePeriod: 'week',
		replacesId: first,
		createdAt: new Date('2026-06-20T10:00:00Z')
	});
	await addDecision(clients.weekly, {
		validFrom: '2026-07-01',
		frameMinutes: 240,
		framePeriod: 'week',
		services: ['personal-care', 'shower', 'walk'],
		createdAt: new Date('2026-06-20T10:01:00Z')
	});
	// Weekly 2 h until May, then 10 h a month.
	await addDecision(clients.changing, {
		validFrom: '2026-01-01',
		validTo: '2026-05-31',
		frameMinutes: 120,
		framePeriod: 'week'
	});
	await addDecision(clients.changing, {
		validFrom: '2026-06-01',
		frameMinutes: 600,
		framePeriod: 'month',
		services: ['cleaning', 'shopping', 'walk']
	});
	await addDecision(clients.south, {
		validFrom: '2026-01-01',
		frameMinutes: 60,
		framePeriod: 'week'
	});

	// W45: three declined visits and a visit left planned that never happened.
	for (const date of ['2026-11-02', '2026-11-04', '2026-11-06']) {
		await record(clients.weekly, date, 0, { outcome: 'declined' });
	}
	await plan(clients.weekly, '2026-11-05', 60);
	// W46: 60 + a 90 corrected to 30 + a 45 corrected twice (20, then 25: the later counts).
	await record(clients.weekly, '2026-11-10', 60, { declinedServices: ['shower'] });
	const ninety = await record(clients.weekly, '2026-11-12', 90);
	await record(clients.weekly, '2026-11-12', 30, { correctsId: ninety });
	const fortyFive = await record(clients.weekly, '2026-11-11', 45);
	await record(clients.weekly, '2026-11-11', 20, { correctsId: fortyFive });
	await record(clients.weekly, '2026-11-11', 25, { correctsId: fortyFive });
	// W47: more than the 4 h frame, recorded all the same.
	await record(clients.weekly, '2026-11-17', 150, { declinedServices: ['shower', 'walk'] });
	await record(clients.weekly, '2026-11-19', 100, { overdrawn: true });
	// A declined visit that was corrected to carried out does not count as declined.
	const wrong = await record(clients.weekly, '2026-11-18', 0, { outcome: 'declined' });
	await record(clients.weekly, '2026-11-18', 0, { correctsId: wrong, outcome: 'not-done' });
	// W48, under way: 1 h used, 75 min planned, a cancelled visit that takes nothing.
	await record(clients.weekly, '2026-11-23', 60);
	await plan(clients.weekly, '2026-11-26', 45);
	await plan(clients.weekly, '2026-11-27', 30);
	await plan(clients.weekly, '2026-11-27', 60, 'cancelled');
	// Outside the three months of declines.
	await record(clients.weekly, '2026-07-07', 30, { declinedServices: ['walk'] });

	// Monthly: October overdrawn, November heading for far less than the frame.
	await record(clients.changing, '2026-10-05', 400);
	await record(clients.changing, '2026-10-20', 300);
	await record(clients.changing, '2026-11-03', 100);
	await record(clients.changing, '2026-03-03', 90);

	const app: App = {
		database: handle,
		db,
		sessions: createSessionStore(db),
		config: configFromEnv({})
	};
	(globalThis as Record<symbol, unknown>)[APP_KEY] = Promise.resolve(app);
});

afterAll(async () => {
	delete (globalThis as Record<symbol, unknown>)[APP_KEY];
	await handle?.close();
});

const byPeriod = (rows: UsagePeriod[]) => new Map(rows.map((r) => [r.period, r]));

describe('frame usage per period (clientUsageHistory)', () => {
	it('[U8] reads used minutes per week from the summary, corrections applied once', async () => {
		const rows = byPeriod(await clientUsageHistory(db, clients.weekly, TODAY));
		expect(rows.get('2026-W46')).toMatchObject({ usedMinutes: 115, doneVisits: 3 });
		expect(rows.get('2026-W47')).toMatchObject({
			usedMinutes: 250,
			overdrawnEntries: 1,
			declinedVisits: 0,
			notDoneVisits: 1
		});
		expect(rows.get('2026-W45')).toMatchObject({ usedMinutes: 0, declinedVisits: 3 });
		expect(rows.get('2026-W44')).toMatchObject({ usedMinutes: 0, doneVisits: 0 });
	});

	it('covers the current month and the eleven before it, weekly periods for a weekly decision', async () => {
		expect(monthsBefore(TODAY, 11)).toBe('2025-12-01');
		const rows = await clientUsageHistory(db, clients.weekly, TODAY);
		expect(rows.every((r) => r.kind === 'week')).toBe(true);
		expect(rows[0].period).toBe('2025-W49');
		expect(rows.at(-1)).toMatchObject({ period: '2026-W48', current: true });
		expect(rows).toHaveLength(52);
		expect(rows.filter((r) => r.current)).toHaveLength(1);
	});

	it('gives each period the frame in force then: a change mid-year, replaced versions ignored', async () => {
		const rows = byPeriod(await clientUsageHistory(db, clients.weekly, TODAY));
		expect(rows.get('2026-W26')?.frameMinutes).toBe(180);
		// 29 June – 5 July: both decisions cover it; the newer (latest validFrom) gives the frame.
		expect(rows.get('2026-W27')?.frameMinutes).toBe(240);
		expect(rows.get('2026-W46')?.frameMinutes).toBe(240);
		expect(rows.get('2025-W50')?.frameMinutes).toBe(180);
	});

	it('shows weeks while the decision was weekly and months once it became monthly', async () => {
		const rows = await clientUsageHistory(db, clients.changing, TODAY);
		const weeks = rows.filter((r) => r.kind === 'week').map((r) => r.period);
		const months = rows.filter((r) => r.kind === 'month').map((r) => r.period);
		expect(weeks[0]).toBe('2026-W01');
		expect(weeks.at(-1)).toBe('2026-W22');
		expect(months).toEqual(['2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11']);
		expect(rows.find((r) => r.period === '2026-W10')).toMatchObject({
			frameMinutes: 120,
			usedMinutes: 90
		});
		// Calendar order throughout.
		expect(rows.map((r) => r.firstDay)).toEqual([...rows.map((r) => r.firstDay)].sort());
	});

	it('[U1] [U3] counts planned visits only in the period under way, cancelled ones never', async () => {
		const rows = byPeriod(await clientUsageHistory(db, clients.weekly, TODAY));
		expect(rows.get('2026-W48')).toMatchObject({
			frameMinutes: 240,
			usedMinutes: 60,
			plannedMinutes: 75,
			leftMinutes: 105,
			elapsedDays: 2,
			periodDays: 7,
			projectedMinutes: 210,
			flags: []
		});
		// A visit of a finished week left "planned" is not the team's forecast any more.
		expect(rows.get('2026-W45')?.plannedMinutes).toBe(0);
	});

	it('[U4] [U6] [U7] flags an overdrawn week, many declined and low use of a month', async () => {
		const weekly = byPeriod(await clientUsageHistory(db, clients.weekly, TODAY));
		expect(weekly.get('2026-W47')?.flags).toEqual(['overdraft']);
		expect(weekly.get('2026-W45')?.flags).toContain('many-declined');
		expect(weekly.get('2026-W46')?.flags).not.toContain('overdraft');
		const monthly = byPeriod(await clientUsageHistory(db, clients.changing, TODAY));
		expect(monthly.get('2026-10')).toMatchObject({
			usedMinutes: 700,
			leftMinutes: -100,
			projectedMinutes: 700,
			flags: ['overdraft']
		});
		expect(monthly.get('2026-11')).toMatchObject({
			current: true,
			usedMinutes: 100,
			elapsedDays: 24,
			projectedMinutes: 125,
			flags: ['low-use']
		});
	});

	it('[U8] takes used minutes from client_period_usage, not from the time entries', async () => {
		const key = and(
			eq(clientPeriodUsage.clientId, clients.weekly),
			eq(clientPeriodUsage.period, '2026-W46')
		);
		await db.update(clientPeriodUsage).set({ usedMinutes: 999 }).where(key);
		try {
			const rows = byPeriod(await clientUsageHistory(db, clients.weekly, TODAY));
			expect(rows.get('2026-W46')?.usedMinutes).toBe(999);
		} finally {
			await db.update(clientPeriodUsage).set({ usedMinutes: 115 }).where(key);
		}
	});
});

describe('declined services and visits (declinedLately)', () => {
	it('[T1] counts the last three months of effective reports only', async () => {
		const declined = await declinedLately(db, clients.weekly, TODAY);
		expect(declined.from).toBe('2026-08-26');
		expect(declined.services).toEqual([
			{ code: 'shower', count: 2 },
			{ code: 'walk', count: 1 }
		]);
		expect(declined.declinedVisits).toBe(3);
		expect(declined.notDoneVisits).toBe(1);
		expect(declined.latest[0]).toEqual({ date: '2026-11-18', outcome: 'not-done' });
		expect(declined.latest.map((v) => v.date)).toEqual([
			'2026-11-18',
			'2026-11-06',
			'2026-11-04',
			'2026-11-02'
		]);
	});
});

type Who = keyof typeof users | 'none';

function event(who: Who, clientId: string, query = '') {
	const url = new URL(`http://localhost/manager/clients/${clientId}${query}`);
	return {
		locals: { user: who === 'none' ? null : users[who], session: null },
		url,
		params: { clientId },
		request: new Request(url, { headers: { 'user-agent': 'vitest' } }),
		route: { id: '/manager/clients/[clientId]' }
	} as never;
}

async function status(who: Who, clientId: string): Promise<number | string> {
	try {
		await load(event(who, clientId));
		return 200;
	} catch (e) {
		if (isHttpError(e)) return e.status;
		if (isRedirect(e)) return e.location.startsWith('/login') ? 'login' : e.location;
		throw e;
	}
}

describe('the page /manager/clients/<id>', () => {
	it('opens for the unit’s manager with header, history, declines and continuity', async () => {
		const page = (await load(event('manager', clients.weekly, '?unit=abc'))) as {
			client: { name: string; teamName: string; contactPersonName: string | null };
			periods: UsagePeriod[];
			history: { inForce: boolean }[];
			continuity: { staffMet: number; trend: unknown[] };
			services: { code: string; name: string }[];
			unitQuery: string;
		};
		expect(page.client).toMatchObject({
			name: 'Greta Nyström',
			teamName: 'Björken',
			contactPersonName: 'Lisa Karlsson'
		});
		expect(page.history).toHaveLength(3);
		expect(page.history.filter((v) => !v.inForce)).toHaveLength(1);
		expect(page.periods.length).toBeGreaterThan(40);
		expect(typeof page.continuity.staffMet).toBe('number');
		expect(page.services.find((s) => s.code === 'shower')?.name).toBe('Dusch');
		// Only a unit id is carried back to the overview.
		expect(page.unitQuery).toBe('');
	});

	it('writes a read to the audit log for the client', async () => {
		const before = await db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.clientId, clients.changing), eq(auditLog.staffId, users.admin.id)));
		await load(event('admin', clients.changing));
		const after = await db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.clientId, clients.changing), eq(auditLog.staffId, users.admin.id)));
		expect(after).toHaveLength(before.length + 1);
		expect(after.at(-1)).toMatchObject({
			action: 'read',
			device: 'vitest',
			detail: { what: 'frame-follow-up' }
		});
	});

	it('answers 403 to another unit’s manager and to every other role, 404 beyond the organisation', async () => {
		expect(await status('otherManager', clients.weekly)).toBe(403);
		expect(await status('otherManager', clients.south)).toBe(200);
		expect(await status('manager', clients.south)).toBe(403);
		expect(await status('admin', clients.south)).toBe(200);
		for (const who of ['worker', 'caseOfficer', 'teamDevice'] as const) {
			expect(await status(who, clients.weekly), who).toBe(403);
		}
		expect(await status('manager', clients.foreign)).toBe(404);
		expect(await status('foreign', clients.weekly)).toBe(404);
		expect(await status('manager', randomUUID())).toBe(404);
		expect(await status('manager', 'not-an-id')).toBe(404);
		expect(await status('none', clients.weekly)).toBe('login');
	});

	it('logs nothing for a refused opening', async () => {
		const count = async () =>
			(await db.select().from(auditLog).where(eq(auditLog.clientId, clients.south))).length;
		const before = await count();
		await status('manager', clients.south);
		await status('worker', clients.south);
		expect(await count()).toBe(before);
	});
});
