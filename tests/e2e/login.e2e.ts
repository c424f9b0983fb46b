import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

async function logIn(page: Page, username: string, password = 'ramtavlan-demo') {
	await page.goto('/login');
	await page.getByLabel('Användarnamn').fill(username);
	await page.getByLabel('Lösenord', { exact: true }).fill(password);
	await page.getByRole('button', { name: 'Logga in' }).click();
}

test('anna logs in to her day and sees her team Björken', async ({ page }) => {
	await logIn(page, 'anna');
	await expect(page.getByRole('heading', { level: 1 })).toContainText('Min dag');
	await expect(page.getByRole('link', { name: 'Öppna tavlan · Björken' })).toBeVisible();
	await expect(page.getByText(/Eken/)).toHaveCount(0);
	await page.screenshot({ path: 'test-results/screens/home-tablet.png', fullPage: true });

	const me = await page.request.get('/api/me');
	expect(me.status()).toBe(200);
	const body = await me.json();
	expect(body.username).toBe('anna');
	expect(body.teams.map((t: { name: string }) => t.name)).toEqual(['Björken']);
});

test('a wrong password shows a clear error and keeps the username', async ({ page }) => {
	await logIn(page, 'anna', 'fel-lösenord');
	await expect(page.getByRole('alert')).toContainText('Fel användarnamn eller lösenord');
	await expect(page.getByLabel('Användarnamn')).toHaveValue('anna');
	await page.screenshot({ path: 'test-results/screens/login-error-tablet.png' });
	expect((await page.request.get('/api/me')).status()).toBe(401);
});

test('logging out ends the session', async ({ page }) => {
	await logIn(page, 'bertil');
	await expect(page.getByRole('heading', { level: 1 })).toContainText('Min dag');
	await page.getByRole('button', { name: 'Logga ut' }).click();
	await expect(page.getByText('Du är utloggad.')).toBeVisible();
	expect((await page.request.get('/api/me')).status()).toBe(401);
	await page.goto('/');
	await expect(page).toHaveURL(/\/login/);
});

test('logging out goes on while another tab holds the reports open, and clears them after', async ({
	page,
	context
}) => {
	await logIn(page, 'bertil');
	await expect(page.getByRole('heading', { level: 1 })).toContainText('Min dag');
	// Another tab holds the device's reports database open and does not let go of it, so the
	// browser holds back its deletion.
	const other = await context.newPage();
	await other.goto('/');
	await other.evaluate(
		() =>
			new Promise<void>((resolve, reject) => {
				const request = indexedDB.open('ramtavlan-outbox');
				request.onsuccess = () => {
					(window as unknown as { held: IDBDatabase }).held = request.result;
					resolve();
				};
				request.onerror = () => reject(request.error);
			})
	);
	await page.getByRole('button', { name: 'Logga ut' }).click();
	await expect(page.getByText('Du är utloggad.')).toBeVisible({ timeout: 10_000 });
	expect((await page.request.get('/api/me')).status()).toBe(401);
	// Once the other tab lets go, the reports are gone from the device.
	await other.evaluate(() => (window as unknown as { held: IDBDatabase }).held.close());
	await expect
		.poll(() =>
			page.evaluate(async () =>
				(await indexedDB.databases()).some((d) => d.name === 'ramtavlan-outbox')
			)
		)
		.toBe(false);
	await other.close();
});

test('the login page works on a phone and the board page shows the frames', async ({ browser }) => {
	const context = await browser.newContext({
		viewport: { width: 390, height: 844 },
		hasTouch: true,
		isMobile: true,
		locale: 'sv-SE'
	});
	const page = await context.newPage();
	await page.goto('/login');
	await page.screenshot({ path: 'test-results/screens/login-phone.png', fullPage: true });
	await logIn(page, 'anna');
	await page.getByRole('link', { name: 'Öppna tavlan' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText('Björken');
	await expect(page.getByRole('row')).not.toHaveCount(1);
	await page.screenshot({ path: 'test-results/screens/board-phone.png', fullPage: true });
	await context.close();
});

test('English can be chosen and stays chosen', async ({ page }) => {
	await page.goto('/login');
	await page.getByRole('button', { name: 'English' }).click();
	await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
	await page.reload();
	await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
	await page.getByRole('button', { name: 'Svenska' }).click();
	await expect(page.getByRole('heading', { name: 'Logga in' })).toBeVisible();
});

test('the login and home pages pass the WCAG 2.2 AA checks', async ({ page }) => {
	const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
	await page.goto('/login');
	let results = await new AxeBuilder({ page }).withTags(tags).analyze();
	expect(results.violations.map((v) => `${v.id}: ${v.nodes[0]?.target}`)).toEqual([]);
	await logIn(page, 'maria');
	await expect(page.getByRole('heading', { level: 1 })).toContainText('Hej Maria');
	results = await new AxeBuilder({ page }).withTags(tags).analyze();
	expect(results.violations.map((v) => `${v.id}: ${v.nodes[0]?.target}`)).toEqual([]);
});
