/**
 * The manager's unit overview (`/manager`, SPEC.md U1–U9) on a test database: figures per
 * client, team and unit for a month and a week, read from the per-period summaries — a weekly
 * frame asked for a month sums the weeks touching the month, each with its own frame — the
 * flags (overdraft counting planned visits, running hot, low use, many declined) and the
 * organisation's tolerance, a decision replaced mid-month, clients of other units and inactive
 * clients left out; then who may open the page and how its filters, sorts and bad parameters
 * behave.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { isoWeekKey, isoWeekRange, monthRange } from '../../src/lib/domain/periods';
import type { SessionUser } from '../../src/lib/server/auth/session';
import type { Db } from '../../src/lib/server/db/client';
import {
	decision,
	decisionService,
	organisation,
	plannedVisit,
	timeEntry
} from '../../src/lib/server/db/schema';
import { unitUsage, type ClientUsage } from '../../src/lib/server/services/unit-usage';
import { load } from '../../src/routes/manager/+page.server';
import { matchingName } from '../../src/lib/ui/manager-usage/name-search';
import { createOrg, createPerson, type OrgFixture } from '../fixtures/factories';
import { addClient, loadOutcome, pageEvent, useTestApp } from '../fixtures/manager-pages';
import { addUnit, userOf } from '../fixtures/people';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';

/** A Wednesday in ISO week 2026-W47: 17 days of November have passed. */
const TODAY = '2026-11-18';
const NOVEMBER = monthRange('2026-11');
const WEEK = isoWeekRange('2026-W47');

let handle: TestDatabase;
let db: Db;
let org: OrgFixture;
let south: { unitId: string; teamId: string };
let undoApp: () => void;
let staffId: string;
const ids = {} as Record<
	'alma' | 'bengt' | 'cecilia' | 'david' | 'elsa' | 'frida' | 'gustav' | 'hilda' | 'sigrid',
	string
>;
const users = {} as Record<
	'manager' | 'otherManager' | 'worker' | 'caseOfficer' | 'teamDevice' | 'admin' | 'foreignAdmin',
	SessionUser
>;

async function addDecision(
	clientId: string,
	d: {
		validFrom: string;
		validTo?: string | null;
		frameMinutes: number;
		framePeriod: 'week' | 'month';
		replacesId?: string;
		createdAt?: Date;
	}
): Promise<string> {
	const [row] = await db
		.insert(decision)
		.values({ organisationId: org.organisationId, clientId, ...d, validTo: d.validTo ?? null })
		.returning({ id: decision.id });
	await db.insert(decisionService).values({ decisionId: row.id, serviceCode: 'personal-care' });
	return row.id;
}

let stamp = Date.parse('2026-10-01T08:00:00Z');
/** A time entry (a report of a visit), recorded after every earlier one. */
async function record(
	clientId: string,
	date: string,
	minutes: number,
	extra: { outcome?: 'done' | 'declined' | 'not-done'; declinedServices?: string[] } = {}
): Promise<void> {
	stamp += 60_000;
	await db.insert(timeEntry).values({
		organisationId: org.organisationId,
		clientId,
		staffId,
		date,
		minutes,
		recordedBy: staffId,
		createdAt: new Date(stamp),
		...extra
	});
}

/** A visit on the board's projection; only those still `planned` count as planned time. */
async function plan(
	clientId: string,
	teamId: string,
	date: string,
	minutes: number,
	status = 'planned'
): Promise<void> {
	await db.insert(plannedVisit).values({
		id: randomUUID(),
		organisationId: org.organisationId,
		teamId,
		clientId,
		room: `board:${teamId}:${isoWeekKey(date)}`,
		date,
		dayPart: 'morning',
		minutes,
		status,
		services: ['personal-care']
	});
}

async function setTolerance(minutes: number): Promise<void> {
	await db
		.update(organisation)
		.set({ frameToleranceMinutes: minutes })
		.where(eq(organisation.id, org.organisationId));
}

