/**
 * Who may open what (DESIGN.md §7), from one table, over real HTTP, WebSockets and socket.io
 * against the running app: every role — a worker of Björken, a worker of Eken lent to Björken
 * for today, a worker of Eken, the unit's manager, the case officer, the administrator,
 * Björken's tablet locked and unlocked, and nobody — against every page, form action and JSON
 * endpoint under src/routes, every kind of Yjs room and every socket.io command. Another
 * team's objects are asked for by id (no IDOR); another organisation's are in
 * tests/security/idor.spec.ts, since the demo has one organisation.
 *
 * A cell is what the server must answer: an HTTP status (`L`: 303 to the login), 101 for an
 * opened WebSocket, or a socket.io acknowledgement (`ok`, or the error code).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { addDays, isoWeekKey, todayIn } from '../../src/lib/domain/periods';
import {
	base,
	connectSocket,
	cookieOf,
	signIn,
	syncedBoard,
	visitsOf,
	yjsUpgrade,
	type BoardSocket
} from './requests';

const ROLES = [
	'anna',
	'lent',
	'erik',
	'maria',
	'hanna',
	'admin',
	'tablet',
	'tablet+',
	'none'
] as const;
type Who = (typeof ROLES)[number];
/** The demo user behind each column; `lent` is Eken's Gustav, lent to Björken for today. */
const USERNAME: Record<Who, string | null> = {
	anna: 'anna',
	lent: 'gustav',
	erik: 'erik',
	maria: 'maria',
	hanna: 'hanna',
	admin: 'admin',
	tablet: 'bjorken-platta',
	'tablet+': 'bjorken-platta',
	none: null
};

/** 303 to the login page. */
const L = 'L';
type Status = number | typeof L;

/**
 * `METHOD path` with placeholders (filled below), and the answer for each role in the order of
 * ROLES. `{team}` is Björken, `{otherTeam}` Eken; `{client}`, `{visit}` and `{staff}` belong to
 * Björken and `{otherClient}`, `{otherVisit}` and `{otherStaff}` to Eken; `{nobody}` is an id
 * of nothing, for actions that would change data when they succeed. A POST sends an empty
 * form (or `{form}` below) with the app's own Origin: an allowed role gets past the guards to
 * the input check (400) or to the missing object (404), never changing anything.
 */
