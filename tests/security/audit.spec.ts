/**
 * Audit completeness (DESIGN.md §7, HSLF-FS 2016:40): every page and endpoint that shows a
 * client's details, and every change, writes one access-log row for that client with the
 * fields the regulation asks of a care record's log — the action, who (on a team tablet the
 * person who unlocked it), when, which client, the unit, and the device. One table, run
 * through the routes themselves on a test database; the board's own writes (a change on the
 * board, recorded time) over real sockets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isActionFailure, isHttpError, isRedirect } from '@sveltejs/kit';
import { and, eq, gt } from 'drizzle-orm';
import { createVisit } from '../../src/lib/board';
import { isoWeekKey, todayIn } from '../../src/lib/domain/periods';
import {
	createSessionStore,
	sessionIdOf,
	type SessionStore
} from '../../src/lib/server/auth/session';
import { auditLog } from '../../src/lib/server/db/schema';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';
import { provideApp, removeApp } from '../fixtures/route-event';
import {
	seedOrganisation,
	sessionOf,
	type Member,
	type Organisation
} from '../fixtures/organisations';
import { ORIGIN, openDevice, startRealtime, whenCommitted } from '../fixtures/realtime';
import { load as managerLayout } from '../../src/routes/manager/+layout.server';
import * as caseClient from '../../src/routes/case/clients/[clientId]/+page.server';
import * as caseClients from '../../src/routes/case/clients/+page.server';
import * as caseNew from '../../src/routes/case/clients/new/+page.server';
import * as caseImport from '../../src/routes/case/import/+page.server';
import * as managerOverview from '../../src/routes/manager/+page.server';
import * as managerClient from '../../src/routes/manager/clients/[clientId]/+page.server';
import * as continuity from '../../src/routes/manager/continuity/+page.server';
import * as billing from '../../src/routes/manager/billing/+page.server';
import * as billingExport from '../../src/routes/manager/billing/export/+server';
import * as auditExtract from '../../src/routes/manager/audit/clients/[clientId]/+page.server';
import * as clientLogApi from '../../src/routes/api/clients/[clientId]/log/+server';
import * as accessCode from '../../src/routes/api/clients/[clientId]/access-code/+server';
import * as teamClients from '../../src/routes/api/teams/[teamId]/clients/+server';
import * as teamFrames from '../../src/routes/api/teams/[teamId]/frames/+server';
import * as myDay from '../../src/routes/my-day/+page.server';
import * as visitPage from '../../src/routes/my-day/visits/[visitId]/+page.server';
import * as board from '../../src/routes/teams/[teamId]/board/+page.server';
import * as basePlan from '../../src/routes/teams/[teamId]/base-plan/+page.server';

const AGENT = 'Mozilla/5.0 (audit test)';
const today = todayIn();

let database: TestDatabase;
let sessions: SessionStore;
/**
 * The organisation, once seeded. Until then (while the table's names are collected) a stand-in
 * that answers every field with a placeholder, so the table can be written as plain data.
 */
const PENDING: Organisation = new Proxy({} as Organisation, {
	get: (_target, key) => (key === Symbol.toPrimitive ? () => 'pending' : PENDING)
});
let org: Organisation = PENDING;

type Form = Record<string, string | string[]>;

function eventFor(
	member: Member,
	path: string,
	params: Record<string, string>,
	form?: Form
): never {
	const url = new URL(path, ORIGIN);
	const headers = { 'user-agent': AGENT, origin: ORIGIN };
	let request = new Request(url, { headers });
	if (form) {
		const body = new FormData();
		for (const [key, value] of Object.entries(form)) {
			for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
		}
		request = new Request(url, { method: 'POST', body, headers });
	}
	const base = {
		locals: { user: org.users[member], session: sessionOf(org, member) },
		url,
		params,
		request,
		route: { id: null },
		cookies: { get: () => undefined, set: () => {}, delete: () => {} },
		getClientAddress: () => '127.0.0.1',
		setHeaders: () => {}
	};
	return { ...base, parent: () => managerLayout(base as never) } as never;
}

/** Runs a load, action or endpoint; fails on a refusal, returns a redirect's target. */
async function run(call: () => unknown): Promise<string | undefined> {
	try {
		const result = await call();
		if (result instanceof Response) expect(result.status, await result.clone().text()).toBe(200);
		else if (isActionFailure(result)) throw new Error(`refused: ${JSON.stringify(result.data)}`);
		return undefined;
	} catch (error) {
		if (isRedirect(error)) return error.location;
		if (isHttpError(error)) {
			throw new Error(`HTTP ${error.status}: ${JSON.stringify(error.body)}`, { cause: error });
		}
		throw error;
	}
}