beforeAll(async () => {
	handle = await createTestDatabase();
	db = handle.db;
	undoApp = useTestApp(handle);
	org = await createOrg(db, ['Eken', 'Björken']);
	south = await addUnit(db, org);
	const bjorken = org.teams['Björken'];
	const eken = org.teams['Eken'];
	const o = org.organisationId;
	staffId = await createPerson(db, org, { username: 'lisa', homeTeamId: bjorken });
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
	users.foreignAdmin = await userOf(db, other, {
		username: 'annan-admin',
		role: 'admin',
		unitId: null
	});
	await setTolerance(15);

	// Alma: 2 h a week; asked for November, the six weeks touching it (26 Oct – 6 Dec) count,
	// each with its own frame. Time in the week before the month counts; a cancelled visit not.
	ids.alma = await addClient(db, o, bjorken, 'Alma Berg');
	await addDecision(ids.alma, { validFrom: '2026-01-01', frameMinutes: 120, framePeriod: 'week' });
	await record(ids.alma, '2026-10-30', 60);
	await record(ids.alma, '2026-11-04', 60);
	await record(ids.alma, '2026-11-10', 90);
	await plan(ids.alma, bjorken, '2026-11-19', 60);
	await plan(ids.alma, bjorken, '2026-11-24', 30);
	await plan(ids.alma, bjorken, '2026-11-25', 90, 'cancelled');
	await plan(ids.alma, bjorken, '2026-12-01', 45);

	// Bengt: 10 h a month, overdrawn only through the visits still planned (U4).
	ids.bengt = await addClient(db, o, bjorken, 'Bengt Ceder');
	await addDecision(ids.bengt, {
		validFrom: '2026-01-01',
		frameMinutes: 600,
		framePeriod: 'month'
	});
	await record(ids.bengt, '2026-11-02', 150);
	await record(ids.bengt, '2026-11-10', 150);
	for (const day of ['2026-11-20', '2026-11-23', '2026-11-25', '2026-11-27']) {
		await plan(ids.bengt, bjorken, day, 90);
	}

	// Cecilia: 10 minutes over her frame, inside the organisation's tolerance of 15.
	ids.cecilia = await addClient(db, o, eken, 'Cecilia Dahl');
	await addDecision(ids.cecilia, {
		validFrom: '2026-01-01',
		frameMinutes: 300,
		framePeriod: 'month'
	});
	await record(ids.cecilia, '2026-11-05', 100);
	await plan(ids.cecilia, eken, '2026-11-20', 120);
	await plan(ids.cecilia, eken, '2026-11-26', 90);

	// David: 4 h of 5 recorded after 17 days — heading for 7 h (U5).
	ids.david = await addClient(db, o, eken, 'David Ek');
	await addDecision(ids.david, {
		validFrom: '2026-01-01',
		frameMinutes: 300,
		framePeriod: 'month'
	});
	await record(ids.david, '2026-11-03', 120);
	await record(ids.david, '2026-11-16', 120);

	// Elsa: one hour of ten after more than half the month (U6).
	ids.elsa = await addClient(db, o, bjorken, 'Elsa Fors');
	await addDecision(ids.elsa, { validFrom: '2026-01-01', frameMinutes: 600, framePeriod: 'month' });
	await record(ids.elsa, '2026-11-06', 60);

	// Frida: a declined visit and two declined services make three (U7); not carried out does not
	// count.
	ids.frida = await addClient(db, o, eken, 'Frida Gran');
	await addDecision(ids.frida, {
		validFrom: '2026-01-01',
		frameMinutes: 300,
		framePeriod: 'month'
	});
	await record(ids.frida, '2026-11-04', 0, { outcome: 'declined' });
	await record(ids.frida, '2026-11-05', 0, { outcome: 'not-done' });
	await record(ids.frida, '2026-11-06', 100, { declinedServices: ['shopping', 'cleaning'] });

	// Gustav: 400 a month, corrected to 450 (a new version replacing it, ended 14 November) and a
	// new decision of 500 from 15 November: the latest decision gives November's frame, the
	// replacing version October's.
	ids.gustav = await addClient(db, o, bjorken, 'Gustav Hed');
	const first = await addDecision(ids.gustav, {
		validFrom: '2026-01-01',
		frameMinutes: 400,
		framePeriod: 'month',
		createdAt: new Date('2026-01-01T09:00:00Z')
	});
	await addDecision(ids.gustav, {
		validFrom: '2026-01-01',
		validTo: '2026-11-14',
		frameMinutes: 450,
		framePeriod: 'month',
		replacesId: first,
		createdAt: new Date('2026-11-14T09:00:00Z')
	});
	await addDecision(ids.gustav, {
		validFrom: '2026-11-15',
		frameMinutes: 500,
		framePeriod: 'month',
		createdAt: new Date('2026-11-14T09:01:00Z')
	});
	await record(ids.gustav, '2026-10-20', 200);
	await record(ids.gustav, '2026-11-12', 250);

	// Never listed: an inactive client and another unit's client, both with frames and time.
	ids.hilda = await addClient(db, o, bjorken, 'Hilda Ivarsson', { active: false });
	await addDecision(ids.hilda, {
		validFrom: '2026-01-01',
		frameMinutes: 300,
		framePeriod: 'month'
	});
	await record(ids.hilda, '2026-11-05', 30);
	ids.sigrid = await addClient(db, o, south.teamId, 'Sigrid Syd');
	await addDecision(ids.sigrid, {
		validFrom: '2026-01-01',
		frameMinutes: 300,
		framePeriod: 'week'
	});
	await record(ids.sigrid, '2026-11-05', 30);
	// A decision that ended before November gives no row.
	const ended = await addClient(db, o, eken, 'Ivar Jonsson');
	await addDecision(ended, {
		validFrom: '2026-01-01',
		validTo: '2026-10-31',
		frameMinutes: 300,
		framePeriod: 'month'
	});
}, 60_000);

