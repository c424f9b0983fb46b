import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { addDays, todayIn } from '../../src/lib/domain/periods';
import { column, device, openBoard } from './helpers';

const SHOTS = process.env.UPDATE_SCREENSHOTS ? 'docs/screenshots' : 'test-results/screens';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

test.describe.configure({ mode: 'serial', timeout: 90_000 });

test('a recurring visit added on the base plan page fills next week’s board', async ({
	browser
}) => {
	const { context, page } = await device(browser, 'tablet');
	await openBoard(page, 'anna');

	// From the morning meeting to the base plan.
	await page.getByRole('button', { name: 'Morgonmöte' }).click();
	await page.getByRole('link', { name: 'Öppna grundplaneringen' }).click();
	await expect(page).toHaveURL(/\/base-plan$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Grundplanering – Björken');
	// The demo's plans add up against the frames.
	await expect(page.getByTestId('frame-hint').first()).toContainText(/^Grundplanen: /);

	const candidate = page
		.locator('section.client')
		.filter({ hasText: 'Inga återkommande besök ännu.' })
		.filter({ has: page.getByRole('button', { name: /^Lägg till återkommande besök/ }) })
		.first();
	const client = page.locator(
		`section[data-client-id="${await candidate.getAttribute('data-client-id')}"]`
	);
	const name = (await client.getByRole('heading', { level: 2 }).textContent())!.trim();
	await client.getByRole('button', { name: `Lägg till återkommande besök för ${name}` }).click();

	// Saving without a weekday is refused with a clear reason, and nothing typed is lost.
	await client.getByRole('radio', { name: /Kväll/ }).check();
	await client.locator('input[name="services"]').first().check();
	await client.getByRole('button', { name: '5 minuter mer' }).click();
	await client.getByRole('button', { name: 'Spara' }).click();
	await expect(client.getByText('Välj minst en veckodag.')).toBeVisible();
	await expect(client.getByRole('radio', { name: /Kväll/ })).toBeChecked();
	await expect(client.locator('output[data-minutes="35"]')).toBeVisible();

	// Next week's same weekday as today, so the board opens on it.
	const nextDate = addDays(todayIn(), 7);
	const weekday = new Intl.DateTimeFormat('sv-SE', { weekday: 'long', timeZone: 'UTC' }).format(
		new Date(`${nextDate}T12:00:00Z`)
	);
	await client.getByRole('checkbox', { name: weekday, exact: true }).check();
	await client.scrollIntoViewIfNeeded();
	await page.screenshot({ path: `${SHOTS}/base-plan-form.png` });
	await client.getByRole('button', { name: 'Spara' }).click();
	await expect(page.getByRole('status').first()).toContainText('Grundplanen är sparad.');
	await expect(client.locator('li[data-pattern-id]')).toHaveCount(1);
	await expect(client.locator('li[data-pattern-id]')).toContainText(`${weekday}, kväll`);
	await expect(client.getByTestId('frame-hint')).toBeVisible();

	await page.evaluate(() => window.scrollTo(0, 0));
	await page.screenshot({ path: `${SHOTS}/base-plan.png` });
	const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
	expect(results.violations.map((v) => `${v.id}: ${v.nodes[0]?.target}`)).toEqual([]);

	// Next week's board fills itself the first time it is opened.
	const board = page.url().replace(/base-plan$/, 'board');
	await page.goto(`${board}?date=${nextDate}`);
	await expect(page.locator('[data-sync-state="saved"]')).toBeVisible({ timeout: 15_000 });
	const filled = column(page, null).locator('button[data-visit-id]', { hasText: name });
	await expect(filled).toHaveCount(1, { timeout: 10_000 });
	await expect(column(page, null).locator('button[data-visit-id]')).not.toHaveCount(1);

	// Asking again in the huddle changes nothing and says so.
	await page.getByRole('button', { name: 'Morgonmöte' }).click();
	page.once('dialog', (dialog) => void dialog.accept());
	await page.getByRole('button', { name: 'Fyll veckan från grundplanen' }).click();
	await expect(page.getByTestId('fill-result')).toContainText(
		'Veckan är redan fylld från grundplanen'
	);
	await page.screenshot({ path: `${SHOTS}/base-plan-huddle.png` });
	await page.keyboard.press('Escape');
	await expect(filled).toHaveCount(1);
	await context.close();
});

test('the base plan page fits a phone', async ({ browser }) => {
	const { context, page } = await device(browser, 'phone');
	await openBoard(page, 'anna');
	await page.goto(page.url().replace(/\/board.*$/, '/base-plan'));
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	const overflow = await page.evaluate(
		() => document.documentElement.scrollWidth - document.documentElement.clientWidth
	);
	expect(overflow).toBeLessThanOrEqual(0);
	await page.screenshot({ path: `${SHOTS}/base-plan-phone.png` });
	await context.close();
});
