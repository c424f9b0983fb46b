/**
 * The manager's whole follow-up against the demo, in Debian's Chromium: Maria goes from the
 * start page to the unit overview, steps between this week, this month and the periods around
 * them, filters by flag and team, sorts by a column, opens a client, downloads last month's
 * billing basis (checking the file's bytes) and draws and concludes a sample check of the
 * access log. The overview passes axe (WCAG 2.2 AA) on a tablet and a phone, is worked with the
 * keyboard with a visible focus, and every control is at least 44 × 44 px.
 */
import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { isoWeekKey, monthKey, todayIn } from '../../src/lib/domain/periods';
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

/** Every link, button and form control of the page's content that is smaller than 44 × 44 px. */
async function smallTargets(page: Page): Promise<string[]> {
	return page.locator('main').evaluate((main) => {
		const small: string[] = [];
		for (const el of main.querySelectorAll<HTMLElement>('a[href], button, select, input')) {
			if ((el as HTMLInputElement).type === 'hidden') continue;
			const box = el.getBoundingClientRect();
			if (box.width === 0 && box.height === 0) continue;
			if (box.width < 44 || box.height < 44) {
				small.push(
					`${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 30)}" ${Math.round(box.width)}×${Math.round(box.height)}`
				);
			}
		}
		return small;
	});
}

const teamRows = (page: Page) =>
	page.getByRole('table', { name: /^Ramtid per arbetslag/ }).locator('tbody tr');
const clientTable = (page: Page) => page.getByRole('table', { name: /^Ramtid per brukare/ });
const clientRows = (page: Page) => clientTable(page).locator('tbody tr');
const filterForm = (page: Page) => page.getByRole('search', { name: 'Filtrera brukare' });

