import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { card, column, device, dragTo, openBoard } from './helpers';

const SHOTS = process.env.UPDATE_SCREENSHOTS ? 'docs/screenshots' : 'test-results/screens';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

test.describe.configure({ mode: 'serial', timeout: 60_000 });

test('the board shows the day per person and day part, with frames and the untaken visits', async ({
	browser
}) => {
	const { context, page } = await device(browser, 'tablet');
	await openBoard(page, 'anna');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Björken');
	const unassigned = column(page, null);
	await expect(unassigned.getByRole('heading', { name: 'Att fördela' })).toBeVisible();
	for (const name of ['Anna Lindqvist', 'Bertil Åkesson']) {
		await expect(column(page, name)).toBeVisible();
	}
	await expect(unassigned.locator('.visit.critical')).not.toHaveCount(0);
	await expect(page.getByRole('meter').first()).toBeVisible();
	await page.screenshot({ path: `${SHOTS}/board-tablet.png` });
	await page.screenshot({ path: `${SHOTS}/board-tablet-full.png`, fullPage: true });

	const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
	expect(results.violations.map((v) => `${v.id}: ${v.nodes[0]?.target}`)).toEqual([]);

	await page.getByRole('button', { name: 'Visa bara initialer' }).click();
	await expect(page.getByText('Astrid Andersson')).toHaveCount(0);
	await page.screenshot({ path: `${SHOTS}/board-privacy.png` });
	await page.getByRole('button', { name: 'Visa hela namn' }).click();
	await context.close();
});

test('a refused assignment returns the card and the verdict says why (bertil → insulin)', async ({
	browser
}) => {
	const { context, page } = await device(browser, 'tablet');
	await openBoard(page, 'anna');
	const insulin = column(page, null)
		.locator('button[data-visit-id]', { hasText: 'Insulin' })
		.first();
	const id = (await insulin.getAttribute('data-visit-id'))!;
	await dragTo(page, id, 'Bertil Åkesson');

	const verdict = page.getByRole('log');
	await expect(verdict).toContainText('Saknar kompetens', { timeout: 5000 });
	await expect(verdict).toContainText('Bertil');
	await expect(card(column(page, null), id)).toBeVisible();
	await expect(card(column(page, 'Bertil Åkesson'), id)).toHaveCount(0);
	await page.screenshot({ path: `${SHOTS}/board-verdict.png` });
	await context.close();
});

test('the keyboard alone hands out a visit through the visit sheet', async ({ browser }) => {
	const { context, page } = await device(browser, 'tablet');
	await openBoard(page, 'anna');
	const target = column(page, null).locator('button[data-visit-id]').last();
	const id = (await target.getAttribute('data-visit-id'))!;

	for (let i = 0; i < 120; i++) {
		await page.keyboard.press('Tab');
		const focused = await page.evaluate(() =>
			document.activeElement?.getAttribute('data-visit-id')
		);
		if (focused === id) break;
	}
	await expect(card(page, id)).toBeFocused();
	await page.keyboard.press('Enter');
	const sheet = page.getByRole('dialog');
	await expect(sheet).toBeVisible();
	const give = sheet.getByRole('button', { name: 'Ge till Elin Sjöberg' });
	for (let i = 0; i < 40; i++) {
		if (await give.evaluate((el) => el === document.activeElement)) break;
		await page.keyboard.press('Tab');
	}
	await expect(give).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(sheet.getByRole('button', { name: 'Elin Sjöberg tar besöket' })).toBeVisible();
	await page.screenshot({ path: `${SHOTS}/visit-sheet.png` });
	const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
	expect(results.violations.map((v) => `${v.id}: ${v.nodes[0]?.target}`)).toEqual([]);
	await page.keyboard.press('Escape');
	await expect(sheet).toBeHidden();
	await expect(card(column(page, 'Elin Sjöberg'), id)).toBeVisible();
	await expect(card(column(page, null), id)).toHaveCount(0);
	await context.close();
});

