/**
 * Billing basis and the access log against the demo, in Debian's Chromium: Maria downloads
 * last month's billing basis as CSV (BOM, `;`, decimal comma), finds the export in the log,
 * searches a client's log, prints the extract (the print is logged first), and draws and
 * concludes a sample check. Every page passes axe (WCAG 2.2 AA) and fits tablet and phone.
 */
import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { device, logIn } from './helpers';

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

async function axeClean(page: Page) {
	const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
	expect(results.violations.map((v) => `${v.id}: ${v.nodes[0]?.target}`)).toEqual([]);
}

/** No horizontal scrolling of the page itself (wide tables scroll inside their box). */
async function fitsWidth(page: Page) {
	const overflow = await page.evaluate(
		() => document.documentElement.scrollWidth - document.documentElement.clientWidth
	);
	expect(overflow).toBeLessThanOrEqual(0);
}

test('the export needs a manager', async ({ playwright, baseURL }) => {
	const anonymous = await playwright.request.newContext({ baseURL });
	const response = await anonymous.get('/manager/billing/export?month=2026-01&format=csv');
	expect(response.status()).toBe(401);
	await anonymous.dispose();
});

test('maria exports the billing basis, searches the log, prints an extract and runs a sample check', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const { context, page } = await device(browser, 'tablet');
	await logIn(page, 'maria');

	// Billing basis: last month is preselected.
	await page.goto('/manager/billing');
	await expect(page.getByRole('heading', { name: 'Debiteringsunderlag', level: 1 })).toBeVisible();
	const table = page.getByRole('table');
	await expect(table).toBeVisible();
	const firstClient = (await table.locator('tbody th').first().textContent())!.trim();
	await axeClean(page);
	await fitsWidth(page);
	await page.screenshot({ path: 'docs/screenshots/manager-billing-tablet.png', fullPage: false });

	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('link', { name: 'CSV för Excel' }).click()
	]);
	expect(download.suggestedFilename()).toMatch(
		/^debiteringsunderlag-hemtjanst-norr-\d{4}-\d{2}\.csv$/
	);
	const bytes = await readFile((await download.path())!);
	expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
	const text = bytes.subarray(3).toString('utf8');
	const lines = text.split('\r\n');
	expect(lines[0]).toMatch(/^klient;team;beslut_id;giltig_fran;/);
	expect(lines.at(-1)).toBe('');
	expect(text).toContain(firstClient);
	// Hours with a decimal comma, e.g. `;5,48;`.
	expect(text).toMatch(/;\d+,\d{1,2};/);

	// The export is in the log.
	await page.goto('/manager/audit');
	await page.getByLabel('Händelse', { exact: true }).selectOption('export');
	await page.getByRole('button', { name: 'Sök i loggen' }).click();
	await expect(page.getByRole('cell', { name: 'Debiteringsunderlag' }).first()).toBeVisible();
	await axeClean(page);

	// Search a client by name, pick them, open the extract.
	await page.goto('/manager/audit');
	await page.getByLabel('Brukare (sök på namn)').fill(firstClient.split(' ')[0]);
	await page.getByRole('button', { name: 'Sök brukare' }).click();
	// The name was posted, not put in the address.
	expect(page.url()).not.toContain(encodeURIComponent(firstClient.split(' ')[0]));
	await page.getByRole('link', { name: new RegExp(`^Välj ${firstClient}`) }).click();
	await expect(page.getByText(`Brukare: ${firstClient}`)).toBeVisible();
	await axeClean(page);
	await page.getByRole('link', { name: `Loggutdrag för ${firstClient}` }).click();
	await expect(
		page.getByRole('heading', { name: `Loggutdrag: ${firstClient}`, level: 1 })
	).toBeVisible();
	await axeClean(page);
	await page.evaluate(() => {
		(window as unknown as { printed: number }).printed = 0;
		window.print = () => {
			(window as unknown as { printed: number }).printed++;
		};
	});
	const printPost = page.waitForResponse(
		(r) => r.request().method() === 'POST' && r.url().includes('/print')
	);
	await page.getByRole('button', { name: 'Skriv ut' }).click();
	expect((await printPost).status()).toBe(200);
	await expect
		.poll(() => page.evaluate(() => (window as unknown as { printed: number }).printed))
		.toBe(1);

	// The print and the extract's read are in the client's log.
	await page.reload();
	await expect(page.getByRole('cell', { name: 'Utskrift' }).first()).toBeVisible();

	// A sample check of the last 30 days (the reads above are among them).
	await page.goto('/manager/audit/samples');
	await expect(page.getByRole('heading', { name: 'Stickprov i loggen', level: 1 })).toBeVisible();
	await expect(page.getByLabel('Antal läsningar (1–50)')).toHaveValue('10');
	await page.getByLabel('Antal läsningar (1–50)').fill('0');
	await page.getByRole('button', { name: 'Dra stickprov' }).click();
	await expect(page.getByText('Ange ett antal från 1 till 50.')).toBeVisible();
	await axeClean(page);
	await page.getByLabel('Antal läsningar (1–50)').fill('3');
	await page.getByRole('button', { name: 'Dra stickprov' }).click();
	await expect(page).toHaveURL(/\/manager\/audit\/samples\/[0-9a-f-]{36}/);
	await expect(page.getByRole('heading', { name: /^Stickprov \d{4}-\d{2}-\d{2}/ })).toBeVisible();
	const forms = page.locator('form.judge');
	const count = await forms.count();
	expect(count).toBeGreaterThan(0);
	expect(count).toBeLessThanOrEqual(3);
	await axeClean(page);
	for (let i = 0; i < count; i++) {
		const form = forms.nth(i);
		await form.getByLabel(i === 0 ? 'Att utreda' : 'Befogad').check();
		if (i === 0) await form.getByLabel('Kommentar (valfri)').fill('Följs upp på APT');
		await form.getByRole('button', { name: 'Spara bedömning' }).click();
		await expect(form.getByText('Bedömningen är sparad.')).toBeVisible();
	}
	await page.getByRole('button', { name: 'Avsluta granskningen' }).click();
	await expect(page.getByText('Skriv en slutsats.')).toBeVisible();
	await page.getByLabel('Slutsats av granskningen').fill('En läsning följs upp med medarbetaren.');
	await page.getByRole('button', { name: 'Avsluta granskningen' }).click();
	await expect(page.getByText(/^Avslutad \d{4}-\d{2}-\d{2}/)).toBeVisible();
	await expect(page.getByText('Att utreda – Följs upp på APT')).toBeVisible();
	await expect(page.locator('form.judge')).toHaveCount(0);
	await axeClean(page);

	await page.getByRole('link', { name: 'Alla stickprov' }).click();
	await expect(page.getByText('Avslutad').first()).toBeVisible();
	await axeClean(page);
	await fitsWidth(page);
	await page.screenshot({ path: 'docs/screenshots/manager-audit-samples-tablet.png' });
	await context.close();

	const phone = await device(browser, 'phone');
	await logIn(phone.page, 'maria');
	for (const path of ['/manager/billing', '/manager/audit', '/manager/audit/samples']) {
		await phone.page.goto(path);
		await axeClean(phone.page);
		await fitsWidth(phone.page);
	}
	await phone.page.screenshot({ path: 'docs/screenshots/manager-audit-samples-phone.png' });
	await phone.context.close();
});

test('workers and case officers get 403 on the manager log pages', async ({ browser }) => {
	for (const username of ['bertil', 'hanna']) {
		const { context, page } = await device(browser, 'phone');
		await logIn(page, username);
		for (const path of ['/manager/billing', '/manager/audit', '/manager/audit/samples']) {
			const response = await page.goto(path);
			expect(response?.status(), `${username} ${path}`).toBe(403);
		}
		const exported = await page.request.get('/manager/billing/export?month=2026-01&format=csv');
		expect(exported.status()).toBe(403);
		await context.close();
	}
});