afterAll(async () => {
	undoApp();
	await handle.close();
});

/** The figures of a row that the tests compare. */
function figures(c: {
	frameMinutes: number;
	usedMinutes: number;
	plannedMinutes: number;
	leftMinutes: number;
	projectedMinutes: number;
}) {
	return {
		frame: c.frameMinutes,
		used: c.usedMinutes,
		planned: c.plannedMinutes,
		left: c.leftMinutes,
		projected: c.projectedMinutes
	};
}

/** November as of TODAY, per client (see the fixtures above for why each figure holds). */
const EXPECTED = {
	'Alma Berg': { frame: 720, used: 210, planned: 135, left: 375, projected: 345, flags: [] },
	'Bengt Ceder': {
		frame: 600,
		used: 300,
		planned: 360,
		left: -60,
		projected: 660,
		flags: ['overdraft']
	},
	'Cecilia Dahl': { frame: 300, used: 100, planned: 210, left: -10, projected: 310, flags: [] },
	'David Ek': {
		frame: 300,
		used: 240,
		planned: 0,
		left: 60,
		projected: 424,
		flags: ['running-hot']
	},
	'Elsa Fors': { frame: 600, used: 60, planned: 0, left: 540, projected: 106, flags: ['low-use'] },
	'Frida Gran': {
		frame: 300,
		used: 100,
		planned: 0,
		left: 200,
		projected: 176,
		flags: ['many-declined']
	},
	'Gustav Hed': { frame: 500, used: 250, planned: 0, left: 250, projected: 441, flags: [] }
} as const;

function byName(clients: readonly ClientUsage[]): Record<string, ClientUsage> {
	return Object.fromEntries(clients.map((c) => [c.name, c]));
}