test('a tablet and a phone see each other’s changes at once; taps alone do the work', async ({
	browser
}) => {
	const tablet = await device(browser, 'tablet');
	const phone = await device(browser, 'phone');
	await openBoard(tablet.page, 'anna');
	await openBoard(phone.page, 'bertil');

	// The phone shows one column at a time: Bertil's own by default.
	await phone.page.getByLabel('Visa kolumn').selectOption('');
	const free = column(phone.page, null)
		.locator('button[data-visit-id]')
		.filter({ hasNotText: 'Insulin' })
		.first();
	const id = (await free.getAttribute('data-visit-id'))!;
	await free.tap();
	const sheet = phone.page.getByRole('dialog');
	const give = sheet
		.getByRole('button', { name: /^Ge till / })
		.filter({ hasNotText: 'Bertil' })
		.and(sheet.locator(':enabled'))
		.first();
	const name = (await give.locator('.name').innerText()).replace('Ge till ', '').trim();
	await give.tap();
	await expect(sheet.getByRole('button', { name: `${name} tar besöket` })).toBeVisible();
	await sheet.getByRole('button', { name: 'Stäng' }).tap();

	await expect(card(column(tablet.page, name), id)).toBeVisible({ timeout: 1000 });
	await phone.page.screenshot({ path: `${SHOTS}/board-phone.png` });

	// And back: the tablet moves the visit to the afternoon, the phone follows.
	await dragTo(tablet.page, id, name, 'Eftermiddag');
	await phone.page.getByLabel('Visa kolumn').selectOption({ label: name });
	await expect(
		column(phone.page, name)
			.locator('.part', { hasText: 'Eftermiddag' })
			.locator(`[data-visit-id="${id}"]`)
	).toBeVisible({ timeout: 1000 });
	await tablet.context.close();
	await phone.context.close();
});

test('a long press starts a drag on a touch screen; a swipe does not', async ({ browser }) => {
	const { context, page } = await device(browser, 'tablet');
	await openBoard(page, 'anna');
	const cdp = await context.newCDPSession(page);
	const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', x = 0, y = 0) =>
		cdp.send('Input.dispatchTouchEvent', {
			type,
			touchPoints: type === 'touchEnd' ? [] : [{ x, y }]
		});
	const elin = column(page, 'Elin Sjöberg');
	const source = elin.locator('button[data-visit-id]').first();
	const id = (await source.getAttribute('data-visit-id'))!;
	const from = (await source.boundingBox())!;
	const start = { x: from.x + from.width / 2, y: from.y + 15 };
	const target = column(page, null).locator('.part', { hasText: 'Morgon' });
	const to = (await target.boundingBox())!;
	const path = async () => {
		for (let i = 1; i <= 8; i++) {
			await touch(
				'touchMove',
				start.x + ((to.x + to.width / 2 - start.x) * i) / 8,
				start.y + ((to.y + 20 - start.y) * i) / 8
			);
		}
	};

	// A quick swipe from the card towards Att fördela moves nothing.
	await touch('touchStart', start.x, start.y);
	await path();
	await touch('touchEnd');
	await expect(card(elin, id)).toBeVisible();

	// Press and hold, then move: the card is handed back to the team.
	await touch('touchStart', start.x, start.y);
	await page.waitForTimeout(600);
	await path();
	await touch('touchEnd');
	await expect(card(target, id)).toBeVisible();
	await expect(card(elin, id)).toHaveCount(0);
	await context.close();
});

test('work done offline arrives when the connection returns', async ({ browser }) => {
	const a = await device(browser, 'tablet');
	const b = await device(browser, 'tablet');
	await openBoard(a.page, 'anna');
	await openBoard(b.page, 'maria');

	const visit = column(b.page, 'Cecilia Holm').locator('button[data-visit-id]').first();
	const id = (await visit.getAttribute('data-visit-id'))!;
	await b.context.setOffline(true);
	await expect(b.page.locator('[data-sync-state="saved"]')).toHaveCount(0, { timeout: 10_000 });
	await dragTo(b.page, id, 'Cecilia Holm', 'Kväll');
	await expect(
		column(b.page, 'Cecilia Holm')
			.locator('.part', { hasText: 'Kväll' })
			.locator(`[data-visit-id="${id}"]`)
	).toBeVisible();
	await expect(b.page.locator('[data-sync-state="waiting"]')).toBeVisible();

	await b.context.setOffline(false);
	await expect(
		column(a.page, 'Cecilia Holm')
			.locator('.part', { hasText: 'Kväll' })
			.locator(`[data-visit-id="${id}"]`)
	).toBeVisible({ timeout: 15_000 });
	await expect(b.page.locator('[data-sync-state="saved"]')).toBeVisible({ timeout: 15_000 });
	await a.context.close();
	await b.context.close();
});

