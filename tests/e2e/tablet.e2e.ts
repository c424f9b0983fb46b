import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { card, column, device, dragTo, logIn, unlockTablet } from './helpers';

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

test.describe.configure({ mode: 'serial', timeout: 90_000 });

async function openLockedBoard(page: import('@playwright/test').Page) {
	await logIn(page, 'bjorken-platta');
	await page.getByRole('link', { name: 'Öppna tavlan' }).first().click();
	await expect(page).toHaveURL(/\/board/);
	await expect(page.getByRole('heading', { name: 'Tavlan är låst' })).toBeVisible();
}

test('the team tablet: locked, unlocked by Anna with her PIN, a visit assigned, locked again', async ({
	browser
}) => {
	const { context, page } = await device(browser, 'tablet');
	await openLockedBoard(page);

	// Locked: only the team of the day, nothing about clients.
	await expect(page.locator('[data-visit-id]')).toHaveCount(0);
	await expect(page.getByRole('button', { name: /Anna Lindqvist/ })).toBeVisible();
	await page.screenshot({ path: 'docs/screenshots/tablet-lock.png' });
	const lockAxe = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
	expect(lockAxe.violations.map((v) => `${v.id}: ${v.nodes[0]?.target}`)).toEqual([]);

	// The PIN pad: large buttons, and the keyboard works too.
	await page.getByRole('button', { name: /Anna Lindqvist/ }).click();
	await expect(page.getByRole('heading', { name: 'PIN för Anna Lindqvist' })).toBeFocused();
	const padAxe = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
	expect(padAxe.violations.map((v) => `${v.id}: ${v.nodes[0]?.target}`)).toEqual([]);
	for (const key of await page
		.getByRole('group', { name: 'Sifferknappar' })
		.getByRole('button')
		.all()) {
		const box = (await key.boundingBox())!;
		expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(44);
	}
	await page.keyboard.type('9999');
	await expect(page.getByText('4 av 4–6 siffror')).toBeVisible();
	await page.screenshot({ path: 'docs/screenshots/tablet-pin-pad.png' });
	await page.keyboard.press('Enter');
	await expect(page.getByRole('alert')).toContainText('Fel PIN. 4 försök kvar');
	await expect(page.getByText('0 av 4–6 siffror')).toBeVisible();

	for (const digit of ['1', '2', '3', '4']) {
		await page.getByRole('button', { name: digit, exact: true }).click();
	}
	await page.getByRole('button', { name: 'Lås upp' }).click();
	await expect(page.getByText('Anna Lindqvist använder tavlan')).toBeVisible();
	await expect(page.locator('[data-sync-state="saved"]')).toBeVisible({ timeout: 15_000 });

	// Anna assigns an untaken visit to herself; the change is kept.
	const untaken = column(page, null).locator('button[data-visit-id]').first();
	const visitId = (await untaken.getAttribute('data-visit-id'))!;
	await dragTo(page, visitId, 'Anna Lindqvist', 'Morgon');
	await expect(card(column(page, 'Anna Lindqvist'), visitId)).toBeVisible();
	await expect(page.locator('[data-sync-state="saved"]')).toBeVisible({ timeout: 15_000 });
	await page.screenshot({ path: 'docs/screenshots/tablet-unlocked.png' });

	// Lås: locked at once, the board gone.
	await page.getByRole('button', { name: 'Lås tavlan nu' }).click();
	await expect(page.getByRole('heading', { name: 'Tavlan är låst' })).toBeVisible();
	await expect(page.locator('[data-visit-id]')).toHaveCount(0);

	// The change stays, made in Anna's name: the next person sees it.
	await unlockTablet(page, 'Bertil Åkesson');
	await expect(card(column(page, 'Anna Lindqvist'), visitId)).toBeVisible({ timeout: 15_000 });
	await context.close();
});

test('the tablet warns before it locks when idle, and locks itself', async ({ browser }) => {
	const { context, page } = await device(browser, 'tablet');
	await page.clock.install();
	await openLockedBoard(page);
	await unlockTablet(page, 'Anna Lindqvist');

	// 4 min 35 s later: the warning, 25 seconds before the 5-minute lock.
	await page.clock.fastForward('04:35');
	const warning = page.getByRole('alert').filter({ hasText: 'Tavlan låses om' });
	await expect(warning).toContainText('tryck för att fortsätta');
	await page.screenshot({ path: 'docs/screenshots/tablet-idle-warning.png' });
	await page.getByRole('button', { name: 'Fortsätt' }).click();
	await expect(warning).toHaveCount(0);

	await page.clock.fastForward('05:10');
	await expect(page.getByRole('heading', { name: 'Tavlan är låst' })).toBeVisible();
	await expect(page.getByText('Tavlan låstes eftersom ingen använde den.')).toBeVisible();
	await context.close();
});

test('a person sets their PIN on the profile page, with clear errors', async ({ browser }) => {
	const { context, page } = await device(browser, 'phone');
	await logIn(page, 'bertil');
	await page.goto('/profile/pin');
	await expect(page.getByRole('heading', { name: 'Min PIN för teamets surfplatta' })).toBeVisible();
	await page.getByLabel('Ny PIN (4–6 siffror)').fill('2580');
	await page.getByLabel('Skriv samma PIN igen').fill('2581');
	await page.getByLabel('Ditt nuvarande lösenord').fill('ramtavlan-demo');
	await page.getByRole('button', { name: 'Spara PIN' }).click();
	await expect(page.getByText('De två PIN-koderna är inte lika.')).toBeVisible();
	// Nothing typed is lost.
	await expect(page.getByLabel('Ny PIN (4–6 siffror)')).toHaveValue('2580');
	await page.getByLabel('Skriv samma PIN igen').fill('2580');
	await page.getByRole('button', { name: 'Spara PIN' }).click();
	await expect(page.getByRole('status')).toContainText('Din PIN är sparad.');
	await page.screenshot({ path: 'docs/screenshots/profile-pin.png', fullPage: true });
	const axe = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
	expect(axe.violations.map((v) => `${v.id}: ${v.nodes[0]?.target}`)).toEqual([]);
	await context.close();
});
