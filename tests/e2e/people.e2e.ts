/**
 * Staff and competences against the demo, in Debian's Chromium: Maria (manager) issues an
 * insulin delegation to Bertil — a year and a day is refused with a clear message — renews it,
 * and sees it on her start page among the delegations ending within 30 days. Workers get 403,
 * nobody signed in goes to the login. Pages pass axe (WCAG 2.2 AA) and have 44 px targets.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { maxDelegationEnd } from '../../src/lib/domain/competences';
import { addDays } from '../../src/lib/domain/periods';
import { device, logIn } from './helpers';

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

function todayInStockholm(): string {
	return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(new Date());
}

async function axeClean(page: Page) {
	const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
	expect(results.violations.map((v) => `${v.id}: ${v.nodes[0]?.target}`)).toEqual([]);
}

/** Controls in the page's main part smaller than a fingertip (44 px). */
function tooSmall(page: Page) {
	return page
		.locator('main button, main a, main input, main select, main summary')
		.evaluateAll((els) =>
			els
				.filter((e) => (e as HTMLElement).offsetParent !== null)
				.map((e) => ({ e, r: e.getBoundingClientRect() }))
				.filter(({ r }) => r.height < 44 || r.width < 44)
				.map(
					({ e, r }) => `${e.tagName} ${e.textContent?.trim().slice(0, 30)} ${r.width}x${r.height}`
				)
		);
}

test('the staff pages need a manager or an admin', async ({ browser, playwright, baseURL }) => {
	const anonymous = await playwright.request.newContext({ baseURL });
	const response = await anonymous.get('/admin/staff', { maxRedirects: 0 });
	expect(response.status()).toBe(303);
	expect(response.headers().location).toMatch(/^\/login\?redirectTo=%2Fadmin%2Fstaff/);
	await anonymous.dispose();

	const { context, page } = await device(browser, 'phone');
	await logIn(page, 'bertil');
	const forbidden = await page.goto('/admin/staff');
	expect(forbidden?.status()).toBe(403);
	await context.close();
});

test('maria issues a delegation, renews it and sees it among those ending soon', async ({
	browser
}) => {
	const today = todayInStockholm();
	const { context, page } = await device(browser, 'tablet');
	await logIn(page, 'maria');
	await expect(
		page.getByRole('heading', { name: 'Delegeringar som går ut inom 30 dagar' })
	).toBeVisible();

	await page.getByRole('link', { name: 'Personal och kompetenser' }).click();
	await expect(page.getByRole('heading', { name: 'Personal', exact: true })).toBeVisible();
	await page.getByLabel('Sök namn eller användarnamn').fill('bertil');
	await page.getByRole('button', { name: 'Sök' }).click();
	await expect(page.getByText('Antal: 1')).toBeVisible();
	await axeClean(page);
	expect(await tooSmall(page)).toEqual([]);
	await page.getByRole('link', { name: /Bertil/ }).click();
	await expect(page).toHaveURL(/\/admin\/staff\/[0-9a-f-]{36}$/);

	// A year and a day is refused, and what was typed stays.
	const issue = page.locator('form[action="?/issue"]');
	const from = addDays(today, -300);
	await issue.getByLabel('Kompetens').selectOption({ label: 'Delegering insulin' });
	await issue.getByLabel('Gäller från').fill(from);
	await issue.getByLabel('Gäller till och med').fill(addDays(from, 365));
	await issue.getByLabel('Utfärdad av (sjuksköterska)').fill('Eva Sköterskesson');
	await issue.getByRole('button', { name: 'Utfärda' }).click();
	await expect(
		issue.getByText(
			`En delegering gäller högst ett år. Sista dag kan vara senast ${maxDelegationEnd(from)}.`
		)
	).toBeVisible();
	await expect(issue.getByLabel('Utfärdad av (sjuksköterska)')).toHaveValue('Eva Sköterskesson');

	await issue.getByLabel('Gäller till och med').fill(addDays(today, 10));
	await Promise.all([
		page.waitForResponse((r) => r.request().method() === 'POST' && r.status() === 200),
		issue.getByRole('button', { name: 'Utfärda' }).click()
	]);
	await expect(page.getByRole('status')).toHaveText('Kompetensen är utfärdad.');
	const delegation = page.locator('li[data-competence-id]', { hasText: 'Delegering insulin' });
	await expect(delegation).toHaveCount(1);
	await expect(delegation).toContainText(`${from} – ${addDays(today, 10)}`);

	// Renewed: a new row continuing the day after; this one ends within 30 days too.
	await delegation.locator('summary', { hasText: 'Förnya' }).click();
	const renew = delegation.locator('form[action="?/renew"]');
	await expect(renew.getByLabel('Utfärdad av (sjuksköterska)')).toHaveValue('Eva Sköterskesson');
	await renew.getByLabel('Gäller till och med').fill(addDays(today, 25));
	await renew.getByRole('button', { name: 'Förnya' }).click();
	await expect(page.getByRole('status')).toHaveText('Kompetensen är förnyad.');
	await expect(delegation).toHaveCount(2);
	await expect(delegation.filter({ hasText: 'Förnyad' })).toContainText(addDays(today, 10));
	await expect(
		delegation.filter({ hasText: `${addDays(today, 11)} – ${addDays(today, 25)}` })
	).toHaveCount(1);
	await axeClean(page);
	expect(await tooSmall(page)).toEqual([]);
	await page.screenshot({ path: 'docs/screenshots/people.png', fullPage: true });

	await page.goto('/');
	const soon = page.getByRole('region', { name: 'Delegeringar som går ut inom 30 dagar' });
	const row = soon.getByRole('row', { name: /Bertil/ });
	await expect(row).toHaveCount(1);
	await expect(row).toContainText('Delegering insulin');
	await expect(row).toContainText(addDays(today, 25));
	await expect(row).toContainText('Eva Sköterskesson');
	// Soonest first: the demo's Cecilia (18 days) comes before Bertil (25 days).
	const names = (await soon.locator('tbody tr td:first-child').allTextContents()).map((n) =>
		n.trim()
	);
	expect(names).toEqual(['Cecilia Holm', 'Bertil Åkesson']);
	await axeClean(page);
	expect(await tooSmall(page)).toEqual([]);
	await page.screenshot({ path: 'docs/screenshots/manager-start.png', fullPage: true });

	await row.getByRole('link').click();
	await expect(page).toHaveURL(/\/admin\/staff\/[0-9a-f-]{36}$/);
	await context.close();
});