test('marking a person absent hands their visits back and the huddle shows what to cover', async ({
	browser
}) => {
	const { context, page } = await device(browser, 'tablet');
	await openBoard(page, 'anna');
	const david = column(page, 'David Nyström');
	// Visits David shares with someone stay with that person; his own go back to the team.
	const theirs = await david
		.locator('button[data-visit-id]')
		.evaluateAll((els) =>
			els
				.filter((e) => !e.textContent?.includes('Tillsammans med'))
				.map((e) => e.getAttribute('data-visit-id'))
		);
	expect(theirs.length).toBeGreaterThan(0);
	await page.getByRole('button', { name: 'Frånvaro för David Nyström' }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'Hela dagen' }).click();
	await expect(page.getByRole('dialog')).toBeHidden({ timeout: 5000 });
	await expect(david.getByText('Frånvarande', { exact: true })).toBeVisible();
	await expect(david.locator('button[data-visit-id]')).toHaveCount(0);
	for (const id of theirs) await expect(card(column(page, null), id!)).toBeVisible();

	await page.getByRole('button', { name: 'Morgonmöte' }).click();
	const panel = page.getByRole('dialog');
	await expect(panel).toContainText(`besök i Att fördela`);
	await page.screenshot({ path: `${SHOTS}/huddle.png` });
	const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
	expect(results.violations.map((v) => `${v.id}: ${v.nodes[0]?.target}`)).toEqual([]);
	await context.close();
});

test('a new visit for a client starts in Att fördela with the decision’s services', async ({
	browser
}) => {
	const { context, page } = await device(browser, 'tablet');
	await openBoard(page, 'anna');
	const before = await column(page, null).locator('button[data-visit-id]').count();
	await page.getByRole('button', { name: '+ Nytt besök' }).click();
	const dialog = page.getByRole('dialog');
	await dialog.getByLabel('Brukare').selectOption({ label: 'Margit Gustafsson' });
	await dialog.getByRole('button', { name: 'Eftermiddag' }).click();
	await dialog.getByRole('button', { name: '5 minuter mer' }).click();
	await dialog.getByLabel('Medicinsk tid').fill('efter 15:00');
	await dialog.getByRole('button', { name: 'Lägg till besöket' }).click();
	await expect(dialog).toBeHidden();
	const added = column(page, null)
		.locator('.part', { hasText: 'Eftermiddag' })
		.locator('button[data-visit-id]', { hasText: 'Margit Gustafsson' });
	await expect(added).toBeVisible();
	await expect(added).toContainText('ca 35 min');
	await expect(added).toContainText('efter 15:00');
	await expect(column(page, null).locator('button[data-visit-id]')).toHaveCount(before + 1);
	await context.close();
});

test('the board speaks English when asked to', async ({ browser }) => {
	const { context, page } = await device(browser, 'tablet');
	await openBoard(page, 'erik');
	await page.getByRole('button', { name: 'English' }).click();
	await expect(page.getByRole('heading', { name: 'To hand out' })).toBeVisible();
	await expect(page.locator('[data-sync-state="saved"]')).toContainText('All saved');
	await page.getByRole('button', { name: 'Svenska' }).click();
	await expect(page.getByRole('heading', { name: 'Att fördela' })).toBeVisible();
	await context.close();
});

test('every control on the board is at least 44 px for a finger', async ({ browser }) => {
	const { context, page } = await device(browser, 'tablet');
	await openBoard(page, 'anna');
	const small = await page
		.locator('main button, main a, main select, main input')
		.evaluateAll((els) =>
			els
				.filter((e) => (e as HTMLElement).offsetParent !== null)
				.map((e) => ({ e, r: e.getBoundingClientRect() }))
				.filter(({ r }) => r.height < 44 || r.width < 44)
				.map(
					({ e, r }) => `${e.tagName} ${e.textContent?.trim().slice(0, 30)} ${r.width}x${r.height}`
				)
		);
	expect(small).toEqual([]);
	await context.close();
});
