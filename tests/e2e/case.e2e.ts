import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { PHONE, logIn } from './helpers';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

async function axe(page: import('@playwright/test').Page) {
	const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
	return results.violations.map((v) => `${v.id}: ${v.nodes[0]?.target}`);
}

test('hanna creates a client and a decision, changes it and sees the history', async ({ page }) => {
	test.setTimeout(90_000);
	await logIn(page, 'hanna');
	await page.goto('/case/clients');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Klienter');
	expect(await axe(page)).toEqual([]);

	await page.getByRole('link', { name: 'Ny klient' }).click();
	// The form, not the list still on screen while the new page loads.
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ny klient');
	await page.getByLabel('Namn').fill('Tekla Testsson');
	await page.getByLabel('Team', { exact: true }).selectOption({ label: 'Björken' });
	await page.getByLabel('Fast omsorgskontakt').selectOption({ label: 'Anna Lindqvist' });
	await page.getByLabel('Område').fill('Centrum');
	await page.getByLabel('Så vill jag ha det').fill('Vill ha kaffe innan vi börjar.');
	await page.getByLabel('Ny kod').fill('2580');
	await page.getByRole('button', { name: 'Skapa klient' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tekla Testsson');
	await expect(page.getByText('Klienten är skapad.')).toBeVisible();
	await expect(page.getByText('Kod sparad: ••••').first()).toBeVisible();
	await expect(page.getByText('2580')).toHaveCount(0);

	// A new decision; a bad frame first, then a good one.
	const form = page.locator('form[action="?/createDecision"]');
	await form.getByLabel('Gäller från').fill('2026-01-01');
	await form.getByLabel('Ramtid i minuter').fill('62');
	await form.getByLabel('Per vecka').check();
	await form.getByLabel('Måltid').check();
	await form.getByLabel('Promenad').check();
	await form.getByRole('button', { name: 'Spara beslutet' }).click();
	await expect(form.getByText('Ramtiden anges i steg om 5 minuter.')).toBeVisible();
	await expect(form.getByLabel('Gäller från')).toHaveValue('2026-01-01');
	await form.getByLabel('Ramtid i minuter').fill('240');
	await form.getByRole('button', { name: 'Spara beslutet' }).click();
	await expect(page.getByText('Beslutet är sparat.')).toBeVisible();
	await expect(page.getByText('4 h per vecka').first()).toBeVisible();

	// Change it: a new version.
	await page.getByText('Ändra beslutet').click();
	const change = page.locator('form[action="?/changeDecision"]');
	await change.getByLabel('Ramtid i minuter').fill('300');
	await change.getByLabel('Städning').check();
	await change.getByRole('button', { name: 'Spara ändringen' }).click();
	await expect(page.getByText('Ändringen är sparad som en ny version.')).toBeVisible();

	const history = page.getByRole('list', { name: 'Beslutshistorik' });
	await expect(history.getByRole('listitem')).toHaveCount(2);
	await expect(history.getByRole('listitem').first()).toContainText('Ändring');
	await expect(history.getByRole('listitem').first()).toContainText('5 h per vecka');
	await expect(history.getByRole('listitem').first()).toContainText('Hanna Sandberg');
	await expect(history.getByRole('listitem').nth(1)).toContainText('Ersatt');
	await expect(history.getByRole('listitem').nth(1)).toContainText('4 h per vecka');

	// The door code is shown only when asked for.
	await page.getByRole('button', { name: 'Visa koden' }).click();
	await expect(page.getByText('Koden är 2580')).toBeVisible();

	expect(await axe(page)).toEqual([]);
	await page.screenshot({ path: 'docs/screenshots/case-client.png', fullPage: true });
	await page.setViewportSize(PHONE);
	await page.screenshot({ path: 'test-results/screens/case-client-phone.png', fullPage: true });
	await page.setViewportSize({ width: 1280, height: 800 });

	// The list finds her by name; the import page documents its columns.
	// The name is posted, never put in the address.
	await page.goto('/case/clients');
	await page.getByLabel('Sök på namn').fill('tekla');
	await page.getByRole('button', { name: 'Sök', exact: true }).click();
	await expect(page.getByRole('link', { name: 'Tekla Testsson' })).toBeVisible();
	expect(page.url()).not.toContain('tekla');
	await page.goto('/case/import');
	await expect(page.getByText('ramtid_minuter', { exact: true })).toBeVisible();
	expect(await axe(page)).toEqual([]);
});

test('hanna imports a file after a dry run', async ({ page }) => {
	await logIn(page, 'hanna');
	const clients = await page.request.get('/case/clients');
	expect(clients.status()).toBe(200);
	await page.goto('/case/clients/new');
	await page.getByLabel('Namn').fill('Ivar Importsson');
	await page.getByLabel('Team', { exact: true }).selectOption({ label: 'Eken' });
	await page.getByRole('button', { name: 'Skapa klient' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ivar Importsson');

	await page.goto('/case/import');
	const csv = [
		'klient;team;giltig_fran;giltig_till;ramtid_minuter;period;insatser',
		'Ivar Importsson;Eken;2026-01-01;;600;månad;cleaning|shopping',
		'Ingen Alls;Eken;2026-01-01;;60;vecka;meals'
	].join('\n');
	const upload = (text: string) =>
		page.getByLabel(/CSV-fil/).setInputFiles({
			name: 'beslut.csv',
			mimeType: 'text/csv',
			buffer: Buffer.from('\uFEFF' + text, 'utf8')
		});
	await upload(csv);
	await page.getByRole('button', { name: 'Granska filen' }).click();
	await expect(page.getByRole('alert')).toContainText('Filen har 1 fel');
	await expect(page.getByText('Okänd klient: Ingen Alls.')).toBeVisible();

	await upload(csv.split('\n').slice(0, 2).join('\n'));
	await page.getByRole('button', { name: 'Granska filen' }).click();
	await expect(page.getByText('Filen är felfri. Inget är sparat ännu.')).toBeVisible();
	await expect(page.getByRole('cell', { name: /Nytt beslut/ })).toBeVisible();
	await page.setViewportSize(PHONE);
	await page.screenshot({ path: 'test-results/screens/case-import-phone.png', fullPage: true });
	await page.getByRole('button', { name: 'Spara 1 ändringar' }).click();
	await expect(page.getByText('Importen är klar: 1 beslut sparade.')).toBeVisible();
});

test('a case officer opens no board but reads the team data; workers get no case pages', async ({
	page
}) => {
	await logIn(page, 'hanna');
	const me = await (await page.request.get('/api/me')).json();
	for (const team of me.teams as { id: string }[]) {
		expect((await page.request.get(`/teams/${team.id}/board`)).status()).toBe(403);
		expect((await page.request.get(`/api/teams/${team.id}/clients`)).status()).toBe(200);
	}
	await page.context().clearCookies();

	const anonymous = await page.request.get('/case/clients', { maxRedirects: 0 });
	expect(anonymous.status()).toBe(303);
	await logIn(page, 'anna');
	expect((await page.request.get('/case/clients')).status()).toBe(403);
	expect((await page.request.get('/case/import')).status()).toBe(403);
});