interface Row {
	what: string;
	member: Member;
	action: 'read' | 'change' | 'export' | 'print';
	call: () => Promise<string | undefined>;
	/** The client the row must name, when not the home client (e.g. one just created). */
	client?: (redirect: string | undefined) => string;
}

const page =
	(route: { load?: unknown }, member: Member, path: string, params = {}) =>
	() =>
		run(() => (route.load as (e: never) => unknown)(eventFor(member, path, params)));
const action =
	(
		route: { actions: Record<string, unknown> },
		name: string,
		member: Member,
		path: string,
		params: Record<string, string>,
		form: () => Form = () => ({})
	) =>
	() =>
		run(() =>
			(route.actions[name] as (e: never) => unknown)(eventFor(member, path, params, form()))
		);
const endpoint =
	(handler: unknown, member: Member, path: string, params: Record<string, string>, post = false) =>
	() =>
		run(() =>
			(handler as (e: never) => unknown)(eventFor(member, path, params, post ? {} : undefined))
		);

const home = () => ({ clientId: org.clients.home });
const team = () => ({ teamId: org.teams.home });
const clientForm = (name: string): Form => ({
	name,
	teamId: org.teams.home,
	contactPersonId: '',
	area: 'Centrum',
	preferences: 'Te, inte kaffe.',
	accessNotes: '',
	accessCode: ''
});
const decisionForm = (): Form => ({
	validFrom: today,
	validTo: '',
	frameMinutes: '300',
	framePeriod: 'week',
	services: ['meals', 'cleaning']
});
/** The client the case officer creates, once created. */
let created = '';
const createdId = (location: string | undefined) =>
	(created = /\/case\/clients\/([0-9a-f-]{36})/.exec(location ?? '')![1]);