test('on a phone, maria adds a worker with a one-time password and lends them to Eken', async ({
	browser
}) => {
	const today = todayInStockholm();
	const { context, page } = await device(browser, 'phone');
	await logIn(page, 'maria');
	await page.goto('/admin/staff');
	await axeClean(page);
	expect(await tooSmall(page)).toEqual([]);
	await page.screenshot({ path: 'test-results/screens/people-list-phone.png', fullPage: true });

	await page.getByRole('link', { name: 'Lägg till medarbetare' }).click();
	await expect(page).toHaveURL(/\/admin\/staff\/new$/);
	await page.getByLabel('Namn', { exact: true }).fill('Wilma Testsson');
	await page.getByLabel('Användarnamn').fill('wilma');
	await page.getByLabel('Hemteam').selectOption({ label: 'Björken' });
	await axeClean(page);
	expect(await tooSmall(page)).toEqual([]);
	await page.getByRole('button', { name: 'Lägg till', exact: true }).click();
	await expect(page.getByRole('heading', { name: 'Wilma Testsson är tillagd' })).toBeVisible();
	const password = await page.getByTestId('initial-password').textContent();
	expect(password).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
	await page.getByRole('link', { name: 'Öppna Wilma Testsson' }).click();

	const lend = page.locator('form[action="?/lend"]');
	await lend.getByLabel('Team').selectOption({ label: 'Eken' });
	await lend.getByLabel('Från').fill(today);
	await lend.getByLabel('Till och med').fill(addDays(today, 2));
	await lend.getByRole('button', { name: 'Låna ut' }).click();
	await expect(page.getByRole('status')).toHaveText('Utlåningen är sparad.');
	await expect(page.getByText(`Eken: ${today} – ${addDays(today, 2)}`)).toBeVisible();
	await axeClean(page);
	expect(await tooSmall(page)).toEqual([]);
	await page.screenshot({ path: 'test-results/screens/people-person-phone.png', fullPage: true });
	await context.close();

	// The one-time password signs Wilma in; her day shows Eken's board among her teams.
	const wilma = await device(browser, 'phone');
	await logIn(wilma.page, 'wilma', password!);
	const me = await (await wilma.page.request.get('/api/me')).json();
	expect(me.teams.map((t: { name: string }) => t.name)).toEqual(['Björken', 'Eken']);
	await wilma.context.close();
});