// prettier-ignore
const HTTP: [request: string, statuses: Status[]][] = [
	// request                                            anna lent erik maria hanna admin tablet tablet+ none
	['GET /',                                             [303, 303, 303, 200, 200, 200, 200, 200, L]],
	['GET /healthz',                                      [200, 200, 200, 200, 200, 200, 200, 200, 200]],
	['GET /login',                                        [303, 303, 303, 303, 303, 303, 303, 303, 200]],
	['POST /login',                                       [303, 303, 303, 303, 303, 303, 303, 303, 400]],
	['GET /logout',                                       [303, 303, 303, 303, 303, 303, 303, 303, 303]],
	['GET /locale',                                       [303, 303, 303, 303, 303, 303, 303, 303, 303]],
	['POST /locale {locale}',                             [303, 303, 303, 303, 303, 303, 303, 303, 303]],
	['GET /profile',                                      [303, 303, 303, 303, 303, 303, 303, 303, 303]],
	['GET /profile/password',                             [200, 200, 200, 200, 200, 200, 403, 403, L]],
	['POST /profile/password',                            [400, 400, 400, 400, 400, 400, 403, 403, L]],
	['GET /profile/pin',                                  [200, 200, 200, 200, 403, 403, 403, 403, L]],
	['POST /profile/pin',                                 [400, 400, 400, 400, 403, 403, 403, 403, L]],
	['GET /my-day',                                       [200, 200, 200, 200, 200, 200, 303, 303, L]],
	['GET /my-day/visits/{visit}',                        [200, 200, 403, 200, 403, 200, 403, 403, L]],
	['GET /my-day/visits/{otherVisit}',                   [403, 200, 200, 200, 403, 200, 403, 403, L]],
	['GET /teams/{team}/board',                           [200, 200, 403, 200, 403, 200, 200, 200, L]],
	['GET /teams/{team}/board?date={nextWeekDay}',        [200, 403, 403, 200, 403, 200, 200, 200, L]],
	['GET /teams/{otherTeam}/board',                      [403, 200, 200, 200, 403, 200, 403, 403, L]],
	['POST /teams/{team}/board?/createBoard',             [303, 303, 403, 303, 403, 303, 403, 303, L]],
	['POST /teams/{otherTeam}/board?/createBoard',        [403, 303, 303, 303, 403, 303, 403, 403, L]],
	['POST /teams/{team}/board?/unlock',                  [403, 403, 403, 403, 403, 403, 400, 400, L]],
	['GET /teams/{team}/base-plan',                       [200, 403, 403, 200, 403, 403, 403, 200, L]],
	['GET /teams/{otherTeam}/base-plan',                  [403, 200, 200, 200, 403, 403, 403, 403, L]],
	['POST /teams/{team}/base-plan?/save',                [400, 403, 403, 400, 403, 403, 403, 400, L]],
	['POST /teams/{team}/base-plan?/pause',               [400, 403, 403, 400, 403, 403, 403, 400, L]],
	['POST /teams/{team}/base-plan?/resume',              [400, 403, 403, 400, 403, 403, 403, 400, L]],
	['POST /teams/{team}/base-plan?/remove',              [400, 403, 403, 400, 403, 403, 403, 400, L]],
	['POST /teams/{otherTeam}/base-plan?/save',           [403, 400, 400, 400, 403, 403, 403, 403, L]],
	['POST /tablet/touch',                                [403, 403, 403, 403, 403, 403, 200, 200, 401]],
	['GET /api/me',                                       [200, 200, 200, 200, 200, 200, 200, 200, 401]],
	['GET /api/services',                                 [200, 200, 200, 200, 200, 200, 200, 200, 401]],
	['GET /api/teams/{team}/clients',                     [200, 200, 403, 200, 200, 200, 403, 403, 401]],
	['GET /api/teams/{otherTeam}/clients',                [403, 200, 200, 200, 200, 200, 403, 403, 401]],
	['GET /api/teams/{team}/staff',                       [200, 200, 403, 200, 200, 200, 403, 403, 401]],
	['GET /api/teams/{otherTeam}/staff',                  [403, 200, 200, 200, 200, 200, 403, 403, 401]],
	['GET /api/teams/{team}/frames?period={week}',        [200, 200, 403, 200, 200, 200, 403, 403, 401]],
	['GET /api/teams/{otherTeam}/frames?period={week}',   [403, 200, 200, 200, 200, 200, 403, 403, 401]],
	['POST /api/clients/{client}/access-code',            [200, 200, 403, 200, 200, 200, 403, 403, 401]],
	['POST /api/clients/{otherClient}/access-code',       [403, 200, 200, 200, 200, 200, 403, 403, 401]],
	['GET /api/clients/{client}/log',                     [403, 403, 403, 200, 403, 200, 403, 403, 401]],
	['GET /case/clients',                                 [403, 403, 403, 403, 200, 200, 403, 403, L]],
	['POST /case/clients?/search',                        [403, 403, 403, 403, 200, 200, 403, 403, L]],
	['GET /case/clients/new',                             [403, 403, 403, 403, 200, 200, 403, 403, L]],
	['POST /case/clients/new',                            [403, 403, 403, 403, 400, 400, 403, 403, L]],
	['GET /case/clients/{client}',                        [403, 403, 403, 403, 200, 200, 403, 403, L]],
	['POST /case/clients/{client}?/save',                 [403, 403, 403, 403, 400, 400, 403, 403, L]],
	['POST /case/clients/{nobody}?/deactivate',           [403, 403, 403, 403, 404, 404, 403, 403, L]],
	['POST /case/clients/{nobody}?/reactivate',           [403, 403, 403, 403, 404, 404, 403, 403, L]],
	['POST /case/clients/{client}?/revealCode',           [403, 403, 403, 403, 200, 200, 403, 403, L]],
	['POST /case/clients/{client}?/createDecision',       [403, 403, 403, 403, 400, 400, 403, 403, L]],
	['POST /case/clients/{client}?/changeDecision',       [403, 403, 403, 403, 404, 404, 403, 403, L]],
	['POST /case/clients/{client}?/endDecision',          [403, 403, 403, 403, 404, 404, 403, 403, L]],
	['GET /case/import',                                  [403, 403, 403, 403, 200, 200, 403, 403, L]],
	['POST /case/import?/check',                          [403, 403, 403, 403, 400, 400, 403, 403, L]],
	['POST /case/import?/import',                         [403, 403, 403, 403, 400, 400, 403, 403, L]],
	['GET /admin/staff',                                  [403, 403, 403, 200, 403, 200, 403, 403, L]],
	['GET /admin/staff/new',                              [403, 403, 403, 200, 403, 200, 403, 403, L]],
	['POST /admin/staff/new',                             [403, 403, 403, 400, 403, 400, 403, 403, L]],
	['GET /admin/staff/{staff}',                          [403, 403, 403, 200, 403, 200, 403, 403, L]],
	['GET /admin/staff/{otherStaff}',                     [403, 403, 403, 200, 403, 200, 403, 403, L]],
	['POST /admin/staff/{staff}?/update',                 [403, 403, 403, 400, 403, 400, 403, 403, L]],
	['POST /admin/staff/{nobody}?/password',              [403, 403, 403, 404, 403, 404, 403, 403, L]],
	['POST /admin/staff/{nobody}?/deactivate',            [403, 403, 403, 404, 403, 404, 403, 403, L]],
	['POST /admin/staff/{nobody}?/activate',              [403, 403, 403, 404, 403, 404, 403, 403, L]],
	['POST /admin/staff/{staff}?/lend',                   [403, 403, 403, 400, 403, 400, 403, 403, L]],
	['POST /admin/staff/{staff}?/endLoan',                [403, 403, 403, 400, 403, 400, 403, 403, L]],
	['POST /admin/staff/{staff}?/issue',                  [403, 403, 403, 400, 403, 400, 403, 403, L]],
	['POST /admin/staff/{staff}?/renew',                  [403, 403, 403, 400, 403, 400, 403, 403, L]],
	['POST /admin/staff/{staff}?/endEarly',               [403, 403, 403, 400, 403, 400, 403, 403, L]],
	['GET /admin/tablets',                                [403, 403, 403, 200, 403, 200, 403, 403, L]],
	['POST /admin/tablets?/register',                     [403, 403, 403, 400, 403, 400, 403, 403, L]],
	['POST /admin/tablets?/active',                       [403, 403, 403, 400, 403, 400, 403, 403, L]],
	['GET /manager',                                      [403, 403, 403, 200, 403, 200, 403, 403, L]],
	['GET /manager/clients/{client}',                     [403, 403, 403, 200, 403, 200, 403, 403, L]],
	['GET /manager/continuity',                           [403, 403, 403, 200, 403, 200, 403, 403, L]],
	['GET /manager/coverage',                             [403, 403, 403, 200, 403, 200, 403, 403, L]],
	['GET /manager/billing',                              [403, 403, 403, 200, 403, 200, 403, 403, L]],
	['GET /manager/billing/export?month={month}&format=csv',
	                                                      [403, 403, 403, 200, 403, 200, 403, 403, 401]],
	['GET /manager/audit',                                [403, 403, 403, 200, 403, 200, 403, 403, L]],
	['POST /manager/audit?/find',                         [403, 403, 403, 200, 403, 200, 403, 403, L]],
	['GET /manager/audit/clients/{client}',               [403, 403, 403, 200, 403, 200, 403, 403, L]],
	['POST /manager/audit/clients/{client}?/print',       [403, 403, 403, 200, 403, 200, 403, 403, L]],
	['GET /manager/audit/samples',                        [403, 403, 403, 200, 403, 200, 403, 403, L]],
	['POST /manager/audit/samples?/draw {from}',          [403, 403, 403, 400, 403, 400, 403, 403, L]],
	['GET /manager/audit/samples/{sample}',               [403, 403, 403, 200, 403, 200, 403, 403, L]],
	['POST /manager/audit/samples/{sample}?/judge',       [403, 403, 403, 400, 403, 400, 403, 403, L]],
	['POST /manager/audit/samples/{nobody}?/conclude',    [403, 403, 403, 404, 403, 404, 403, 403, L]],
	// Last: locks an unlocked tablet.
	['POST /teams/{team}/board?/lock',                    [403, 403, 403, 403, 403, 403, 200, 200, L]]
];

