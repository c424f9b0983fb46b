/**
 * No client data in addresses (DESIGN.md §7, docs/security.md "Logs and addresses"): an address
 * ends up in the browser's history, in bookmarks, in a proxy's access log and, to other sites,
 * in a Referer. Searching for a client by name on the manager's overview, the case officer's
 * list and the access log keeps the name out of every address the page asks for, and no link
 * or form on the pages people work in names a client: they use ids.
 */
import { expect, test, type Page } from '@playwright/test';
import { DEMO_CLIENT_NAMES } from '../../src/lib/server/db/seed-demo';
import { device, logIn } from './helpers';

/** Every address the page asks the server for, from now on. */
function addressesOf(page: Page): string[] {
	const urls: string[] = [];
	page.on('request', (request) => urls.push(request.url()));
	return urls;
}

/** Demo client names (any part of one) found in addresses, decoded or not. */
function namesIn(urls: string[], parts: string[]): string[] {
	const found: string[] = [];
	for (const url of urls) {
		let decoded = url;
		try {
			decoded = decodeURIComponent(url.replace(/\+/g, ' '));
		} catch {
			// Keep the raw address.
		}
		for (const part of parts) {
			if (decoded.toLocaleLowerCase('sv').includes(part.toLocaleLowerCase('sv'))) {
				found.push(`${part} in ${url}`);
			}
		}
	}
	return found;
}

/** Every link and form target on the page. */
async function targetsOf(page: Page): Promise<string[]> {
	return page.evaluate(() => [
		...[...document.querySelectorAll('a[href]')].map((a) => (a as HTMLAnchorElement).href),
		...[...document.querySelectorAll('form')].map((f) => (f as HTMLFormElement).action)
	]);
}

const client = DEMO_CLIENT_NAMES[0];
const [firstName, lastName] = client.split(' ');

test('searching a client by name keeps the name out of every address', async ({ browser }) => {
	test.setTimeout(90_000);
	const { context, page } = await device(browser, 'tablet');
	const urls = addressesOf(page);
	await logIn(page, 'maria');

	await page.goto('/manager');
	const search = page.getByRole('search', { name: 'Filtrera brukare' }).getByLabel('Sök brukare');
	await search.fill(lastName);
	await expect(page.getByRole('table').getByRole('link', { name: client })).toBeVisible();
	await search.press('Enter');
	await expect(page.getByRole('table').getByRole('link', { name: client })).toBeVisible();

	await page.goto('/manager/audit');
	await page.getByLabel('Brukare (sök på namn)').fill(firstName);
	await page.getByRole('button', { name: 'Sök brukare' }).click();
	await page.getByRole('link', { name: new RegExp(`^Välj ${client}`) }).click();
	await expect(page.getByText(`Brukare: ${client}`)).toBeVisible();
	await context.close();

	const hanna = await device(browser, 'tablet');
	const caseUrls = addressesOf(hanna.page);
	await logIn(hanna.page, 'hanna');
	await hanna.page.goto('/case/clients');
	await hanna.page.getByLabel('Sök på namn').fill(lastName);
	await hanna.page.getByRole('button', { name: 'Sök', exact: true }).click();
	await expect(hanna.page.getByRole('link', { name: client })).toBeVisible();
	await hanna.context.close();

	expect(namesIn([...urls, ...caseUrls], [firstName, lastName])).toEqual([]);
});

test('no link or form on the pages people work in names a client', async ({ browser }) => {
	test.setTimeout(120_000);
	const tour: [user: string, paths: string[]][] = [
		['maria', ['/manager', '/manager/continuity', '/manager/coverage', '/manager/billing']],
		['hanna', ['/case/clients']],
		['anna', ['/my-day']]
	];
	const found: string[] = [];
	for (const [user, paths] of tour) {
		const { context, page } = await device(browser, 'tablet');
		await logIn(page, user);
		const visit = async (path: string) => {
			await page.goto(path);
			await page.waitForLoadState('networkidle');
			found.push(...namesIn(await targetsOf(page), DEMO_CLIENT_NAMES as string[]));
		};
		for (const path of paths) await visit(path);
		// A client's own pages and the board, reached by their links.
		if (user === 'maria') {
			await page.goto('/manager');
			const href = await page.getByRole('table').getByRole('link').first().getAttribute('href');
			await visit(href!);
			await visit(href!.replace('/manager/clients/', '/manager/audit/clients/'));
		}
		if (user === 'anna') {
			await page.getByRole('link', { name: 'Öppna tavlan' }).first().click();
			await expect(page.locator('[data-sync-state="saved"]')).toBeVisible({ timeout: 15_000 });
			found.push(...namesIn(await targetsOf(page), DEMO_CLIENT_NAMES as string[]));
			await page.goto('/my-day');
			const visitLink = page.locator('a[data-visit-id]').first();
			await visit((await visitLink.getAttribute('href'))!);
		}
		await context.close();
	}
	expect(found).toEqual([]);
});
