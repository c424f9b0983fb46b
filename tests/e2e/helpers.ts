import {
	expect,
	type Browser,
	type BrowserContext,
	type Locator,
	type Page
} from '@playwright/test';

export const TABLET = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export async function logIn(page: Page, username: string, password = 'ramtavlan-demo') {
	await page.goto('/login');
	await page.getByLabel('Användarnamn').fill(username);
	await page.getByLabel('Lösenord', { exact: true }).fill(password);
	await page.getByRole('button', { name: 'Logga in' }).click();
	await expect(page).not.toHaveURL(/\/login/, { timeout: 15_000 });
}

export async function device(
	browser: Browser,
	kind: 'tablet' | 'phone'
): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext({
		viewport: kind === 'tablet' ? TABLET : PHONE,
		hasTouch: true,
		isMobile: kind === 'phone',
		locale: 'sv-SE',
		timezoneId: 'Europe/Stockholm'
	});
	const page = await context.newPage();
	return { context, page };
}

/**
 * Opens the user's first team board and waits until it is in step with the server. A team
 * tablet is unlocked first by the first person of the team with the demo PIN.
 */
export async function openBoard(page: Page, username: string) {
	await logIn(page, username);
	await page.getByRole('link', { name: 'Öppna tavlan' }).first().click();
	await expect(page).toHaveURL(/\/board/);
	const locked = page.getByRole('heading', { name: 'Tavlan är låst' });
	await expect(page.locator('[data-sync-state="saved"]').or(locked).first()).toBeVisible({
		timeout: 15_000
	});
	if (await locked.isVisible()) await unlockTablet(page);
	await expect(page.locator('[data-sync-state="saved"]')).toBeVisible({ timeout: 15_000 });
}

/** Unlocks a team tablet's lock screen as `name` (the first person listed) with the demo PIN. */
export async function unlockTablet(page: Page, name?: string, pin = '1234') {
	const people = page.locator('button[data-person-id]');
	await (name ? people.filter({ hasText: name }) : people).first().click();
	await page.keyboard.type(pin);
	await page.keyboard.press('Enter');
	await expect(page.getByRole('button', { name: 'Lås tavlan nu' })).toBeVisible();
}

export function column(page: Page, name: string | null) {
	return name === null
		? page.locator('section[aria-labelledby="col-unassigned"]')
		: page.getByRole('region', { name, exact: true });
}

export function card(page: Page | Locator, visitId: string) {
	return page.locator(`button[data-visit-id="${visitId}"]`);
}

/** Drags a card onto a day part of a column with the mouse. */
export async function dragTo(page: Page, visitId: string, to: string | null, part = 'Morgon') {
	const source = card(page, visitId).first();
	const target = column(page, to).locator('.part').filter({ hasText: part }).first();
	await source.scrollIntoViewIfNeeded();
	const from = (await source.boundingBox())!;
	await page.mouse.move(from.x + from.width / 2, from.y + 20);
	await page.mouse.down();
	await page.mouse.move(from.x + from.width / 2 + 10, from.y + 30, { steps: 3 });
	await target.scrollIntoViewIfNeeded();
	const box = (await target.boundingBox())!;
	await page.mouse.move(box.x + box.width / 2, box.y + 15, { steps: 8 });
	await page.mouse.up();
}
