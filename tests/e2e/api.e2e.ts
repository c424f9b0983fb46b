import { expect, test, type APIRequestContext } from '@playwright/test';

const origin = () => `http://localhost:${process.env.E2E_PORT ?? 4173}`;

async function session(request: APIRequestContext, username: string) {
	const response = await request.post('/login', {
		form: { username, password: 'ramtavlan-demo' },
		headers: { origin: origin() },
		maxRedirects: 0
	});
	expect(response.status()).toBe(303);
	const cookie = response.headers()['set-cookie'] ?? '';
	expect(cookie).toMatch(/session=[a-z2-7]{32}; .*HttpOnly; SameSite=Lax/i);
}

async function teamId(request: APIRequestContext, name: string) {
	const me = await (await request.get('/api/me')).json();
	return me.teams.find((t: { name: string }) => t.name === name)?.id as string;
}

test('health answers when the database does', async ({ request }) => {
	const response = await request.get('/healthz');
	expect(response.status()).toBe(200);
	expect(await response.json()).toEqual({ ok: true });
});

test('POST /login answers 303 with the session cookie; a wrong password does not', async ({
	request
}) => {
	const wrong = await request.post('/login', {
		form: { username: 'anna', password: 'fel' },
		headers: { origin: origin() },
		maxRedirects: 0
	});
	expect(wrong.status()).toBe(400);
	const foreign = await request.post('/login', {
		form: { username: 'anna', password: 'ramtavlan-demo' },
		headers: { origin: 'https://elak.example' },
		maxRedirects: 0
	});
	expect(foreign.status()).toBe(403);
	await session(request, 'anna');
});

test('the JSON API answers 401 without a session', async ({ request }) => {
	for (const path of ['/api/me', '/api/services', '/api/teams/x/staff']) {
		const response = await request.get(path);
		expect(response.status(), path).toBe(401);
	}
});

test('a worker reads their own team and gets 403 for another', async ({ playwright }) => {
	const request = await playwright.request.newContext({ baseURL: origin() });
	await session(request, 'maria');
	const bjorken = await teamId(request, 'Björken');
	const eken = await teamId(request, 'Eken');
	await request.dispose();

	const anna = await playwright.request.newContext({ baseURL: origin() });
	await session(anna, 'anna');
	expect((await anna.get(`/api/teams/${eken}/clients`)).status()).toBe(403);
	expect((await anna.get(`/api/teams/${eken}/staff`)).status()).toBe(403);
	expect((await anna.get(`/api/teams/${eken}/frames`)).status()).toBe(403);

	const staff = await (await anna.get(`/api/teams/${bjorken}/staff`)).json();
	expect(staff).toHaveLength(6);
	const annaRow = staff.find((s: { username: string }) => s.username === 'anna');
	expect(annaRow.competences.map((c: { code: string }) => c.code)).toContain('insulin-delegation');
	expect(Object.keys(annaRow).sort()).toEqual(['competences', 'id', 'name', 'username']);

	const clients = await (await anna.get(`/api/teams/${bjorken}/clients`)).json();
	expect(clients).toHaveLength(20);
	for (const c of clients) {
		expect(Object.keys(c).sort()).toEqual(['contactPersonId', 'decisions', 'id', 'name']);
		for (const d of c.decisions) {
			expect(['week', 'month']).toContain(d.framePeriod);
			expect(d.frameMinutes).toBeGreaterThan(0);
		}
	}

	const services = await (await anna.get('/api/services')).json();
	expect(services).toContainEqual({
		code: 'insulin',
		name: 'Insulin',
		requires: ['insulin-delegation']
	});

	const month = new Date().toISOString().slice(0, 7);
	const frames = await anna.get(`/api/teams/${bjorken}/frames?period=${month}`);
	expect(frames.status()).toBe(200);
	const rows = await frames.json();
	expect(new Set(rows.map((r: { clientId: string }) => r.clientId)).size).toBeGreaterThanOrEqual(
		19
	);
	for (const r of rows) {
		expect(r.leftMinutes).toBe(r.frameMinutes - r.usedMinutes - r.plannedMinutes);
		expect(r.period).toMatch(/^\d{4}-(W\d{2}|\d{2})$/);
	}
	expect(rows.some((r: { plannedMinutes: number }) => r.plannedMinutes > 0)).toBe(true);
	expect(rows.some((r: { usedMinutes: number }) => r.usedMinutes > 0)).toBe(true);
	expect((await anna.get(`/api/teams/${bjorken}/frames?period=2026-13`)).status()).toBe(400);

	const foreign = await anna.get('/api/me', { headers: { origin: 'https://elak.example' } });
	expect(foreign.status()).toBe(403);
	await anna.dispose();
});

test('a manager sees every team of the unit', async ({ request }) => {
	await session(request, 'maria');
	const me = await (await request.get('/api/me')).json();
	expect(me).toMatchObject({ username: 'maria', role: 'manager' });
	expect(me.teams.map((t: { name: string }) => t.name)).toEqual(['Björken', 'Eken']);
});