/** The rows, in order: a change may need what an earlier row made. */
const ROWS = (): Row[] => [
	// The case officer's pages.
	{
		what: 'case client page',
		member: 'caseOfficer',
		action: 'read',
		call: page(caseClient, 'caseOfficer', `/case/clients/${org.clients.home}`, home())
	},
	{
		what: 'case client list',
		member: 'caseOfficer',
		action: 'read',
		call: page(caseClients, 'caseOfficer', '/case/clients')
	},
	{
		what: 'case client search',
		member: 'caseOfficer',
		action: 'read',
		call: action(caseClients, 'search', 'caseOfficer', '/case/clients?/search', {}, () => ({
			q: 'Astrid'
		}))
	},
	{
		what: 'case door code',
		member: 'caseOfficer',
		action: 'read',
		call: action(
			caseClient,
			'revealCode',
			'caseOfficer',
			`/case/clients/${org.clients.home}?/revealCode`,
			home()
		)
	},
	{
		what: 'case client created',
		member: 'caseOfficer',
		action: 'change',
		call: action(caseNew, 'default', 'caseOfficer', '/case/clients/new', {}, () =>
			clientForm('Tora Testsson')
		),
		client: createdId
	},
	{
		what: 'case client saved',
		member: 'caseOfficer',
		action: 'change',
		call: action(
			caseClient,
			'save',
			'caseOfficer',
			`/case/clients/${org.clients.home}?/save`,
			home(),
			() => clientForm(org.clientNames.home)
		)
	},
	{
		what: 'case client deactivated',
		member: 'caseOfficer',
		action: 'change',
		call: action(
			caseClient,
			'deactivate',
			'caseOfficer',
			`/case/clients/${org.clients.home}?/deactivate`,
			home()
		)
	},
	{
		what: 'case client reactivated',
		member: 'caseOfficer',
		action: 'change',
		call: action(
			caseClient,
			'reactivate',
			'caseOfficer',
			`/case/clients/${org.clients.home}?/reactivate`,
			home()
		)
	},
	{
		what: 'case decision created',
		member: 'caseOfficer',
		action: 'change',
		call: action(
			caseClient,
			'createDecision',
			'caseOfficer',
			`/case/clients/${created}?/createDecision`,
			{ clientId: created },
			decisionForm
		),
		client: () => created
	},
	{
		what: 'case decision changed',
		member: 'caseOfficer',
		action: 'change',
		call: action(
			caseClient,
			'changeDecision',
			'caseOfficer',
			`/case/clients/${org.clients.home}?/changeDecision`,
			home(),
			() => ({ ...decisionForm(), decisionId: org.decisions.home })
		)
	},
	{
		what: 'case decisions imported',
		member: 'caseOfficer',
		action: 'change',
		call: action(caseImport, 'import', 'caseOfficer', '/case/import?/import', {}, () => ({
			csv: [
				'klient;team;giltig_fran;giltig_till;ramtid_minuter;period;insatser',
				`${org.clientNames.home};Björken;${today};;360;vecka;meals`
			].join('\n')
		}))
	},
	// The manager's follow-up.
	{
		what: 'manager overview',
		member: 'manager',
		action: 'read',
		call: page(managerOverview, 'manager', '/manager')
	},
	{
		what: 'manager client page',
		member: 'manager',
		action: 'read',
		call: page(managerClient, 'manager', `/manager/clients/${org.clients.home}`, home())
	},
	{
		what: 'manager continuity',
		member: 'manager',
		action: 'read',
		call: page(continuity, 'manager', '/manager/continuity')
	},
	{
		what: 'manager billing basis',
		member: 'manager',
		action: 'read',
		call: page(billing, 'manager', `/manager/billing?month=${today.slice(0, 7)}`)
	},
	{
		what: 'billing export',
		member: 'manager',
		action: 'export',
		call: endpoint(
			billingExport.GET,
			'manager',
			`/manager/billing/export?month=${today.slice(0, 7)}&format=csv`,
			{}
		)
	},
	{
		what: 'log extract page',
		member: 'manager',
		action: 'read',
		call: page(auditExtract, 'manager', `/manager/audit/clients/${org.clients.home}`, home())
	},
	{
		what: 'log extract printed',
		member: 'manager',
		action: 'print',
		call: action(
			auditExtract,
			'print',
			'manager',
			`/manager/audit/clients/${org.clients.home}?/print`,
			home()
		)
	},
	{
		what: 'log extract API',
		member: 'manager',
		action: 'read',
		call: endpoint(clientLogApi.GET, 'manager', `/api/clients/${org.clients.home}/log`, home())
	},
	// A worker's day.
	{ what: 'Min dag', member: 'worker', action: 'read', call: page(myDay, 'worker', '/my-day') },
	{
		what: 'visit page',
		member: 'worker',
		action: 'read',
		call: page(visitPage, 'worker', `/my-day/visits/${org.visits.home}`, {
			visitId: org.visits.home
		})
	},
	{
		what: 'door code',
		member: 'worker',
		action: 'read',
		call: endpoint(
			accessCode.POST,
			'worker',
			`/api/clients/${org.clients.home}/access-code`,
			home(),
			true
		)
	},
	{
		what: 'team clients API',
		member: 'worker',
		action: 'read',
		call: endpoint(teamClients.GET, 'worker', `/api/teams/${org.teams.home}/clients`, team())
	},
	{
		what: 'team frames API',
		member: 'worker',
		action: 'read',
		call: endpoint(
			teamFrames.GET,
			'worker',
			`/api/teams/${org.teams.home}/frames?period=${isoWeekKey(today)}`,
			team()
		)
	},
	{
		what: 'board page',
		member: 'worker',
		action: 'read',
		call: page(board, 'worker', `/teams/${org.teams.home}/board`, team())
	},
	{
		what: 'base plan page',
		member: 'worker',
		action: 'read',
		call: page(basePlan, 'worker', `/teams/${org.teams.home}/base-plan`, team())
	},
	{
		what: 'base plan pattern saved',
		member: 'worker',
		action: 'change',
		call: action(
			basePlan,
			'save',
			'worker',
			`/teams/${org.teams.home}/base-plan?/save`,
			team(),
			() => ({
				clientId: org.clients.home,
				weekdays: ['1', '3'],
				dayPart: 'midday',
				services: ['meals'],
				minutes: '30',
				window: '',
				note: ''
			})
		)
	},
	// The team tablet, unlocked by the home worker: the log names the worker and the tablet.
	{
		what: 'board page on the tablet',
		member: 'tablet',
		action: 'read',
		call: page(board, 'tablet', `/teams/${org.teams.home}/board`, team())
	},
	{
		what: 'base plan page on the tablet',
		member: 'tablet',
		action: 'read',
		call: page(basePlan, 'tablet', `/teams/${org.teams.home}/base-plan`, team())
	}
];