describe('unitUsage over a month', () => {
	it('[U1] [U3] lists the active clients of the unit in Swedish order with their figures', async () => {
		const usage = await unitUsage(db, { unitId: org.unitId, period: NOVEMBER, today: TODAY });
		expect(usage.clients.map((c) => c.name)).toEqual(Object.keys(EXPECTED));
		for (const c of usage.clients) {
			const { flags, ...want } = EXPECTED[c.name as keyof typeof EXPECTED];
			expect({ name: c.name, ...figures(c), flags: c.flags }).toEqual({
				name: c.name,
				...want,
				flags
			});
		}
	});

	it('a weekly client asked for a month sums the six weeks touching it, each its own frame', async () => {
		const usage = await unitUsage(db, { unitId: org.unitId, period: NOVEMBER, today: TODAY });
		const alma = byName(usage.clients)['Alma Berg'];
		expect(alma.framePeriod).toBe('week');
		expect(
			alma.periods.map((p) => [p.period, p.frameMinutes, p.usedMinutes, p.plannedMinutes])
		).toEqual([
			['2026-W44', 120, 60, 0],
			['2026-W45', 120, 60, 0],
			['2026-W46', 120, 90, 0],
			['2026-W47', 120, 0, 60],
			['2026-W48', 120, 0, 30],
			['2026-W49', 120, 0, 45]
		]);
		expect(alma.periods[0].firstDay).toBe('2026-10-26');
		expect(alma.periods[5].lastDay).toBe('2026-12-06');
		expect(alma.periods.every((p) => p.flags.length === 0)).toBe(true);
	});

	it('[U4] a frame overdrawn only by visits still planned is flagged; its left is negative', async () => {
		const usage = await unitUsage(db, { unitId: org.unitId, period: NOVEMBER, today: TODAY });
		const bengt = byName(usage.clients)['Bengt Ceder'];
		expect(bengt.usedMinutes).toBeLessThan(bengt.frameMinutes);
		expect(bengt.flags).toEqual(['overdraft']);
		expect(bengt.leftMinutes).toBe(-60);
	});

	it('[U4] the organisation tolerance lets a plan exceed the frame by its minutes', async () => {
		const within = await unitUsage(db, { unitId: org.unitId, period: NOVEMBER, today: TODAY });
		expect(byName(within.clients)['Cecilia Dahl'].flags).toEqual([]);
		await setTolerance(0);
		try {
			const strict = await unitUsage(db, { unitId: org.unitId, period: NOVEMBER, today: TODAY });
			expect(byName(strict.clients)['Cecilia Dahl'].flags).toEqual(['overdraft']);
			expect(strict.total.flagged.overdraft).toBe(2);
		} finally {
			await setTolerance(15);
		}
	});

	it('[U5] [U6] [U7] running hot, low use and many declined; not carried out is no decline', async () => {
		const usage = await unitUsage(db, { unitId: org.unitId, period: NOVEMBER, today: TODAY });
		const c = byName(usage.clients);
		expect(c['David Ek'].flags).toEqual(['running-hot']);
		expect(c['Elsa Fors'].flags).toEqual(['low-use']);
		expect(c['Frida Gran'].flags).toEqual(['many-declined']);
		expect([c['Frida Gran'].declinedVisits, c['Frida Gran'].declinedServices]).toEqual([1, 2]);
	});

	it('a decision replaced mid-month: the newer decision gives the frame, the replacing version the month before', async () => {
		const november = await unitUsage(db, { unitId: org.unitId, period: NOVEMBER, today: TODAY });
		const gustav = byName(november.clients)['Gustav Hed'];
		expect(gustav.periods.map((p) => [p.period, p.frameMinutes])).toEqual([['2026-11', 500]]);
		const october = await unitUsage(db, {
			unitId: org.unitId,
			period: monthRange('2026-10'),
			today: TODAY
		});
		const before = byName(october.clients)['Gustav Hed'];
		expect(figures(before)).toEqual({
			frame: 450,
			used: 200,
			planned: 0,
			left: 250,
			projected: 200
		});
	});

	it('never lists an inactive client, another unit’s client or a decision that has ended', async () => {
		const usage = await unitUsage(db, { unitId: org.unitId, period: NOVEMBER, today: TODAY });
		const names = usage.clients.map((c) => c.name);
		expect(names).not.toContain('Hilda Ivarsson');
		expect(names).not.toContain('Sigrid Syd');
		expect(names).not.toContain('Ivar Jonsson');
		const southUsage = await unitUsage(db, {
			unitId: south.unitId,
			period: NOVEMBER,
			today: TODAY
		});
		expect(southUsage.clients.map((c) => c.name)).toEqual(['Sigrid Syd']);
	});

	it('team and unit figures are the sums of their clients, with the flagged clients counted', async () => {
		const usage = await unitUsage(db, { unitId: org.unitId, period: NOVEMBER, today: TODAY });
		const sum = (names: (keyof typeof EXPECTED)[]) => {
			const rows = names.map((n) => EXPECTED[n]);
			const total = (key: 'frame' | 'used' | 'planned' | 'left' | 'projected') =>
				rows.reduce((s, r) => s + r[key], 0);
			return {
				frame: total('frame'),
				used: total('used'),
				planned: total('planned'),
				left: total('left'),
				projected: total('projected')
			};
		};
		const bjorken = ['Alma Berg', 'Bengt Ceder', 'Elsa Fors', 'Gustav Hed'] as const;
		const eken = ['Cecilia Dahl', 'David Ek', 'Frida Gran'] as const;
		expect(usage.teams.map((t) => [t.teamName, t.clients])).toEqual([
			['Björken', 4],
			['Eken', 3]
		]);
		expect(figures(usage.teams[0])).toEqual(sum([...bjorken]));
		expect(figures(usage.teams[1])).toEqual(sum([...eken]));
		expect(figures(usage.total)).toEqual(sum([...bjorken, ...eken]));
		expect(usage.total.clients).toBe(7);
		expect(usage.teams[0].flagged).toEqual({
			overdraft: 1,
			'running-hot': 0,
			'low-use': 1,
			'many-declined': 0
		});
		expect(usage.teams[1].flagged).toEqual({
			overdraft: 0,
			'running-hot': 1,
			'low-use': 0,
			'many-declined': 1
		});
		expect([usage.total.declinedVisits, usage.total.declinedServices]).toEqual([1, 2]);
	});
});

