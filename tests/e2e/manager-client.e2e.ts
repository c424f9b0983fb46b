import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { addDays, isoWeekKey, monthKey, todayIn } from '../../src/lib/domain/periods';
import { device, logIn } from './helpers';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

async function axe(page: Page) {
	const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
	return results.violations.map((v) => `${v.id}: ${v.nodes[0]?.target}`);
}

/**
 * A demo client of maria's unit on a weekly frame with time recorded last week (the demo seeds
 * a week of past time entries), the one that used most of it.
 */
async function clientWithTime(page: Page): Promise<{ id: string; name: string }> {
	const me = await (await page.request.get('/api/me')).json();
	const lastWeek = isoWeekKey(addDays(todayIn(), -7));
	const rows: { clientId: string; name: string; period: string; usedMinutes: number }[] = [];
	for (const team of me.teams as { id: string }[]) {
		const answer = await page.request.get(`/api/teams/${team.id}/frames?period=${lastWeek}`);
		expect(answer.status()).toBe(200);
		rows.push(...(await answer.json()));
	}
	const weekly = rows
		.filter((r) => r.period === lastWeek && r.usedMinutes > 0)
		.sort((a, b) => b.usedMinutes - a.usedMinutes);
	expect(weekly.length).toBeGreaterThan(0);
	return { id: weekly[0].clientId, name: weekly[0].name };
}

test('an overdrawn month is striped, marked and named in words', async ({ browser }) => {
	const { context, page } = await device(browser, 'tablet');
	try {
		await logIn(page, 'maria');
		// The demo's one overdrawn frame: a monthly one, in the month holding most of last week.
		const month = monthKey(addDays(todayIn(), -4));
		const me = await (await page.request.get('/api/me')).json();
		let overdrawn: { clientId: string } | undefined;
		for (const team of me.teams as { id: string }[]) {
			const rows: { clientId: string; period: string; leftMinutes: number }[] = await (
				await page.request.get(`/api/teams/${team.id}/frames?period=${month}`)
			).json();
			overdrawn ??= rows.find((r) => r.period === month && r.leftMinutes < 0);
		}
		expect(overdrawn).toBeDefined();
		await page.goto(`/manager/clients/${overdrawn!.clientId}`);
		const chart = page.getByRole('img', { name: /Ramtid per period/ }).first();
		await expect(chart.locator('circle.mark')).toHaveCount(1);
		await page.getByText('Visa siffrorna som tabell').click();
		const row = page.getByRole('table', { name: 'Ramtid per period' }).getByRole('row', {
			name: new RegExp(`^${monthName(month)}`)
		});
		await expect(row).toContainText('Överdrag');
		expect(await axe(page)).toEqual([]);
		await page.screenshot({
			path: 'test-results/screens/manager-client-overdrawn.png',
			fullPage: true
		});
	} finally {
		await context.close();
	}
});

/** `november 2026` for `2026-11`. */
function monthName(key: string): string {
	const name = new Intl.DateTimeFormat('sv-SE', { month: 'long', timeZone: 'UTC' }).format(
		new Date(`${key}-01T00:00:00Z`)
	);
	return `${name} ${key.slice(0, 4)}`;
}

for (const kind of ['tablet', 'phone'] as const) {
	test(`maria follows up a client's frame on a ${kind}`, async ({ browser }) => {
		test.setTimeout(60_000);
		const { context, page } = await device(browser, kind);
		try {
			await logIn(page, 'maria');
			const client = await clientWithTime(page);
			await page.goto(`/manager/clients/${client.id}`);
			await expect(page.getByRole('heading', { level: 1 })).toHaveText(client.name);
			await expect(page.getByRole('heading', { name: /^Denna vecka, v\. \d+$/ })).toBeVisible();
			const current = page.locator('section[aria-labelledby="now-heading"]');
			for (const label of ['Beviljat', 'Utfört', 'Planerat', 'Kvar', 'Prognos']) {
				await expect(current.getByText(label, { exact: true })).toBeVisible();
			}
			const chart = page.getByRole('img', { name: /Ramtid per period/ }).first();
			await expect(chart).toBeVisible();
			await expect(chart.locator('text.label').first()).toHaveText(/^v\. \d+$/);
			await expect(page.getByText('Riksnivå ≈ 15')).toBeVisible();
			await expect(page.getByRole('heading', { name: 'Beslutshistorik' })).toBeVisible();
			await expect(
				page.getByRole('link', { name: 'Loggutdrag för klienten' }).first()
			).toHaveAttribute('href', new RegExp(`manager/audit/clients/${client.id}$`));
			// The page fits: nothing but the chart's own scroller is wider than the screen.
			const overflow = await page.evaluate(
				() => document.documentElement.scrollWidth - window.innerWidth
			);
			expect(overflow).toBeLessThanOrEqual(0);
			expect(await axe(page)).toEqual([]);

			// The table with every figure is reached with the keyboard.
			const summary = page.getByText('Visa siffrorna som tabell');
			await page.getByRole('link', { name: 'Tillbaka till översikten' }).first().focus();
			for (let i = 0; i < 40; i += 1) {
				if (await summary.evaluate((el) => el === document.activeElement)) break;
				await page.keyboard.press('Tab');
			}
			await expect(summary).toBeFocused();
			await page.keyboard.press('Enter');
			const table = page.getByRole('table', { name: 'Ramtid per period' });
			await expect(table).toBeVisible();
			await expect(table.getByRole('rowheader').first()).toHaveText(/^v\. \d+ \d{4}$/);
			await expect(table.locator('tbody tr')).toHaveCount(
				await page.locator('svg g.period').count()
			);
			expect(await axe(page)).toEqual([]);
			await page.keyboard.press('Enter');
			await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

			await page.screenshot({
				path: `docs/screenshots/manager-client-${kind}.png`,
				fullPage: true
			});
		} finally {
			await context.close();
		}
	});
}