/** Who the log must name: on the tablet, the person who unlocked it. */
const whoOf = (member: Member) =>
	member === 'tablet' ? org.users.worker.id : org.users[member].id;
/** The unit the log must name: the reader's, or for follow-up the unit followed up. */
const unitOf = (member: Member) => org.users[member].unitId;

beforeAll(async () => {
	database = await createTestDatabase();
	org = await seedOrganisation(database.db, 'Norr');
	sessions = createSessionStore(database.db);
	provideApp(database.db, sessions);
});
afterAll(async () => {
	removeApp();
	await database?.close();
});

async function lastLogId(): Promise<number> {
	const rows = await database.db.select({ id: auditLog.id }).from(auditLog);
	return Math.max(0, ...rows.map((r) => r.id));
}

describe('every read of client details and every change is logged', () => {
	// Sequential: some rows change what later rows read.
	it.each(ROWS().map((row, i) => [row.what, i] as const))('%s', async (_what, index) => {
		const row = ROWS()[index];
		const before = await lastLogId();
		const started = Date.now();
		const redirect = await row.call();
		const clientId = row.client ? row.client(redirect) : org.clients.home;
		const rows = await database.db
			.select()
			.from(auditLog)
			.where(and(gt(auditLog.id, before), eq(auditLog.clientId, clientId)));
		const matching = rows.filter((r) => r.action === row.action);
		expect(matching, `one ${row.action} row for the client`).toHaveLength(1);
		const [logged] = matching;
		expect(logged).toMatchObject({
			organisationId: org.organisationId,
			staffId: whoOf(row.member),
			unitId: unitOf(row.member)
		});
		expect(logged.at.getTime()).toBeGreaterThanOrEqual(started - 1000);
		expect(logged.at.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
		expect(logged.device).toContain(AGENT);
		if (row.member === 'tablet') expect(logged.device).toContain(org.users.tablet.username);
		expect(typeof (logged.detail as { what?: unknown }).what).toBe('string');
	});
});

describe('the board logs its own changes', () => {
	let server: Awaited<ReturnType<typeof startRealtime>>;
	beforeAll(async () => {
		server = await startRealtime(database.db, sessions, { today: () => today });
	});
	afterAll(async () => {
		await server.realtime.close();
		await new Promise((resolve) => server.server.close(resolve));
	});

	it('a change on the board and recorded time, by a worker and on the unlocked tablet', async () => {
		const { token } = await sessions.create(org.users.tablet.id);
		await sessions.setActing(sessionIdOf(token), org.users.worker.id);
		const devices = {
			worker: await openDevice(server.url, database.db, org.users.worker.id, org.rooms.home, {
				sessions
			}),
			tablet: await openDevice(server.url, database.db, org.users.tablet.id, org.rooms.home, {
				cookie: `session=${token}`
			})
		};
		for (const [who, device] of Object.entries(devices) as [Member, (typeof devices)['worker']][]) {
			const before = await lastLogId();
			const visitId = createVisit(device.doc, {
				clientId: org.clients.home,
				date: today,
				dayPart: 'afternoon',
				services: ['meals'],
				minutes: 20,
				assignees: [org.users.worker.id]
			});
			await whenCommitted(database.db, visitId);
			const ack = await device.socket.timeout(5000).emitWithAck('time:record', {
				visitId,
				minutes: 20,
				idempotencyKey: `audit-${visitId}`
			});
			expect(ack).toMatchObject({ ok: true });
			const rows = await database.db
				.select()
				.from(auditLog)
				.where(and(gt(auditLog.id, before), eq(auditLog.clientId, org.clients.home)));
			const whats = rows.map((r) => (r.detail as { what: string }).what);
			// The report once; the visit's changes (created, then done) at least once — changes by
			// one person within a minute share a row while the board stays loaded.
			expect(
				whats.filter((w) => w === 'time-entry'),
				who
			).toHaveLength(1);
			expect(whats.filter((w) => w === 'visit').length, who).toBeGreaterThanOrEqual(1);
			expect(
				whats.filter((w) => w !== 'visit' && w !== 'time-entry'),
				who
			).toEqual([]);
			for (const logged of rows) {
				expect(logged).toMatchObject({
					action: 'change',
					organisationId: org.organisationId,
					staffId: org.users.worker.id,
					unitId: org.unitId
				});
				expect(logged.device.length).toBeGreaterThan(0);
				if (who === 'tablet') expect(logged.device).toContain(org.users.tablet.username);
			}
		}
		for (const device of Object.values(devices)) device.close();
	});
});