describe('unitUsage over a week', () => {
	it('a weekly client gives that week; a monthly client the whole month holding it', async () => {
		const usage = await unitUsage(db, { unitId: org.unitId, period: WEEK, today: TODAY });
		const c = byName(usage.clients);
		expect(c['Alma Berg'].periods.map((p) => p.period)).toEqual(['2026-W47']);
		expect(figures(c['Alma Berg'])).toEqual({
			frame: 120,
			used: 0,
			planned: 60,
			left: 60,
			projected: 60
		});
		expect(c['Bengt Ceder'].periods.map((p) => p.period)).toEqual(['2026-11']);
		expect(c['Bengt Ceder'].frameMinutes).toBe(600);
		expect(usage.clients).toHaveLength(7);
	});

	it('only the asked team when a team is given', async () => {
		const usage = await unitUsage(db, {
			unitId: org.unitId,
			teamId: org.teams['Eken'],
			period: NOVEMBER,
			today: TODAY
		});
		expect(usage.clients.map((c) => c.name)).toEqual(['Cecilia Dahl', 'David Ek', 'Frida Gran']);
		expect(usage.teams.map((t) => t.teamName)).toEqual(['Eken']);
	});
});

type Overview = Awaited<ReturnType<typeof load>> & {
	clients: ClientUsage[];
	filter: { team: string; flag: string; q: string; sort: string; dir: string; period: string };
	period: { key: string };
	invalidPeriod: boolean;
	previous: string;
	next: string;
	current: { week: string; month: string };
	teams: { id: string; name: string }[];
	clientCount: number;
};

/** The overview's load at `path` as `user` (the manager unless given); data or what went wrong. */
async function open(path: string, user: SessionUser | null = users.manager) {
	return loadOutcome(() => load(pageEvent(user, path)) as Promise<Overview>);
}

async function overview(path: string, user: SessionUser | null = users.manager) {
	const result = await open(path, user);
	if (!result.ok) throw new Error(`expected the overview, got ${result.outcome}`);
	return result.data;
}

