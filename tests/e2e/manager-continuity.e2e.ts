/**
 * Continuity and competence coverage against the demo, in Debian's Chromium: Maria (manager)
 * opens both pages on a 10" tablet and a phone. The pages pass axe (WCAG 2.2 AA), every control
 * is at least 44 px, the filters and client links are reached with the keyboard, and the week
 * picker steps between weeks. A worker gets 403.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { PHONE, device, logIn } from './helpers';

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

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

/** Elements that reach beyond the phone's width (wide tables scroll inside their wrapper). */
function sticksOut(page: Page) {
	// A phone's browser widens the page to fit whatever is too wide, so measure against the
	// phone's own width rather than the page's.
	return page.evaluate((phoneWidth) => {
		const width = phoneWidth + 0.5;
		const out = (e: Element) => e.getBoundingClientRect().right > width;
		const inScroller = (e: Element) => e.parentElement?.closest('.table-wrap') != null;
		return [...document.body.querySelectorAll('*')]
			.filter(
				(e) => out(e) && !inScroller(e) && ![...e.children].some((c) => out(c) && !inScroller(c))
			)
			.map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)
			.slice(0, 5)
			.concat(
				document.documentElement.scrollWidth > width
					? [`page ${document.documentElement.scrollWidth}`]
					: []
			);
	}, PHONE.width);
}

/** Presses Tab until `target` has the focus; fails after `max` presses. */
async function tabTo(page: Page, target: Locator, max = 80) {
	for (let i = 0; i < max; i++) {
		await page.keyboard.press('Tab');
		if (await target.evaluate((el) => el === document.activeElement)) return;
	}
	throw new Error('not reached with the keyboard');
}

test('continuity on a tablet: team medians, clients worst first, linked', async ({ browser }) => {
	test.setTimeout(90_000);
	const { context, page } = await device(browser, 'tablet');
	await logIn(page, 'maria');
	await page.goto('/manager/continuity');
	await expect(page.getByRole('heading', { name: 'Kontinuitet', level: 1 })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Björken' })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Eken' })).toBeVisible();

	const rows = page.locator('table.clients tbody tr');
	expect(await rows.count()).toBeGreaterThanOrEqual(30);
	// Worst first: the first row met at least as many staff as the last.
	const counts = await page
		.locator('table.clients tbody td.num')
		.evaluateAll((cells) => cells.map((c) => Number(c.querySelector('strong')?.textContent ?? 0)));
	expect(counts[0]).toBeGreaterThan(0);
	expect([...counts].sort((a, b) => b - a)).toEqual(counts);

	await axeClean(page);
	expect(await tooSmall(page)).toEqual([]);
	await page.screenshot({ path: 'docs/screenshots/manager-continuity-tablet.png', fullPage: true });

	// The filter and the first client are reached with the keyboard.
	await page.locator('h1').click();
	const team = page.locator('#cont-team');
	await tabTo(page, team);
	await team.selectOption({ label: 'Eken' });
	await tabTo(page, page.getByRole('button', { name: 'Visa' }));
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(/team=/);
	const firstClient = page.locator('table.clients tbody th a').first();
	const firstName = (await firstClient.textContent())!;
	await tabTo(page, firstClient);
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(/\/manager\/clients\/[0-9a-f-]{36}/);
	await expect(page.getByText(firstName).first()).toBeVisible();
	await context.close();
});

test('coverage on a tablet and a phone: gaps first, the grid per day', async ({ browser }) => {
	// Two devices and four full-page accessibility scans.
	test.setTimeout(120_000);
	const tablet = await device(browser, 'tablet');
	await logIn(tablet.page, 'maria');
	await tablet.page.goto('/manager/coverage');
	const page = tablet.page;
	await expect(page.getByRole('heading', { name: 'Kompetenstäckning', level: 1 })).toBeVisible();
	await expect(page.getByRole('heading', { name: /^Luckor/ })).toBeVisible();
	await expect(
		page.getByRole('heading', { name: 'Delegeringar som går ut inom 30 dagar' })
	).toBeVisible();
	// Cecilia's medication delegation ends within 30 days.
	const ending = page.getByRole('region', { name: 'Delegeringar som går ut inom 30 dagar' });
	await expect(ending.getByText('Cecilia Holm')).toBeVisible();
	// Björken needs the insulin delegation and Anna holds it.
	const bjorken = page.getByRole('region', { name: /^Björken/ });
	await expect(bjorken.getByRole('rowheader', { name: /insulin/i }).first()).toBeVisible();
	await expect(bjorken.getByText(/Anna L\./).first()).toBeVisible();
	await axeClean(page);
	expect(await tooSmall(page)).toEqual([]);
	await page.screenshot({ path: 'docs/screenshots/manager-coverage-tablet.png', fullPage: true });

	// The week picker: next week and back, by keyboard.
	const week = await page.locator('#cov-week').inputValue();
	await page.locator('h1').click();
	await tabTo(page, page.getByRole('link', { name: /Nästa vecka/ }));
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(/week=\d{4}-W\d{2}/);
	await expect(page.locator('#cov-week')).not.toHaveValue(week);
	await page.getByRole('link', { name: 'Denna vecka' }).click();
	await expect(page.locator('#cov-week')).toHaveValue(week);
	await tablet.context.close();

	const phone = await device(browser, 'phone');
	await logIn(phone.page, 'maria');
	await phone.page.goto('/manager/coverage');
	await expect(
		phone.page.getByRole('heading', { name: 'Kompetenstäckning', level: 1 })
	).toBeVisible();
	// On the phone each day is a list per day part, not a table.
	await expect(phone.page.locator('table.grid').first()).toBeHidden();
	await expect(phone.page.locator('.parts').first()).toBeVisible();
	// The picture for the README: the gaps, then the first day of the grid.
	await phone.page.locator('.week-heading').evaluate((e) => e.scrollIntoView());
	await phone.page.screenshot({ path: 'docs/screenshots/manager-coverage-phone.png' });
	expect(await sticksOut(phone.page)).toEqual([]);
	await axeClean(phone.page);
	expect(await tooSmall(phone.page)).toEqual([]);
	await phone.page.screenshot({
		path: 'test-results/screens/manager-coverage-phone-full.png',
		fullPage: true
	});
	await phone.page.goto('/manager/continuity');
	await expect(phone.page.getByRole('heading', { name: 'Kontinuitet', level: 1 })).toBeVisible();
	expect(await sticksOut(phone.page)).toEqual([]);
	await axeClean(phone.page);
	await phone.page.screenshot({
		path: 'test-results/screens/manager-continuity-phone.png',
		fullPage: true
	});
	await phone.context.close();
});

test('a worker may not open the pages', async ({ browser }) => {
	const { context, page } = await device(browser, 'phone');
	await logIn(page, 'anna');
	for (const path of ['/manager/continuity', '/manager/coverage']) {
		const response = await page.goto(path);
		expect(response?.status()).toBe(403);
	}
	await context.close();
});
