/**
 * No object of another organisation by id (no IDOR): every route, form action and JSON
 * endpoint that takes an id — in the path, the query or a form field — and every realtime
 * room and command, asked by every role of one organisation for the objects of another in the
 * same database. Each row is asked twice: with the asker's own organisation's ids, which some
 * role must get past the scope check (so the row tests something), and with the other
 * organisation's, which every role must be refused (403 or 404) without a trace of its data
 * in the answer and without a change to it. The demo has one organisation; the team-level
 * cases run against the demo in tests/e2e/access-matrix.e2e.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isActionFailure, isHttpError, isRedirect } from '@sveltejs/kit';
import { asc, eq } from 'drizzle-orm';
import { addDays, isoWeekKey, todayIn } from '../../src/lib/domain/periods';
import { createSessionStore, type SessionStore } from '../../src/lib/server/auth/session';
import * as schema from '../../src/lib/server/db/schema';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';
import { provideApp, removeApp } from '../fixtures/route-event';
import {
	seedOrganisation,
	sessionOf,
	type Member,
	type Organisation
} from '../fixtures/organisations';
import { cookieFor, ORIGIN, startRealtime } from '../fixtures/realtime';
import { load as managerLayout } from '../../src/routes/manager/+layout.server';
import * as caseClient from '../../src/routes/case/clients/[clientId]/+page.server';
import * as caseClients from '../../src/routes/case/clients/+page.server';
import * as caseNew from '../../src/routes/case/clients/new/+page.server';
import * as managerOverview from '../../src/routes/manager/+page.server';
import * as managerClient from '../../src/routes/manager/clients/[clientId]/+page.server';
import * as managerAudit from '../../src/routes/manager/audit/+page.server';
import * as auditExtract from '../../src/routes/manager/audit/clients/[clientId]/+page.server';
import * as samples from '../../src/routes/manager/audit/samples/+page.server';
import * as sampleRoute from '../../src/routes/manager/audit/samples/[sampleId]/+page.server';
import * as billingExport from '../../src/routes/manager/billing/export/+server';
import * as staffList from '../../src/routes/admin/staff/+page.server';
import * as person from '../../src/routes/admin/staff/[staffId]/+page.server';
import * as tablets from '../../src/routes/admin/tablets/+page.server';
import * as accessCode from '../../src/routes/api/clients/[clientId]/access-code/+server';
import * as clientLogApi from '../../src/routes/api/clients/[clientId]/log/+server';
import * as teamClients from '../../src/routes/api/teams/[teamId]/clients/+server';
import * as teamStaff from '../../src/routes/api/teams/[teamId]/staff/+server';
import * as teamFrames from '../../src/routes/api/teams/[teamId]/frames/+server';
import * as board from '../../src/routes/teams/[teamId]/board/+page.server';
import * as basePlan from '../../src/routes/teams/[teamId]/base-plan/+page.server';
import * as visitPage from '../../src/routes/my-day/visits/[visitId]/+page.server';
import { WebSocket } from 'ws';
import { io as ioClient } from 'socket.io-client';

const MEMBERS: Member[] = ['worker', 'otherWorker', 'manager', 'caseOfficer', 'admin', 'tablet'];
const today = todayIn();

let database: TestDatabase;
let sessions: SessionStore;
let own: Organisation;
let foreign: Organisation;

type Form = Record<string, string | string[]>;
type Answer = { status: number | 'ok' | 'login'; body: string };

/** A request event as SvelteKit builds it after the hooks: locals, a form POST, `parent()`. */
function eventFor(
	member: Member,
	path: string,
	params: Record<string, string>,
	form?: Form
): never {
	const url = new URL(path, ORIGIN);
	const headers = { 'user-agent': 'idor-test', origin: ORIGIN };
	let request = new Request(url, { headers });
	if (form) {
		const body = new FormData();
		for (const [key, value] of Object.entries(form)) {
			for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
		}
		request = new Request(url, { method: 'POST', body, headers });
	}
	const base = {
		locals: { user: own.users[member], session: sessionOf(own, member) },
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

async function answerOf(run: () => unknown): Promise<Answer> {
	try {
		const result = await run();
		if (result instanceof Response) {
			return { status: result.ok ? 'ok' : result.status, body: await result.text() };
		}
		if (isActionFailure(result)) {
			return { status: result.status, body: JSON.stringify(result.data) };
		}
		return { status: 'ok', body: JSON.stringify(result ?? null) };
	} catch (error) {
		if (isRedirect(error)) {
			return { status: error.location.startsWith('/login') ? 'login' : 'ok', body: error.location };
		}
		if (isHttpError(error)) return { status: error.status, body: JSON.stringify(error.body) };
		throw error;
	}
}

interface Row {
	what: string;
	/**
	 * `refused`: the other organisation's id must be answered 403 or 404. `empty`: the id is a
	 * filter, so the answer is the asker's own view, without anything of the other organisation.
	 * `invalid`: the id is a form field naming what to link to, refused as bad input (400).
	 */
	expect: 'refused' | 'empty' | 'invalid';
	call(member: Member, o: Organisation): Promise<Answer>;
}

const page =
	(
		route: { load?: unknown },
		path: (o: Organisation) => string,
		params: (o: Organisation) => Record<string, string>
	) =>
	(member: Member, o: Organisation) =>
		answerOf(() => (route.load as (e: never) => unknown)(eventFor(member, path(o), params(o))));

const action =
	(
		route: { actions: Record<string, unknown> },
		name: string,
		path: (o: Organisation) => string,
		params: (o: Organisation) => Record<string, string>,
		form: (o: Organisation) => Form = () => ({})
	) =>
	(member: Member, o: Organisation) =>
		answerOf(() =>
			(route.actions[name] as (e: never) => unknown)(eventFor(member, path(o), params(o), form(o)))
		);

const endpoint =
	(
		handler: unknown,
		path: (o: Organisation) => string,
		params: (o: Organisation) => Record<string, string>,
		method: 'GET' | 'POST' = 'GET'
	) =>
	(member: Member, o: Organisation) =>
		answerOf(() =>
			(handler as (e: never) => unknown)(
				eventFor(member, path(o), params(o), method === 'POST' ? {} : undefined)
			)
		);

const clientOf = (o: Organisation) => ({ clientId: o.clients.home });
const teamOf = (o: Organisation) => ({ teamId: o.teams.home });
const clientForm = (o: Organisation): Form => ({
	name: `${o.clientNames.home}`,
	teamId: o.teams.home,
	contactPersonId: '',
	area: '',
	preferences: '',
	accessNotes: '',
	accessCode: ''
});
const decisionForm = (): Form => ({
	validFrom: today,
	validTo: '',
	frameMinutes: '600',
	framePeriod: 'week',
	services: ['meals']
});

const ROWS: Row[] = [
	{
		what: 'case client page',
		expect: 'refused',
		call: page(caseClient, (o) => `/case/clients/${o.clients.home}`, clientOf)
	},
	{
		what: 'case client save',
		expect: 'refused',
		call: action(
			caseClient,
			'save',
			(o) => `/case/clients/${o.clients.home}?/save`,
			clientOf,
			clientForm
		)
	},
	{
		what: 'case client door code',
		expect: 'refused',
		call: action(
			caseClient,
			'revealCode',
			(o) => `/case/clients/${o.clients.home}?/revealCode`,
			clientOf
		)
	},
	{
		what: 'case client reactivate',
		expect: 'refused',
		call: action(
			caseClient,
			'reactivate',
			(o) => `/case/clients/${o.clients.home}?/reactivate`,
			clientOf
		)
	},
	{
		what: 'case new decision',
		expect: 'refused',
		call: action(
			caseClient,
			'createDecision',
			(o) => `/case/clients/${o.clients.home}?/createDecision`,
			clientOf,
			decisionForm
		)
	},
	{
		what: 'case change decision (its id in the form)',
		expect: 'refused',
		call: action(
			caseClient,
			'changeDecision',
			() => `/case/clients/${own.clients.home}?/changeDecision`,
			() => clientOf(own),
			(o) => ({ ...decisionForm(), decisionId: o.decisions.home })
		)
	},
	{
		what: 'case end decision (its id in the form)',
		expect: 'refused',
		call: action(
			caseClient,
			'endDecision',
			() => `/case/clients/${own.clients.home}?/endDecision`,
			() => clientOf(own),
			(o) => ({ decisionId: o.decisions.home, endDate: addDays(today, 400) })
		)
	},
	{
		what: 'case client list by team',
		expect: 'empty',
		call: page(
			caseClients,
			(o) => `/case/clients?team=${o.teams.home}`,
			() => ({})
		)
	},
	{
		what: 'case client search by team (its id in the form)',
		expect: 'empty',
		call: action(
			caseClients,
			'search',
			() => '/case/clients?/search',
			() => ({}),
			(o) => ({ q: 'Klient', team: o.teams.home })
		)
	},
	{
		what: 'client found by name in a unit',
		expect: 'refused',
		call: action(
			managerAudit,
			'find',
			(o) => `/manager/audit?/find&unit=${o.unitId}`,
			() => ({}),
			() => ({ q: 'Klient' })
		)
	},
	{
		what: 'case new client in a team (its id in the form)',
		expect: 'invalid',
		call: (member, o) =>
			answerOf(() =>
				(caseNew.actions.default as (e: never) => unknown)(
					eventFor(member, '/case/clients/new', {}, { ...clientForm(o), name: 'Ny Klient' })
				)
			)
	},
	{
		what: 'manager client page',
		expect: 'refused',
		call: page(managerClient, (o) => `/manager/clients/${o.clients.home}`, clientOf)
	},
	{
		what: 'manager overview of a unit',
		expect: 'refused',
		call: page(
			managerOverview,
			(o) => `/manager?unit=${o.unitId}`,
			() => ({})
		)
	},
	{
		what: 'manager overview by team',
		expect: 'empty',
		call: page(
			managerOverview,
			(o) => `/manager?team=${o.teams.home}`,
			() => ({})
		)
	},
	{
		what: 'access log search by client',
		expect: 'empty',
		call: page(
			managerAudit,
			(o) => `/manager/audit?client=${o.clients.home}&staff=${o.users.worker.id}`,
			() => ({})
		)
	},
	{
		what: 'client log extract page',
		expect: 'refused',
		call: page(auditExtract, (o) => `/manager/audit/clients/${o.clients.home}`, clientOf)
	},
	{
		what: 'client log extract print',
		expect: 'refused',
		call: action(
			auditExtract,
			'print',
			(o) => `/manager/audit/clients/${o.clients.home}?/print`,
			clientOf
		)
	},
	{
		what: 'sample check page',
		expect: 'refused',
		call: page(
			sampleRoute,
			(o) => `/manager/audit/samples/${o.sample}`,
			(o) => ({ sampleId: o.sample })
		)
	},
	{
		what: 'sample check judge',
		expect: 'refused',
		call: action(
			sampleRoute,
			'judge',
			(o) => `/manager/audit/samples/${o.sample}?/judge`,
			(o) => ({ sampleId: o.sample }),
			(o) => ({ auditLogId: String(o.sampleRead), judgement: 'justified', comment: '' })
		)
	},
	{
		what: 'sample check conclude',
		expect: 'refused',
		call: action(
			sampleRoute,
			'conclude',
			(o) => `/manager/audit/samples/${o.sample}?/conclude`,
			(o) => ({ sampleId: o.sample }),
			() => ({ conclusion: 'Inga anmärkningar.' })
		)
	},
	{
		what: 'sample drawn in a unit',
		expect: 'refused',
		call: action(
			samples,
			'draw',
			(o) => `/manager/audit/samples?/draw&unit=${o.unitId}`,
			() => ({}),
			() => ({ from: today, to: today, count: '1' })
		)
	},
	{
		what: 'billing export of a unit',
		expect: 'refused',
		call: endpoint(
			billingExport.GET,
			(o) => `/manager/billing/export?month=${today.slice(0, 7)}&format=json&unit=${o.unitId}`,
			() => ({})
		)
	},
	{
		what: 'staff page',
		expect: 'refused',
		call: page(
			person,
			(o) => `/admin/staff/${o.users.worker.id}`,
			(o) => ({ staffId: o.users.worker.id })
		)
	},
	{
		what: 'staff update',
		expect: 'refused',
		call: action(
			person,
			'update',
			(o) => `/admin/staff/${o.users.worker.id}?/update`,
			(o) => ({ staffId: o.users.worker.id }),
			(o) => ({ role: 'worker', homeTeamId: o.teams.home, unitId: '' })
		)
	},
	{
		what: 'staff activate',
		expect: 'refused',
		call: action(
			person,
			'activate',
			(o) => `/admin/staff/${o.users.worker.id}?/activate`,
			(o) => ({ staffId: o.users.worker.id })
		)
	},
	{
		what: 'staff lent to a team (its id in the form)',
		expect: 'invalid',
		call: action(
			person,
			'lend',
			() => `/admin/staff/${own.users.worker.id}?/lend`,
			() => ({ staffId: own.users.worker.id }),
			(o) => ({ teamId: o.teams.other, from: addDays(today, 30), to: addDays(today, 30) })
		)
	},
	{
		what: 'staff list by team',
		expect: 'empty',
		call: page(
			staffList,
			(o) => `/admin/staff?team=${o.teams.home}&status=all`,
			() => ({})
		)
	},
	{
		what: 'tablet retired (its id in the form)',
		expect: 'refused',
		call: action(
			tablets,
			'active',
			() => '/admin/tablets?/active',
			() => ({}),
			(o) => ({ tabletId: o.users.tablet.id, active: 'true' })
		)
	},
	{
		what: 'door code API',
		expect: 'refused',
		call: endpoint(
			accessCode.POST,
			(o) => `/api/clients/${o.clients.home}/access-code`,
			clientOf,
			'POST'
		)
	},
	{
		what: 'client log API',
		expect: 'refused',
		call: endpoint(clientLogApi.GET, (o) => `/api/clients/${o.clients.home}/log`, clientOf)
	},
	{
		what: 'team clients API',
		expect: 'refused',
		call: endpoint(teamClients.GET, (o) => `/api/teams/${o.teams.home}/clients`, teamOf)
	},
	{
		what: 'team staff API',
		expect: 'refused',
		call: endpoint(teamStaff.GET, (o) => `/api/teams/${o.teams.home}/staff`, teamOf)
	},
	{
		what: 'team frames API',
		expect: 'refused',
		call: endpoint(
			teamFrames.GET,
			(o) => `/api/teams/${o.teams.home}/frames?period=${isoWeekKey(today)}`,
			teamOf
		)
	},
	{
		what: 'board page',
		expect: 'refused',
		call: page(board, (o) => `/teams/${o.teams.home}/board`, teamOf)
	},
	{
		what: 'board created',
		expect: 'refused',
		call: action(
			board,
			'createBoard',
			(o) => `/teams/${o.teams.home}/board?/createBoard&date=${addDays(today, 200)}`,
			teamOf
		)
	},
	{
		what: 'base plan page',
		expect: 'refused',
		call: page(basePlan, (o) => `/teams/${o.teams.home}/base-plan`, teamOf)
	},
	{
		what: 'base plan pattern for a client (its id in the form)',
		expect: 'refused',
		call: action(
			basePlan,
			'save',
			() => `/teams/${own.teams.home}/base-plan?/save`,
			() => teamOf(own),
			(o) => ({
				clientId: o.clients.home,
				weekdays: ['1'],
				dayPart: 'morning',
				services: ['meals'],
				minutes: '30'
			})
		)
	},
	{
		what: 'visit page',
		expect: 'refused',
		call: page(
			visitPage,
			(o) => `/my-day/visits/${o.visits.home}`,
			(o) => ({ visitId: o.visits.home })
		)
	}
];

/** The other organisation's rows that a route could change, to compare before and after. */
async function snapshot(orgId: string): Promise<string> {
	const db = database.db;
	const tables = [
		db
			.select()
			.from(schema.client)
			.where(eq(schema.client.organisationId, orgId))
			.orderBy(asc(schema.client.id)),
		db
			.select()
			.from(schema.decision)
			.where(eq(schema.decision.organisationId, orgId))
			.orderBy(asc(schema.decision.id)),
		db
			.select()
			.from(schema.staff)
			.where(eq(schema.staff.organisationId, orgId))
			.orderBy(asc(schema.staff.id)),
		db
			.select()
			.from(schema.teamMembership)
			.where(eq(schema.teamMembership.organisationId, orgId))
			.orderBy(asc(schema.teamMembership.id)),
		db.select().from(schema.auditSample).where(eq(schema.auditSample.organisationId, orgId)),
		db
			.select()
			.from(schema.auditSampleItem)
			.where(eq(schema.auditSampleItem.sampleId, foreign.sample)),
		db.select().from(schema.basePlan).where(eq(schema.basePlan.organisationId, orgId))
	];
	return JSON.stringify(await Promise.all(tables));
}

beforeAll(async () => {
	database = await createTestDatabase();
	own = await seedOrganisation(database.db, 'Norr');
	foreign = await seedOrganisation(database.db, 'Grann');
	sessions = createSessionStore(database.db);
	provideApp(database.db, sessions);
});
afterAll(async () => {
	removeApp();
	await database?.close();
});

describe('another organisation by id', () => {
	it.each(ROWS)('$what', async (row) => {
		const before = await snapshot(foreign.organisationId);
		const wrong: string[] = [];
		let pastScope = 0;
		for (const member of MEMBERS) {
			const mine = await row.call(member, own);
			if (mine.status !== 403 && mine.status !== 404) pastScope += 1;
			const theirs = await row.call(member, foreign);
			const allowed = { refused: [403, 404], empty: ['ok', 403], invalid: [400, 403] }[row.expect];
			if (!(allowed as unknown[]).includes(theirs.status)) {
				wrong.push(`${member}: ${theirs.status}`);
			}
			for (const name of Object.values(foreign.clientNames)) {
				if (theirs.body.includes(name)) wrong.push(`${member}: the answer names ${name}`);
			}
			if (theirs.body.includes(foreign.users.worker.name)) {
				wrong.push(`${member}: the answer names ${foreign.users.worker.name}`);
			}
		}
		expect(wrong).toEqual([]);
		expect(pastScope, 'some role gets past the scope check with its own ids').toBeGreaterThan(0);
		expect(await snapshot(foreign.organisationId)).toBe(before);
	});
});

describe("another organisation's boards", () => {
	let server: Awaited<ReturnType<typeof startRealtime>>;
	beforeAll(async () => {
		server = await startRealtime(database.db, sessions, { today: () => today });
	});
	afterAll(async () => {
		await server.realtime.close();
		await new Promise((resolve) => server.server.close(resolve));
	});

	const upgrade = (room: string, cookie: string) =>
		new Promise<number>((resolve) => {
			const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/yjs/${room}`, {
				headers: { cookie, origin: ORIGIN }
			});
			ws.on('open', () => {
				resolve(101);
				ws.close();
			});
			ws.on('unexpected-response', (req, res) => {
				resolve(res.statusCode ?? 0);
				req.destroy();
			});
			ws.on('error', () => resolve(0));
		});

	it('refuses every room and command of another organisation to every role', async () => {
		const wrong: string[] = [];
		for (const member of MEMBERS.filter((m) => m !== 'tablet')) {
			const cookie = await cookieFor(sessions, own.users[member].id);
			const status = await upgrade(foreign.rooms.home, cookie);
			if (status !== 403) wrong.push(`${member} yjs: ${status}`);
			const socket = ioClient(server.url, {
				path: '/socket.io',
				transports: ['websocket'],
				extraHeaders: { cookie, origin: ORIGIN },
				reconnection: false,
				forceNew: true
			});
			await new Promise<void>((resolve, reject) => {
				socket.once('connect', () => resolve());
				socket.once('connect_error', reject);
			});
			const key = () => `idor-${crypto.randomUUID()}`;
			const asks: [string, unknown, string[]][] = [
				['join', { room: foreign.rooms.home }, ['forbidden']],
				[
					'time:record',
					{ visitId: foreign.visits.home, minutes: 30, idempotencyKey: key() },
					['forbidden', 'not-found']
				],
				[
					'absence:set',
					{ staffId: foreign.users.worker.id, date: today, dayParts: 'day', idempotencyKey: key() },
					['forbidden', 'not-found']
				],
				[
					'visit:move-week',
					{
						visitId: foreign.visits.home,
						fromRoom: foreign.rooms.home,
						toDate: addDays(today, 7),
						idempotencyKey: key()
					},
					['forbidden', 'not-found']
				],
				['week:fill', { room: foreign.rooms.home, idempotencyKey: key() }, ['forbidden']]
			];
			for (const [event, payload, refusals] of asks) {
				const ack = (await (
					socket.timeout(5000) as unknown as {
						emitWithAck(e: string, p: unknown): Promise<{ ok: boolean; error?: string }>;
					}
				).emitWithAck(event, payload)) as { ok: boolean; error?: string };
				if (ack.ok || !refusals.includes(ack.error ?? '')) {
					wrong.push(`${member} ${event}: ${ack.ok ? 'ok' : ack.error}`);
				}
			}
			socket.close();
		}
		expect(wrong).toEqual([]);
		const absences = await database.db
			.select()
			.from(schema.absence)
			.where(eq(schema.absence.organisationId, foreign.organisationId));
		const entries = await database.db
			.select()
			.from(schema.timeEntry)
			.where(eq(schema.timeEntry.organisationId, foreign.organisationId));
		expect(absences).toEqual([]);
		expect(entries).toHaveLength(2);
	});
});