/** A browser's form post: the app's Origin, and HTML rather than SvelteKit's JSON answers. */
const FORM_POST = { origin: base(), accept: 'text/html' };

/** Form fields of the rows that name one, beside the Origin. */
const FORMS: Record<string, Record<string, string>> = {
	'{locale}': { locale: 'sv', redirectTo: '/' },
	'{from}': { from: 'not-a-date', to: 'not-a-date', count: '5' }
};

/** The routes answered without a row here: `POST /logout` ends the person's every session. */
const NOT_IN_TABLE = ['POST /logout'];

/**
 * WebSocket upgrades of Yjs rooms, with the session cookie and the app's Origin (the last row
 * with a foreign one). `{week}` is this week, `{lastWeek}` the last (next week's board is not
 * opened: the first opening fills it from the base plan).
 */
// prettier-ignore
const YJS: [room: string, statuses: number[]][] = [
	// room                                anna lent erik maria hanna admin tablet tablet+ none
	['board:{team}:{week}',                [101, 101, 403, 101, 403, 101, 403, 101, 401]],
	['board:{team}:{lastWeek}',            [101, 403, 403, 101, 403, 101, 403, 101, 401]],
	['board:{otherTeam}:{week}',           [403, 101, 101, 101, 403, 101, 403, 403, 401]],
	['not-a-board',                        [403, 403, 403, 403, 403, 403, 403, 403, 401]],
	['foreign-origin board:{team}:{week}', [403, 403, 403, 403, 403, 403, 403, 403, 403]]
];

