/**
 * Who may open what, from one table: every role of the demo (a worker of Björken, a worker of
 * another team, the unit's manager, the case officer, the administrator, Björken's tablet and
 * nobody) against every page and endpoint of the organisation's work, over real HTTP against
 * the running app. A cell is the status the server must answer (303: to the login).
 */
import {
	expect,
	request as playwrightRequest,
	test,
	type APIRequestContext
} from '@playwright/test';

const base = () => `http://localhost:${process.env.E2E_PORT ?? 4173}`;

const ROLES = ['anna', 'erik', 'maria', 'hanna', 'admin', 'bjorken-platta', 'none'] as const;
type Who = (typeof ROLES)[number];

/**
 * Paths with `{team}` (Björken), `{otherTeam}` (Eken) and `{client}` (a client of Björken);
 * the statuses in the order of ROLES.
 */
// prettier-ignore
const MATRIX: [path: string, statuses: number[]][] = [
	// path                          anna erik maria hanna admin tablet none
	['/my-day',                     [200, 200, 200, 200, 200, 303, 303]],
	['/teams/{team}/board',         [200, 403, 200, 403, 200, 200, 303]],
	['/teams/{otherTeam}/board',    [403, 200, 200, 403, 200, 403, 303]],
	['/teams/{team}/base-plan',     [200, 403, 200, 403, 403, 200, 303]],
	['/case/clients',               [403, 403, 403, 200, 200, 403, 303]],
	['/case/clients/{client}',      [403, 403, 403, 200, 200, 403, 303]],
	['/case/import',                [403, 403, 403, 200, 200, 403, 303]],
	['/admin/staff',                [403, 403, 200, 403, 200, 403, 303]],
	['/admin/tablets',              [403, 403, 200, 403, 200, 403, 303]],
	['/profile/pin',                [200, 200, 200, 403, 403, 403, 303]],
	['/api/teams/{team}/clients',   [200, 403, 200, 200, 200, 200, 401]],
	['/api/clients/{client}/log',   [403, 403, 200, 403, 200, 403, 401]],
	['/manager',                    [403, 403, 200, 403, 200, 403, 303]],
	['/manager/clients/{client}',   [403, 403, 200, 403, 200, 403, 303]],
	['/manager/continuity',         [403, 403, 200, 403, 200, 403, 303]],
	['/manager/coverage',           [403, 403, 200, 403, 200, 403, 303]],
	['/manager/billing',            [403, 403, 200, 403, 200, 403, 303]],
	['/manager/billing/export?month=2026-01&format=csv',
	                                [403, 403, 200, 403, 200, 403, 401]],
	['/manager/audit',              [403, 403, 200, 403, 200, 403, 303]],
	['/manager/audit/clients/{client}',
	                                [403, 403, 200, 403, 200, 403, 303]],
	['/manager/audit/samples',      [403, 403, 200, 403, 200, 403, 303]],
];

async function contextFor(who: Who): Promise<APIRequestContext> {
	const context = await playwrightRequest.newContext({ baseURL: base() });
	if (who === 'none') return context;
	const response = await context.post('/login', {
		form: { username: who, password: 'ramtavlan-demo' },
		headers: { origin: base() },
		maxRedirects: 0
	});
	expect(response.status(), `${who} signs in`).toBe(303);
	return context;
}

test('every role gets exactly the pages and endpoints it may have', async () => {
	test.setTimeout(120_000);
	const maria = await contextFor('maria');
	const me = (await (await maria.get('/api/me')).json()) as {
		teams: { id: string; name: string }[];
	};
	const team = me.teams.find((t) => t.name === 'Björken')!.id;
	const otherTeam = me.teams.find((t) => t.name === 'Eken')!.id;
	const clients = (await (await maria.get(`/api/teams/${team}/clients`)).json()) as {
		id: string;
	}[];
	const fill = (path: string) =>
		path
			.replace('{team}', team)
			.replace('{otherTeam}', otherTeam)
			.replace('{client}', clients[0].id);

	const wrong: string[] = [];
	for (const who of ROLES) {
		const context = who === 'maria' ? maria : await contextFor(who);
		const column = ROLES.indexOf(who);
		for (const [path, statuses] of MATRIX) {
			const response = await context.get(fill(path), { maxRedirects: 0 });
			const status = response.status();
			if (status !== statuses[column]) {
				wrong.push(`${who} ${path}: ${status}, expected ${statuses[column]}`);
			}
		}
		if (who !== 'maria') await context.dispose();
	}
	await maria.dispose();
	expect(wrong).toEqual([]);
});
