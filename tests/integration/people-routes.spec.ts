/**
 * Who may use the staff pages: every role (and nobody signed in) against every route and
 * form action of `/admin/staff`, called through the route modules themselves (their guards,
 * parsing and services) on a test database. A manager reaches only the workers of their own
 * unit; another unit's manager gets 403 for them, whatever id they send.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isActionFailure, isHttpError, isRedirect } from '@sveltejs/kit';
import { eq } from 'drizzle-orm';
import { addDays, todayIn } from '../../src/lib/domain/periods';
import type { Role } from '../../src/lib/domain/types';
import type { App } from '../../src/lib/server/app';
import { configFromEnv } from '../../src/lib/server/config';
import { createSessionStore, type SessionUser } from '../../src/lib/server/auth/session';
import { staffCompetence } from '../../src/lib/server/db/schema';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';
import { createPerson, type OrgFixture } from '../fixtures/factories';
import { addUnit, createOrgWithCatalogue, userOf } from '../fixtures/people';
import * as listRoute from '../../src/routes/admin/staff/+page.server';
import * as newRoute from '../../src/routes/admin/staff/new/+page.server';
import * as personRoute from '../../src/routes/admin/staff/[staffId]/+page.server';

type Who = 'worker' | 'manager' | 'otherManager' | 'caseOfficer' | 'admin' | 'teamDevice' | 'none';
type Outcome = 'ok' | 'login' | 403 | 400;

const APP_KEY = Symbol.for('ramtavlan.app');
const today = todayIn();

let handle: TestDatabase;
let org: OrgFixture;
const users = {} as Record<Exclude<Who, 'none'>, SessionUser>;

beforeAll(async () => {
	handle = await createTestDatabase();
	org = await createOrgWithCatalogue(handle.db);
	const south = await addUnit(handle.db, org);
	const roles: [Exclude<Who, 'none'>, Role, string | null | undefined][] = [
		['worker', 'worker', undefined],
		['manager', 'manager', undefined],
		['otherManager', 'manager', south.unitId],
		['caseOfficer', 'caseOfficer', null],
		['admin', 'admin', null],
		['teamDevice', 'teamDevice', undefined]
	];
	for (const [who, role, unitId] of roles) {
		users[who] = await userOf(handle.db, org, {
			username: `u-${who.toLowerCase()}`,
			role,
			unitId,
			homeTeamId: role === 'worker' || role === 'teamDevice' ? org.teams['Björken'] : undefined
		});
	}
	const app: App = {
		database: handle,
		db: handle.db,
		sessions: createSessionStore(handle.db),
		config: configFromEnv({})
	};
	(globalThis as Record<symbol, unknown>)[APP_KEY] = Promise.resolve(app);
});
afterAll(async () => {
	delete (globalThis as Record<symbol, unknown>)[APP_KEY];
	await handle.close();
});

function event(
	who: Who,
	path: string,
	opts: { params?: Record<string, string>; form?: Record<string, string> } = {}
) {
	const url = new URL('http://localhost' + path);
	const body = new FormData();
	for (const [k, v] of Object.entries(opts.form ?? {})) body.set(k, v);
	return {
		locals: { user: who === 'none' ? null : users[who], session: null },
		url,
		params: opts.params ?? {},
		request: new Request(url, opts.form ? { method: 'POST', body } : undefined),
		route: { id: null }
	} as never;
}

/** What became of a call: success, a login redirect, an HTTP error or a refused form. */
async function outcome(call: () => unknown): Promise<Outcome | string> {
	try {
		const result = await call();
		if (isActionFailure(result)) return result.status === 400 ? 400 : `fail ${result.status}`;
		return 'ok';
	} catch (e) {
		if (isRedirect(e)) return e.location.startsWith('/login') ? 'login' : 'ok';
		if (isHttpError(e)) return e.status === 403 ? 403 : `http ${e.status}`;
		throw e;
	}
}

const EVERYONE: Who[] = [
	'worker',
	'manager',
	'otherManager',
	'caseOfficer',
	'admin',
	'teamDevice',
	'none'
];

/** Allowed for the unit's manager and admins; 403 for other roles; login without a session. */
function expected(who: Who, otherManager: Outcome): Outcome {
	if (who === 'none') return 'login';
	if (who === 'manager' || who === 'admin') return 'ok';
	if (who === 'otherManager') return otherManager;
	return 403;
}

type PersonAction = keyof typeof personRoute.actions;

describe('role × route matrix', () => {
	for (const who of EVERYONE) {
		it(`GET /admin/staff and /admin/staff/new as ${who}`, async () => {
			expect(await outcome(() => listRoute.load(event(who, '/admin/staff?q=&status=all')))).toBe(
				expected(who, 'ok')
			);
			expect(await outcome(() => newRoute.load(event(who, '/admin/staff/new')))).toBe(
				expected(who, 'ok')
			);
		});

		it(`POST /admin/staff/new as ${who}`, async () => {
			const form = {
				username: `new-${who.toLowerCase()}`,
				name: 'Ny Person',
				role: 'worker',
				homeTeamId: org.teams['Björken'],
				unitId: '',
				password: 'ett-långt-lösenord'
			};
			// Another unit's manager may add workers, but not to a team of this unit.
			expect(
				await outcome(() =>
					newRoute.actions.default(event(who, '/admin/staff/new?/default', { form }))
				)
			).toBe(expected(who, 400));
		});

		it(`GET and every action of /admin/staff/[staffId] as ${who}`, async () => {
			const target = await createPerson(handle.db, org, {
				username: `target-${who.toLowerCase()}`,
				homeTeamId: org.teams['Björken'],
				competences: [
					{ code: 'usk', validFrom: '2020-01-01', validTo: null },
					{
						code: 'insulin-delegation',
						validFrom: addDays(today, -100),
						validTo: addDays(today, 10)
					}
				]
			});
			const params = { staffId: target };
			const path = `/admin/staff/${target}`;
			const rows = await handle.db
				.select()
				.from(staffCompetence)
				.where(eq(staffCompetence.staffId, target));
			const usk = rows.find((r) => r.competenceCode === 'usk')!.id;
			const insulin = rows.find((r) => r.competenceCode === 'insulin-delegation')!.id;

			expect(await outcome(() => personRoute.load(event(who, path, { params })))).toBe(
				expected(who, 403)
			);
			const calls: [PersonAction, Record<string, string>][] = [
				['update', { role: 'worker', homeTeamId: org.teams['Eken'], unitId: '' }],
				['password', { password: 'ett-nytt-långt-lösenord' }],
				['issue', { code: 'lift-training', validFrom: today, validTo: '', issuedBy: '' }],
				['renew', { competenceId: insulin, validTo: addDays(today, 200), issuedBy: 'Eva' }],
				['endEarly', { competenceId: usk, validTo: today }],
				['lend', { teamId: org.teams['Björken'], from: today, to: addDays(today, 2) }],
				['endLoan', { teamId: org.teams['Björken'], from: today }],
				['deactivate', {}],
				['activate', {}]
			];
			for (const [action, form] of calls) {
				const result = await outcome(() =>
					personRoute.actions[action](event(who, `${path}?/${action}`, { params, form }))
				);
				expect(result, `${action} as ${who}`).toBe(expected(who, 403));
			}
		});
	}

	it('answers 404 for an id that is not a person of the organisation', async () => {
		for (const staffId of ['00000000-0000-4000-8000-000000000000', 'x']) {
			expect(
				await outcome(() =>
					personRoute.load(event('admin', `/admin/staff/${staffId}`, { params: { staffId } }))
				)
			).toBe('http 404');
		}
	});
});