/**
 * socket.io: `connect` is the connection itself (with the app's Origin, then a foreign one);
 * every other row is an event of DESIGN.md §5 with its payload, answered by acknowledgement.
 * The commands are sent so that an allowed role is stopped right after the access check
 * (a declined service the visit lacks, a visit that is not on the board, a past week), so the
 * table changes nothing on the boards.
 */
// prettier-ignore
const SOCKET: [event: string, answers: string[]][] = [
	// event                                anna    lent    erik    maria   hanna   admin   tablet  tablet+ none
	['connect',                             ['ok',   'ok',   'ok',   'ok',   'ok',   'ok',   'forbidden', 'ok', 'unauthorized']],
	['connect foreign-origin',              ['refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused']],
	['join board:{team}:{week}',            ['ok', 'ok', 'forbidden', 'ok', 'forbidden', 'ok', '-', 'ok', '-']],
	['join board:{team}:{lastWeek}',        ['ok', 'forbidden', 'forbidden', 'ok', 'forbidden', 'ok', '-', 'ok', '-']],
	['join board:{otherTeam}:{week}',       ['forbidden', 'ok', 'ok', 'ok', 'forbidden', 'ok', '-', 'forbidden', '-']],
	['join not-a-board',                    ['invalid-room', 'invalid-room', 'invalid-room', 'invalid-room', 'invalid-room', 'invalid-room', '-', 'invalid-room', '-']],
	['leave board:{team}:{week}',           ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', '-', 'ok', '-']],
	['time:record {visit}',                 ['invalid-input', 'invalid-input', 'forbidden', 'invalid-input', 'forbidden', 'invalid-input', '-', 'invalid-input', '-']],
	['time:record {otherVisit}',            ['forbidden', 'invalid-input', 'invalid-input', 'invalid-input', 'forbidden', 'invalid-input', '-', 'forbidden', '-']],
	['absence:set {staff}',                 ['ok', 'ok', 'forbidden', 'ok', 'forbidden', 'ok', '-', 'ok', '-']],
	['absence:set {otherStaff}',            ['forbidden', 'ok', 'ok', 'ok', 'forbidden', 'ok', '-', 'forbidden', '-']],
	['visit:move-week {team}',              ['not-found', 'forbidden', 'forbidden', 'not-found', 'forbidden', 'not-found', '-', 'not-found', '-']],
	['visit:move-week {otherTeam}',         ['forbidden', 'not-found', 'not-found', 'not-found', 'forbidden', 'not-found', '-', 'forbidden', '-']],
	['week:fill {team}',                    ['invalid-input', 'forbidden', 'forbidden', 'invalid-input', 'forbidden', 'invalid-input', '-', 'invalid-input', '-']],
	['week:fill {otherTeam}',               ['forbidden', 'invalid-input', 'invalid-input', 'invalid-input', 'forbidden', 'invalid-input', '-', 'forbidden', '-']]
];

interface Ids {
	team: string;
	otherTeam: string;
	client: string;
	otherClient: string;
	visit: string;
	otherVisit: string;
	staff: string;
	otherStaff: string;
	lent: string;
	anna: string;
	sample: string;
	nobody: string;
	week: string;
	lastWeek: string;
	nextWeekDay: string;
	today: string;
	month: string;
}

const fill = (text: string, ids: Ids) =>
	text.replace(/\{(\w+)\}/g, (whole, key: string) =>
		key in ids ? (ids as unknown as Record<string, string>)[key] : whole
	);

const today = todayIn();
let ids: Ids;
let maria: APIRequestContext;

/** Signs the column's user in; `tablet+` is the tablet unlocked by Anna with her PIN. */
async function contextFor(who: Who): Promise<APIRequestContext> {
	const context = await signIn(USERNAME[who]);
	if (who === 'tablet+') {
		const unlocked = await context.post(`/teams/${ids.team}/board?/unlock`, {
			form: { staffId: ids.anna, pin: '1234' },
			headers: FORM_POST,
			maxRedirects: 0
		});
		expect(unlocked.status(), 'anna unlocks the tablet').toBe(200);
	}
	return context;
}

async function httpStatus(context: APIRequestContext, row: string): Promise<Status> {
	const [method, rawPath, formKey] = row.split(' ');
	const path = fill(rawPath, ids);
	const response =
		method === 'GET'
			? await context.get(path, { maxRedirects: 0 })
			: await context.post(path, {
					form: formKey ? FORMS[formKey] : {},
					headers: FORM_POST,
					maxRedirects: 0
				});
	const status = response.status();
	if (status === 303 && (response.headers().location ?? '').startsWith('/login')) return L;
	return status;
}

async function socketAnswer(socket: BoardSocket, row: string): Promise<string> {
	const [event, arg] = row.split(' ');
	const key = `acc-${Math.random().toString(36).slice(2)}-${Date.now()}`;
	const room = (teamKey: string) => `board:${fill(teamKey, ids)}:${ids.week}`;
	let ack: { ok: boolean; error?: string };
	const call = (name: string, payload: unknown) =>
		(
			socket.timeout(10_000) as unknown as {
				emitWithAck(n: string, p: unknown): Promise<{ ok: boolean; error?: string }>;
			}
		).emitWithAck(name, payload);
	switch (event) {
		case 'join':
		case 'leave':
			ack = await call(event, { room: fill(arg, ids) });
			break;
		case 'time:record':
			ack = await call(event, {
				visitId: fill(arg, ids),
				minutes: 5,
				declinedServices: ['no-such-service'],
				idempotencyKey: key
			});
			break;
		case 'absence:set':
			ack = await call(event, {
				staffId: fill(arg, ids),
				date: today,
				dayParts: null,
				idempotencyKey: key
			});
			break;
		case 'visit:move-week':
			ack = await call(event, {
				visitId: ids.nobody,
				fromRoom: room(arg),
				toDate: ids.nextWeekDay,
				idempotencyKey: key
			});
			break;
		case 'week:fill':
			ack = await call(event, {
				room: `board:${fill(arg, ids)}:${ids.lastWeek}`,
				idempotencyKey: key
			});
			break;
		default:
			throw new Error(`no such event in the table: ${event}`);
	}
	return ack.ok ? 'ok' : (ack.error ?? 'refused');
}

test.describe('over the wire', () => {
	test.beforeAll(async () => {
		maria = await signIn('maria');
		const me = (await (await maria.get('/api/me')).json()) as {
			teams: { id: string; name: string }[];
		};
		const team = me.teams.find((t) => t.name === 'Björken')!.id;
		const otherTeam = me.teams.find((t) => t.name === 'Eken')!.id;
		const staffOf = async (teamId: string) =>
			(await (await maria.get(`/api/teams/${teamId}/staff`)).json()) as {
				id: string;
				username: string;
			}[];
		const bjorkenStaff = await staffOf(team);
		const ekenStaff = await staffOf(otherTeam);
		const cookie = await cookieOf(maria);
		const week = isoWeekKey(today);
		const todaysVisit = async (teamId: string) => {
			const visits = visitsOf(await syncedBoard(`board:${teamId}:${week}`, cookie));
			const visit = visits.find((v) => v.date === today && v.status === 'planned');
			expect(visit, `a planned visit of ${teamId} today`).toBeTruthy();
			return visit!;
		};
		const visit = await todaysVisit(team);
		const otherVisit = await todaysVisit(otherTeam);
		const lent = ekenStaff.find((s) => s.username === 'gustav')!.id;

		// Gustav of Eken is lent to Björken for today, the way a manager does it.
		const lend = await maria.post(`/admin/staff/${lent}?/lend`, {
			form: { teamId: team, from: today, to: today },
			headers: FORM_POST,
			maxRedirects: 0
		});
		expect(lend.status(), 'gustav is lent to Björken').toBe(200);

		// A sample check of the unit's reads, to ask for by id.
		await maria.get(`/manager/clients/${visit.clientId}`);
		const drawn = await maria.post('/manager/audit/samples?/draw', {
			form: { from: addDays(today, -29), to: today, count: '5' },
			headers: FORM_POST,
			maxRedirects: 0
		});
		expect(drawn.status(), 'a sample is drawn').toBe(303);
		const sample = /\/manager\/audit\/samples\/([0-9a-f-]{36})/.exec(
			drawn.headers().location ?? ''
		)![1];

		ids = {
			team,
			otherTeam,
			client: visit.clientId,
			otherClient: otherVisit.clientId,
			visit: visit.id,
			otherVisit: otherVisit.id,
			staff: bjorkenStaff.find((s) => s.username === 'bertil')!.id,
			otherStaff: ekenStaff.find((s) => s.username === 'erik')!.id,
			lent,
			anna: bjorkenStaff.find((s) => s.username === 'anna')!.id,
			sample,
			nobody: '00000000-0000-4000-8000-000000000000',
			week,
			lastWeek: isoWeekKey(addDays(today, -7)),
			nextWeekDay: addDays(today, 7),
			today,
			month: today.slice(0, 7)
		};
	});

	test.afterAll(async () => {
		// The loan ends again, so the other tests see the demo's Björken.
		if (ids) {
			await maria.post(`/admin/staff/${ids.lent}?/endLoan`, {
				form: { teamId: ids.team, from: today },
				headers: FORM_POST,
				maxRedirects: 0
			});
		}
		await maria?.dispose();
	});

	test('every role gets exactly the pages, endpoints, boards and commands it may have', async () => {
		test.setTimeout(240_000);
		const wrong: string[] = [];
		const check = (who: Who, what: string, got: unknown, expected: unknown) => {
			if (got !== expected) wrong.push(`${who} ${what}: ${String(got)}, expected ${expected}`);
		};
		for (const who of ROLES) {
			const column = ROLES.indexOf(who);
			const context = await contextFor(who);
			const cookie = await cookieOf(context);

			for (const [room, statuses] of YJS) {
				const foreign = room.startsWith('foreign-origin ');
				const name = fill(foreign ? room.slice('foreign-origin '.length) : room, ids);
				const status = await yjsUpgrade(name, cookie, foreign ? 'http://evil.example' : base());
				check(who, `yjs ${room}`, status, statuses[column]);
			}

			const foreign = await connectSocket(cookie, 'http://evil.example');
			if ('socket' in foreign) foreign.socket.close();
			check(
				who,
				'socket connect foreign-origin',
				'socket' in foreign ? 'ok' : 'refused',
				'refused'
			);
			const connected = await connectSocket(cookie);
			check(
				who,
				'socket connect',
				'socket' in connected ? 'ok' : connected.refused,
				SOCKET[0][1][column]
			);
			for (const [event, answers] of SOCKET.slice(2)) {
				const expected = answers[column];
				if ('socket' in connected)
					check(who, event, await socketAnswer(connected.socket, event), expected);
				else check(who, event, '-', expected);
			}
			if ('socket' in connected) connected.socket.close();

			for (const [row, statuses] of HTTP) {
				check(who, row, await httpStatus(context, row), statuses[column]);
			}
			await context.dispose();
		}
		expect(wrong).toEqual([]);
	});
});

/** Every route file under src/routes, with its methods and form actions, as table requests. */
function routeRequests(): string[] {
	const root = join(process.cwd(), 'src', 'routes');
	const requests: string[] = [];
	for (const file of readdirSync(root, { recursive: true }) as string[]) {
		const name = file.split(sep).at(-1)!;
		const dir = file.split(sep).slice(0, -1);
		const route = '/' + dir.join('/');
		const source = () => readFileSync(join(root, file), 'utf8');
		if (name === '+page.svelte') requests.push(`GET ${route}`);
		if (name === '+server.ts') {
			for (const [, method] of source().matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)) {
				requests.push(`${method} ${route}`);
			}
		}
		if (name === '+page.server.ts') {
			const text = source();
			if (!existsPage(root, dir)) requests.push(`GET ${route}`);
			const actions = text.split(/export const actions[^=]*=\s*\{/)[1];
			if (!actions) continue;
			for (const [, action] of actions.matchAll(/^\t(\w+): /gm)) {
				requests.push(action === 'default' ? `POST ${route}` : `POST ${route}?/${action}`);
			}
		}
	}
	return [...new Set(requests)].sort();
}

function existsPage(root: string, dir: string[]): boolean {
	try {
		readFileSync(join(root, ...dir, '+page.svelte'));
		return true;
	} catch {
		return false;
	}
}

/** The route a table request lands on: static segments before parameters, as SvelteKit does. */
function routeOf(request: string, routes: string[]): string | undefined {
	const [method, rawPath] = request.split(' ');
	const [path, query] = rawPath.split('?');
	const action = query?.startsWith('/') ? `?${query.split('&')[0]}` : '';
	const segments = path.split('/').filter(Boolean);
	const candidates = routes.filter((route) => {
		const [routeMethod, routePath] = route.split(' ');
		const [routeBase, routeAction = ''] = routePath.split('?');
		if (routeMethod !== method || (routeAction ? `?${routeAction}` : '') !== action) return false;
		const parts = routeBase.split('/').filter(Boolean);
		return (
			parts.length === segments.length &&
			parts.every((p, i) => p.startsWith('[') || p === segments[i])
		);
	});
	const params = (route: string) => (route.match(/\[/g) ?? []).length;
	return candidates.sort((a, b) => params(a) - params(b))[0];
}

test('the table has a row for every route, method and form action under src/routes', () => {
	const routes = routeRequests();
	const covered = new Set(
		[...HTTP.map(([row]) => row.split(' ').slice(0, 2).join(' ')), ...NOT_IN_TABLE]
			.map((request) => routeOf(request, routes))
			.filter((route): route is string => route !== undefined)
	);
	expect(routes.filter((route) => !covered.has(route))).toEqual([]);
});