describe('the overview page', () => {
	beforeEach(() => {
		vi.useFakeTimers({ toFake: ['Date'] });
		vi.setSystemTime(new Date(`${TODAY}T10:00:00Z`));
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	it('the unit manager sees this month by default, with the steps of U9', async () => {
		const data = await overview('/manager');
		expect(data.period.key).toBe('2026-11');
		expect(data.invalidPeriod).toBe(false);
		expect([data.previous, data.next]).toEqual(['2026-10', '2026-12']);
		expect(data.current).toEqual({ week: '2026-W47', month: '2026-11' });
		expect(data.clients.map((c) => c.name)).toEqual([
			'Bengt Ceder',
			'David Ek',
			'Elsa Fors',
			'Frida Gran',
			'Alma Berg',
			'Cecilia Dahl',
			'Gustav Hed'
		]);
		expect(data.clientCount).toBe(7);
		expect(data.teams.map((t) => t.name)).toEqual(['Björken', 'Eken']);
	});

	it('a week is asked with its key and steps over the year', async () => {
		const week = await overview('/manager?period=2026-W47');
		expect([week.period.key, week.previous, week.next]).toEqual([
			'2026-W47',
			'2026-W46',
			'2026-W48'
		]);
		const last = await overview('/manager?period=2026-W53');
		expect(last.next).toBe('2027-W01');
	});

	it('workers, case officers and team tablets get 403; nobody signed in goes to the login', async () => {
		for (const who of ['worker', 'caseOfficer', 'teamDevice'] as const) {
			expect(await open('/manager', users[who])).toEqual({ ok: false, outcome: 403 });
		}
		expect(await open('/manager', null)).toEqual({ ok: false, outcome: 'login' });
	});

	it("another unit's manager sees only their own unit and gets 403 asking for this one", async () => {
		const own = await overview('/manager', users.otherManager);
		expect(own.clients.map((c) => c.name)).toEqual(['Sigrid Syd']);
		expect(await open(`/manager?unit=${org.unitId}`, users.otherManager)).toEqual({
			ok: false,
			outcome: 403
		});
	});

	it('an admin picks any unit of the organisation, never one of another', async () => {
		const southData = await overview(`/manager?unit=${south.unitId}`, users.admin);
		expect(southData.clients.map((c) => c.name)).toEqual(['Sigrid Syd']);
		const north = await overview(`/manager?unit=${org.unitId}`, users.admin);
		expect(north.clientCount).toBe(7);
		expect(await open(`/manager?unit=${org.unitId}`, users.foreignAdmin)).toEqual({
			ok: false,
			outcome: 403
		});
	});

	it('bad parameters fall back to the defaults, never an error', async () => {
		const bad = await overview(
			'/manager?period=2026-13&team=nope&flag=bad&sort=height&dir=up&q=' + 'x'.repeat(300)
		);
		expect(bad.invalidPeriod).toBe(true);
		expect(bad.period.key).toBe('2026-11');
		expect(bad.filter).toMatchObject({ team: '', flag: '', sort: 'flags', dir: 'asc' });
		expect(bad.filter).not.toHaveProperty('q');
		expect(bad.clients).toHaveLength(7);
		for (const period of ['2026-W00', '2026-W54', '<script>', '2026-00', '2026-1']) {
			const data = await overview(`/manager?period=${encodeURIComponent(period)}`);
			expect(data.invalidPeriod).toBe(true);
			expect(data.clients).toHaveLength(7);
		}
		// A team of another unit is no filter at all.
		const foreignTeam = await overview(`/manager?team=${south.teamId}`);
		expect(foreignTeam.filter.team).toBe('');
		expect(foreignTeam.clients).toHaveLength(7);
	});

	it('filters by team, by flag and by name, together', async () => {
		const eken = await overview(`/manager?team=${org.teams['Eken']}&sort=name`);
		expect(eken.clients.map((c) => c.name)).toEqual(['Cecilia Dahl', 'David Ek', 'Frida Gran']);
		expect(eken.clientCount).toBe(7);
		const overdraft = await overview('/manager?flag=overdraft');
		expect(overdraft.clients.map((c) => c.name)).toEqual(['Bengt Ceder']);
		const low = await overview('/manager?flag=low-use');
		expect(low.clients.map((c) => c.name)).toEqual(['Elsa Fors']);
		// The name search runs in the browser, on the rows loaded; a `q` in the address is ignored.
		const named = await overview('/manager?q=%20DAHL%20');
		expect(named.clients).toHaveLength(7);
		expect(matchingName(named.clients, ' DAHL ').map((c) => c.name)).toEqual(['Cecilia Dahl']);
		const none = await overview(`/manager?team=${org.teams['Eken']}&flag=overdraft`);
		expect(none.clients).toEqual([]);
		expect(none.clientCount).toBe(7);
	});

	it('sorts by name, team, used, left and projected share, both ways; ties by name', async () => {
		const names = async (query: string) =>
			(await overview(`/manager?${query}`)).clients.map((c) => c.name);
		const all = Object.keys(EXPECTED);
		expect(await names('sort=name')).toEqual(all);
		expect(await names('sort=name&dir=desc')).toEqual([...all].reverse());
		expect(await names('sort=team')).toEqual([
			'Alma Berg',
			'Bengt Ceder',
			'Elsa Fors',
			'Gustav Hed',
			'Cecilia Dahl',
			'David Ek',
			'Frida Gran'
		]);
		// Used as a share of the frame: 0.1, 0.29, 1/3, 1/3, 0.5, 0.5, 0.8.
		expect(await names('sort=used')).toEqual([
			'Elsa Fors',
			'Alma Berg',
			'Cecilia Dahl',
			'Frida Gran',
			'Bengt Ceder',
			'Gustav Hed',
			'David Ek'
		]);
		expect(await names('sort=left')).toEqual([
			'Bengt Ceder',
			'Cecilia Dahl',
			'David Ek',
			'Frida Gran',
			'Gustav Hed',
			'Alma Berg',
			'Elsa Fors'
		]);
		expect(await names('sort=left&dir=desc')).toEqual([
			'Elsa Fors',
			'Alma Berg',
			'Gustav Hed',
			'Frida Gran',
			'David Ek',
			'Cecilia Dahl',
			'Bengt Ceder'
		]);
		expect((await names('sort=projected&dir=desc')).slice(0, 3)).toEqual([
			'David Ek',
			'Bengt Ceder',
			'Cecilia Dahl'
		]);
		expect(await names('sort=flags&dir=desc')).toEqual([
			'Alma Berg',
			'Cecilia Dahl',
			'Gustav Hed',
			'Frida Gran',
			'Elsa Fors',
			'David Ek',
			'Bengt Ceder'
		]);
	});
});