test('maria follows the unit up from the start page to the billing basis and a sample check', async ({
	browser
}) => {
	test.setTimeout(180_000);
	const { context, page } = await device(browser, 'tablet');
	try {
		await logIn(page, 'maria');
		await page.goto('/');
		await page.getByRole('link', { name: 'Uppföljning av ramtid' }).click();
		await expect(page).toHaveURL(/\/manager$/);
		await expect(page.getByRole('heading', { name: 'Ramtid i enheten', level: 1 })).toBeVisible();

		// Both demo teams with figures; the unit's figures above them.
		const teams = teamRows(page);
		await expect(teams).toHaveCount(2);
		for (const [i, name] of ['Björken', 'Eken'].entries()) {
			const row = teams.nth(i);
			await expect(row.getByRole('rowheader')).toHaveText(name);
			await expect(row.locator('td').nth(0)).toHaveText(/^[1-9]\d*$/);
			await expect(row.locator('td').nth(1)).toHaveText(/\d+ (h|min)/);
		}
		await expect(page.locator('.figures dd').first()).toHaveText(/\d+ (h|min)/);
		expect(await shownTotal(page)).toBeGreaterThan(0);
		await expect(clientRows(page)).toHaveCount(await shownTotal(page));

		// This week and back to this month; previous and next.
		const today = todayIn();
		const week = isoWeekKey(today);
		const month = monthKey(today);
		const periods = page.getByRole('navigation', { name: 'Välj period' });
		await periods.getByRole('link', { name: 'Denna vecka' }).click();
		await expect(page).toHaveURL(new RegExp(`period=${week}`));
		await expect(periods.getByRole('link', { name: 'Denna vecka' })).toHaveAttribute(
			'aria-current',
			'page'
		);
		await expect(periods.locator('.period-now strong')).toHaveText(
			new RegExp(`v\\. ${Number(week.slice(6))}`)
		);
		await periods.getByRole('link', { name: 'Denna månad' }).click();
		await expect(page).toHaveURL(new RegExp(`period=${month}`));
		await expect(periods.getByRole('link', { name: 'Denna månad' })).toHaveAttribute(
			'aria-current',
			'page'
		);
		await periods.getByRole('link', { name: 'Föregående' }).click();
		const previous = previousMonth(month);
		await expect(page).toHaveURL(new RegExp(`period=${previous}`));
		await expect(periods.getByRole('link', { name: 'Denna månad' })).not.toHaveAttribute(
			'aria-current',
			'page'
		);
		await periods.getByRole('link', { name: 'Nästa' }).click();
		await expect(page).toHaveURL(new RegExp(`period=${month}`));
		await expect(teamRows(page)).toHaveCount(2);

		// Filter by a flag. The demo's overdrawn monthly frame lies in the month holding most of
		// last week: this month or the one before.
		const flagLink = page.locator('.flag-links a').first();
		if ((await flagLink.count()) === 0) {
			await periods.getByRole('link', { name: 'Föregående' }).click();
			await expect(page).toHaveURL(new RegExp(`period=${previous}`));
		}
		await expect(flagLink).toBeVisible();
		const total = await shownTotal(page);
		await expect(clientRows(page)).toHaveCount(total);
		const [label, flagged] = (await flagLink.textContent())!.trim().split(/:\s*/);
		await filterForm(page).getByLabel('Att följa upp').selectOption({ label });
		await filterForm(page).getByRole('button', { name: 'Visa' }).click();
		await expect(page).toHaveURL(/flag=/);
		await expect(clientRows(page)).toHaveCount(Number(flagged));
		for (const row of await clientRows(page).all()) {
			await expect(row.locator('.flags')).toContainText(label);
		}
		await filterForm(page).getByRole('link', { name: 'Rensa filter' }).click();
		await expect(clientRows(page)).toHaveCount(total);

		// Filter by team: every row is Eken's.
		await filterForm(page).getByLabel('Arbetslag').selectOption({ label: 'Eken' });
		await filterForm(page).getByRole('button', { name: 'Visa' }).click();
		await expect(page).toHaveURL(/team=/);
		const eken = await clientRows(page).count();
		expect(eken).toBeGreaterThan(0);
		expect(eken).toBeLessThan(total);
		for (const row of await clientRows(page).all()) {
			await expect(row.locator('td').first()).toHaveText('Eken');
		}
		await expect(page.getByText(`Visar ${eken} av ${total} brukare`)).toBeVisible();
		await filterForm(page).getByRole('link', { name: 'Rensa filter' }).click();
		await expect(clientRows(page)).toHaveCount(total);

		// Sort by a column header: ascending, then descending; names follow.
		const nameHeader = clientTable(page).getByRole('columnheader', { name: 'Brukare' });
		await expect(nameHeader).not.toHaveAttribute('aria-sort', /./);
		await expect(
			clientTable(page).getByRole('columnheader', { name: 'Att följa upp' })
		).toHaveAttribute('aria-sort', 'ascending');
		await nameHeader.getByRole('link').click();
		await expect(nameHeader).toHaveAttribute('aria-sort', 'ascending');
		const ascending = await clientRows(page).getByRole('rowheader').allTextContents();
		expect(ascending).toEqual([...ascending].sort(new Intl.Collator('sv').compare));
		await nameHeader.getByRole('link').click();
		await expect(nameHeader).toHaveAttribute('aria-sort', 'descending');
		await expect(clientRows(page).getByRole('rowheader')).toHaveText([...ascending].reverse());
		const leftHeader = clientTable(page).getByRole('columnheader', { name: 'Kvar' });
		await leftHeader.getByRole('link').click();
		await expect(leftHeader).toHaveAttribute('aria-sort', 'ascending');
		await expect(nameHeader).not.toHaveAttribute('aria-sort', /./);

		// Open a client.
		const first = clientRows(page).first().getByRole('rowheader').getByRole('link');
		const name = (await first.textContent())!.trim();
		await first.click();
		await expect(page).toHaveURL(/\/manager\/clients\/[0-9a-f-]{36}$/);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);

		// The billing basis of last month as a CSV file for Swedish Excel.
		const nav = page.getByRole('navigation', { name: 'Uppföljning' });
		await nav.getByRole('link', { name: 'Debiteringsunderlag' }).click();
		await expect(page).toHaveURL(/\/manager\/billing$/);
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('link', { name: 'CSV för Excel' }).click()
		]);
		expect(download.url()).toMatch(/\/manager\/billing\/export\?month=\d{4}-\d{2}&format=csv$/);
		const bytes = await readFile((await download.path())!);
		expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const lines = bytes.subarray(3).toString('utf8').split('\r\n');
		expect(lines.at(-1)).toBe('');
		const header = lines[0].split(';');
		expect(header).toContain('utfort_timmar');
		const rows = lines.slice(1, -1).map((line) => line.split(';'));
		expect(rows.length).toBeGreaterThan(0);
		const col = (key: string) => rows.map((r) => r[header.indexOf(key)]);
		for (const value of [...col('beviljat_timmar'), ...col('utfort_timmar')]) {
			expect(value).toMatch(/^\d+(,\d{1,2})?$/);
		}
		expect([...col('beviljat_timmar'), ...col('utfort_timmar')].some((v) => v.includes(','))).toBe(
			true
		);
		for (const value of col('giltig_fran')) expect(value).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		for (const value of col('giltig_till')) expect(value).toMatch(/^(\d{4}-\d{2}-\d{2})?$/);

		// A sample check of the access log: drawn, judged and concluded.
		await nav.getByRole('link', { name: 'Logg och stickprov' }).click();
		await expect(page).toHaveURL(/\/manager\/audit$/);
		await page.getByRole('link', { name: 'Stickprov', exact: true }).first().click();
		await expect(page).toHaveURL(/\/manager\/audit\/samples$/);
		await page.getByLabel('Antal läsningar (1–50)').fill('2');
		await page.getByRole('button', { name: 'Dra stickprov' }).click();
		await expect(page).toHaveURL(/\/manager\/audit\/samples\/[0-9a-f-]{36}/);
		const forms = page.locator('form.judge');
		const count = await forms.count();
		expect(count).toBeGreaterThan(0);
		for (let i = 0; i < count; i++) {
			const form = forms.nth(i);
			await form.getByLabel('Befogad').check();
			await form.getByRole('button', { name: 'Spara bedömning' }).click();
			await expect(form.getByText('Bedömningen är sparad.')).toBeVisible();
		}
		await page.getByLabel('Slutsats av granskningen').fill('Läsningarna hörde till arbetet.');
		await page.getByRole('button', { name: 'Avsluta granskningen' }).click();
		await expect(page.getByText(/^Avslutad \d{4}-\d{2}-\d{2}/)).toBeVisible();
		await expect(page.locator('form.judge')).toHaveCount(0);
	} finally {
		await context.close();
	}
});

