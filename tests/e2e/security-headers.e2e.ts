/**
 * Cross-site requests and headers on the built app (docs/security.md): every page carries a
 * Content-Security-Policy whose scripts are the app's own plus SvelteKit's start-up script by
 * a fresh nonce, it cannot be framed, and the app works under that policy in the browser —
 * login, the board over its WebSockets, Min dag and the service worker — with no violation.
 */
import { expect, test, type Page } from '@playwright/test';
import { device, logIn, openBoard } from './helpers';

const own = () => `http://localhost:${process.env.E2E_PORT ?? 4173}`;

/** The directives of a policy, by name. */
function directives(policy: string): Map<string, string[]> {
	return new Map(
		policy
			.split(';')
			.map((d) => d.trim().split(/\s+/))
			.filter((d) => d[0])
			.map(([name, ...values]) => [name, values])
	);
}

/** Collects every policy violation the page reports, from its first script on. */
async function watchViolations(page: Page): Promise<string[]> {
	const seen: string[] = [];
	await page.exposeFunction('reportCspViolation', (text: string) => seen.push(text));
	await page.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (e) => {
			const report = (window as unknown as { reportCspViolation(t: string): void })
				.reportCspViolation;
			report(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
		});
	});
	page.on('console', (message) => {
		if (/content security policy/i.test(message.text())) seen.push(message.text());
	});
	return seen;
}

test('a page’s policy allows only the app’s own scripts and a fresh nonce, and no framing', async ({
	request
}) => {
	const first = await request.get('/login');
	expect(first.status()).toBe(200);
	const headers = first.headers();
	const policy = directives(headers['content-security-policy'] ?? '');
	const script = policy.get('script-src') ?? [];
	expect(script[0]).toBe("'self'");
	expect(script.slice(1)).toEqual([expect.stringMatching(/^'nonce-[A-Za-z0-9+/=]{16,}'$/)]);
	expect(policy.get('default-src')).toEqual(["'self'"]);
	expect(policy.get('object-src')).toEqual(["'none'"]);
	expect(policy.get('base-uri')).toEqual(["'self'"]);
	expect(policy.get('form-action')).toEqual(["'self'"]);
	expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
	expect(policy.get('connect-src')).toEqual(["'self'", own().replace(/^http/, 'ws')]);
	expect(headers['x-content-type-options']).toBe('nosniff');
	expect(headers['referrer-policy']).toBe('same-origin');
	expect(headers['x-frame-options']).toBe('DENY');

	// The inline start-up script carries the nonce; the next page gets another one.
	const nonce = script[1].slice("'nonce-".length, -1);
	const html = await first.text();
	const inline = [...html.matchAll(/<script([^>]*)>(?!<\/script>)/g)].map((m) => m[1]);
	expect(inline.length).toBeGreaterThan(0);
	for (const attributes of inline) expect(attributes).toContain(`nonce="${nonce}"`);
	const second = directives((await request.get('/login')).headers()['content-security-policy']);
	expect(second.get('script-src')?.[1]).not.toBe(script[1]);
});

test('the app runs under the policy: login, the board, Min dag and the service worker', async ({
	page
}) => {
	const violations = await watchViolations(page);
	await openBoard(page, 'anna');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Björken');
	const worker = await page.evaluate(async () => {
		const registration = await navigator.serviceWorker.ready;
		return registration.active?.scriptURL ?? null;
	});
	expect(worker).toMatch(/\/service-worker\.js$/);
	await page.goto('/my-day');
	await expect(page.getByRole('heading', { level: 1 })).toContainText('Min dag');
	await page.getByRole('button', { name: 'English' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText('My day');
	expect(violations).toEqual([]);
});

test('another site cannot frame a page', async ({ page }) => {
	await logIn(page, 'bertil');
	await page.setContent(`<iframe src="${own()}/my-day" title="ram"></iframe>`);
	// The browser refuses to show it: the frame ends on its error page, not on Min dag.
	await expect
		.poll(
			() =>
				page
					.frames()
					.find((f) => f !== page.mainFrame())
					?.url() ?? ''
		)
		.toMatch(/^chrome-error:/);
});

test('form posts and JSON calls from another origin are refused; the cookie is HttpOnly and Lax', async ({
	request
}) => {
	const foreign = 'https://elak.example';
	const login = await request.post('/login', {
		form: { username: 'maria', password: 'ramtavlan-demo' },
		headers: { origin: foreign },
		maxRedirects: 0
	});
	expect(login.status()).toBe(403);
	const ok = await request.post('/login', {
		form: { username: 'maria', password: 'ramtavlan-demo' },
		headers: { origin: own() },
		maxRedirects: 0
	});
	expect(ok.status()).toBe(303);
	const cookie = ok.headers()['set-cookie'] ?? '';
	expect(cookie).toMatch(/(^|\n)session=[a-z2-7]{32};/);
	const session = cookie.split('\n').find((c) => c.startsWith('session='))!;
	expect(session).toMatch(/; HttpOnly/i);
	expect(session).toMatch(/; SameSite=Lax/i);
	expect(session).toMatch(/; Path=\//i);
	// Plain http on localhost: a Secure cookie would be dropped by the browser.
	expect(session).not.toMatch(/; Secure/i);

	expect((await request.get('/api/me', { headers: { origin: foreign } })).status()).toBe(403);
	const me = await request.get('/api/me', { headers: { origin: own() } });
	expect(me.status()).toBe(200);
	expect(me.headers()['x-content-type-options']).toBe('nosniff');
});

test('changing one’s password on the profile page signs out the other device, not this one', async ({
	browser
}) => {
	const desk = await device(browser, 'tablet');
	const phone = await device(browser, 'phone');
	await logIn(phone.page, 'hanna');
	await logIn(desk.page, 'hanna');
	await desk.page.getByRole('link', { name: 'Hanna' }).first().click();
	await expect(desk.page.getByRole('heading', { name: 'Byt lösenord' })).toBeVisible();

	const change = async (current: string, next: string) => {
		await desk.page.getByLabel('Nuvarande lösenord').fill(current);
		await desk.page.getByLabel('Nytt lösenord', { exact: true }).fill(next);
		await desk.page.getByLabel('Nytt lösenord igen').fill(next);
		await desk.page.getByRole('button', { name: 'Spara nytt lösenord' }).click();
	};
	await change('fel-lösenord', 'ett-nytt-lösenord');
	await expect(desk.page.getByText('Lösenordet stämmer inte. Försök igen.')).toBeVisible();
	await change('ramtavlan-demo', 'ett-nytt-lösenord');
	await expect(desk.page.getByRole('status')).toContainText('Ditt lösenord är bytt');
	await desk.page.screenshot({ path: 'test-results/screens/profile-password.png' });

	await phone.page.reload();
	await expect(phone.page).toHaveURL(/\/login/);
	await desk.page.goto('/');
	await expect(desk.page).not.toHaveURL(/\/login/);

	// The demo password again, for the tests that follow.
	await desk.page.goto('/profile/password');
	await change('ett-nytt-lösenord', 'ramtavlan-demo');
	await expect(desk.page.getByRole('status')).toContainText('Ditt lösenord är bytt');
	await desk.context.close();
	await phone.context.close();
});