/** How many clients the period has, from "Visar n av total brukare". */
async function shownTotal(page: Page): Promise<number> {
	const text = await page.getByText(/^Visar \d+ av \d+ brukare$/).textContent();
	return Number(text!.match(/av (\d+)/)![1]);
}

/** `2026-10` for `2026-11`, `2025-12` for `2026-01`. */
function previousMonth(key: string): string {
	const [year, month] = key.split('-').map(Number);
	return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

test('the overview is worked with the keyboard, with a visible focus', async ({ browser }) => {
	test.setTimeout(60_000);
	const { context, page } = await device(browser, 'tablet');
	try {
		await logIn(page, 'maria');
		await page.goto('/manager');
		await expect(clientRows(page).first()).toBeVisible();
		const reached: Locator[] = [
			page.getByRole('link', { name: 'Föregående' }),
			page.getByRole('link', { name: 'Nästa' }),
			page.getByRole('link', { name: 'Denna vecka' }),
			page.getByRole('link', { name: 'Denna månad' }),
			filterForm(page).getByLabel('Arbetslag'),
			filterForm(page).getByLabel('Att följa upp'),
			filterForm(page).getByLabel('Sök brukare'),
			filterForm(page).getByRole('button', { name: 'Visa' }),
			clientTable(page).getByRole('columnheader', { name: 'Brukare' }).getByRole('link'),
			clientTable(page).getByRole('columnheader', { name: 'Kvar' }).getByRole('link'),
			clientRows(page).first().getByRole('rowheader').getByRole('link')
		];
		const seen = new Set<number>();
		await page.getByRole('heading', { level: 1 }).click();
		for (let i = 0; i < 120 && seen.size < reached.length; i++) {
			await page.keyboard.press('Tab');
			for (const [n, target] of reached.entries()) {
				if (seen.has(n)) continue;
				if (!(await target.evaluate((el) => el === document.activeElement))) continue;
				seen.add(n);
				// A visible focus: the focus ring of `:focus-visible`.
				const ring = await target.evaluate((el) => {
					const style = getComputedStyle(el);
					return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
				});
				expect(ring, `focus ring of target ${n}`).toBe(true);
			}
		}
		expect([...seen].sort((a, b) => a - b)).toEqual(reached.map((_, n) => n));

		// Enter on a focused sort header sorts.
		const header = clientTable(page).getByRole('columnheader', { name: 'Utfört' });
		await header.getByRole('link').focus();
		await page.keyboard.press('Enter');
		await expect(header).toHaveAttribute('aria-sort', 'ascending');
		await expect(header.getByRole('link')).toBeFocused();
	} finally {
		await context.close();
	}
});

for (const kind of ['tablet', 'phone'] as const) {
	test(`the overview is accessible and fits a ${kind}`, async ({ browser }) => {
		test.setTimeout(60_000);
		const { context, page } = await device(browser, kind);
		try {
			await logIn(page, 'maria');
			await page.goto('/manager');
			await expect(clientRows(page).first()).toBeVisible();
			await axeClean(page);
			await fitsWidth(page);
			expect(await smallTargets(page)).toEqual([]);
			await page.screenshot({
				path: `docs/screenshots/manager-overview-${kind}.png`,
				fullPage: true
			});
			// A filtered week view as well.
			await page.goto(`/manager?period=${isoWeekKey(todayIn())}&sort=left&dir=desc`);
			await expect(teamRows(page)).toHaveCount(2);
			await axeClean(page);
			await fitsWidth(page);
		} finally {
			await context.close();
		}
	});
}
