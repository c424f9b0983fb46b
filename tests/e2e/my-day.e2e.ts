/**
 * "Min dag" on a phone (390×844) in Debian's Chromium, against the demo: a worker records a
 * visit and the team's tablet sees the frame move; two visits recorded without reception
 * count once when the phone is back; a door-code read reaches the client's log extract.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { card, device, logIn, openBoard } from './helpers';

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

interface ClientJson {
	id: string;
	name: string;
	decisions: { validFrom: string; validTo: string | null; services: string[] }[];
}
interface FrameJson {
	clientId: string;
	usedMinutes: number;
}

function todayInStockholm(): string {
	return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(new Date());
}

function isoWeekOf(date: string): string {
	const d = new Date(date + 'T00:00:00Z');
	const day = (d.getUTCDay() + 6) % 7;
	d.setUTCDate(d.getUTCDate() - day + 3);
	const year = d.getUTCFullYear();
	const firstThursday = new Date(Date.UTC(year, 0, 4));
	const week =
		1 +
		Math.round(
			((d.getTime() - firstThursday.getTime()) / 86_400_000 -
				3 +
				((firstThursday.getUTCDay() + 6) % 7)) /
				7
		);
	return `${year}-W${String(week).padStart(2, '0')}`;
}

async function openMyDay(page: Page, username: string) {
	await logIn(page, username);
	await expect(page).toHaveURL(/\/my-day/);
	await expect(page.locator('[data-sync-state="saved"]')).toBeVisible({ timeout: 15_000 });
	await expect(page.locator('a[data-visit-id]').first()).toBeVisible();
}

/** My visits on the page: id and client, in list order, once each. */
async function visitsOn(page: Page, planned = false) {
	const selector = planned ? 'a[data-visit-id]:not(.done)' : 'a[data-visit-id]';
	const pairs = await page
		.locator(selector)
		.evaluateAll((links) =>
			links.map((a) => [a.getAttribute('data-visit-id')!, a.getAttribute('data-client-id')!])
		);
	const seen = new Map<string, string>();
	for (const [visitId, clientId] of pairs) if (!seen.has(visitId)) seen.set(visitId, clientId);
	return [...seen].map(([visitId, clientId]) => ({ visitId, clientId }));
}

async function teamOf(page: Page): Promise<string> {
	const me = (await (await page.request.get('/api/me')).json()) as { teams: { id: string }[] };
	return me.teams[0].id;
}

async function usedMinutes(page: Page, teamId: string, clientIds: string[]): Promise<number> {
	const week = isoWeekOf(todayInStockholm());
	const response = await page.request.get(`/api/teams/${teamId}/frames?period=${week}`);
	expect(response.status()).toBe(200);
	const rows = (await response.json()) as FrameJson[];
	return rows
		.filter((r) => clientIds.includes(r.clientId))
		.reduce((sum, r) => sum + r.usedMinutes, 0);
}

/** Controls in the page's main part smaller than a fingertip (44 px). */
function tooSmall(page: Page) {
	return page.locator('main button, main a, main input, main textarea').evaluateAll((els) =>
		els
			.filter((e) => (e as HTMLElement).offsetParent !== null)
			.map((e) => ({ e, r: e.getBoundingClientRect() }))
			.filter(({ r }) => r.height < 44 || r.width < 44)
			.map(
				({ e, r }) => `${e.tagName} ${e.textContent?.trim().slice(0, 30)} ${r.width}x${r.height}`
			)
	);
}

/** Sets the "Klar" stepper to `minutes` with its buttons. */
async function setMinutes(page: Page, minutes: number) {
	const output = page.locator('output[data-minutes]');
	for (let i = 0; i < 100; i++) {
		const now = Number(await output.getAttribute('data-minutes'));
		if (now === minutes) return;
		await page
			.getByRole('button', { name: now < minutes ? '5 minuter mer' : '5 minuter mindre' })
			.click();
	}
	throw new Error(`stepper never reached ${minutes}`);
}

test('a visit recorded on the phone moves the frame meter on the team’s tablet', async ({
	browser
}) => {
	const phone = await device(browser, 'phone');
	const tablet = await device(browser, 'tablet');
	await openMyDay(phone.page, 'anna');
	await phone.page.screenshot({ path: 'docs/screenshots/my-day.png', fullPage: true });
	await openBoard(tablet.page, 'bjorken-platta');

	const teamId = await teamOf(phone.page);
	const clients = (await (
		await phone.page.request.get(`/api/teams/${teamId}/clients`)
	).json()) as ClientJson[];
	const today = todayInStockholm();
	const grantsShower = (clientId: string) =>
		clients
			.find((c) => c.id === clientId)
			?.decisions.some(
				(d) =>
					d.validFrom <= today &&
					(d.validTo === null || d.validTo >= today) &&
					d.services.includes('shower')
			) ?? false;
	const chosen = (await visitsOn(phone.page, true)).find((v) => grantsShower(v.clientId));
	expect(chosen, 'one of Anna’s visits today is for a client granted a shower').toBeDefined();
	const { visitId } = chosen!;

	const meter = card(tablet.page, visitId).first().getByRole('meter');
	const before = await meter.getAttribute('aria-label');

	await phone.page.locator(`a[data-visit-id="${visitId}"]`).first().click();
	await expect(phone.page.locator('[data-sync-state="saved"]')).toBeVisible({ timeout: 15_000 });
	await phone.page.screenshot({ path: 'docs/screenshots/visit-page.png', fullPage: true });

	// With the client: a shower today as well. The tablet shows it at once.
	const shower = phone.page.getByRole('button', { name: 'Dusch', exact: true });
	await phone.page.getByRole('button', { name: 'Ändra med brukaren' }).click();
	if ((await shower.getAttribute('aria-pressed')) !== 'true') await shower.click();
	await expect(shower).toHaveAttribute('aria-pressed', 'true');
	await expect(card(tablet.page, visitId).first()).toContainText('Dusch');
	await phone.page.getByRole('button', { name: 'Klar med ändringen' }).click();

	// Klar: 35 minutes, and the client declined the shower after all.
	await phone.page.getByRole('button', { name: 'Klar', exact: true }).click();
	await setMinutes(phone.page, 35);
	await phone.page
		.getByRole('group', { name: 'Avböjde brukaren något?' })
		.getByRole('button', { name: 'Dusch' })
		.click();
	await phone.page.screenshot({ path: 'docs/screenshots/klar.png', fullPage: true });
	await phone.page.getByRole('button', { name: 'Spara' }).click();
	await expect(phone.page.locator('[data-outbox-state="sent"]')).toBeVisible({ timeout: 15_000 });
	await expect(phone.page.getByText('35 min').first()).toBeVisible();

	await expect.poll(() => meter.getAttribute('aria-label'), { timeout: 10_000 }).not.toBe(before);
	await expect(meter).toHaveAttribute('aria-label', /använt|used/i);
	await phone.context.close();
	await tablet.context.close();
});

test('two visits recorded without reception count once when the phone is back', async ({
	browser
}) => {
	const phone = await device(browser, 'phone');
	const { page, context } = phone;
	await openMyDay(page, 'anna');
	// The service worker takes over the page once it is installed; from then on it keeps the
	// pages the day opens, so they open without reception.
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
	});
	if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null)))
		await page.reload();
	await expect(page.locator('[data-sync-state="saved"]')).toBeVisible({ timeout: 15_000 });
	const planned = await visitsOn(page, true);
	expect(planned.length).toBeGreaterThanOrEqual(2);
	const [a, b] = planned;
	await expect
		.poll(
			() => page.evaluate(async () => (await (await caches.open('ramtavlan-pages')).keys()).length),
			{ timeout: 15_000 }
		)
		.toBeGreaterThanOrEqual(3);

	const teamId = await teamOf(page);
	const clientIds = [a.clientId, b.clientId];
	const before = await usedMinutes(page, teamId, clientIds);

	await context.setOffline(true);
	await expect(page.locator('[data-sync-state="offline"]')).toBeVisible();
	const recorded: number[] = [];
	for (const visit of [a, b]) {
		await page.locator(`a[data-visit-id="${visit.visitId}"]`).first().click();
		await page.getByRole('button', { name: 'Klar', exact: true }).click();
		recorded.push(Number(await page.locator('output[data-minutes]').getAttribute('data-minutes')));
		await page.getByRole('button', { name: 'Spara' }).click();
		await expect(page.getByText('Rapporten är sparad.')).toBeVisible();
		await page.getByRole('link', { name: '← Min dag' }).click();
		await expect(page.getByRole('heading', { name: 'Min dag' })).toBeVisible();
	}
	await expect(page.locator('[data-outbox-state="waiting"]')).toHaveCount(2);
	await expect(page.getByText('2 väntar på uppkoppling')).toBeVisible();
	// Still without reception, the app opens anew from the device: the service worker serves
	// the page, IndexedDB the board and the two reports waiting.
	await page.reload();
	await expect(page.getByRole('heading', { name: 'Min dag' })).toBeVisible();
	await expect(page.locator(`a[data-visit-id="${a.visitId}"]`).first()).toBeVisible();
	await expect(page.locator('[data-outbox-state="waiting"]')).toHaveCount(2);

	await context.setOffline(false);
	await expect(page.locator('[data-outbox-state="sent"]')).toHaveCount(2, { timeout: 20_000 });
	const expected = before + recorded[0] + recorded[1];
	expect(await usedMinutes(page, teamId, clientIds)).toBe(expected);
	// A reload finds both sent and sends nothing again.
	await page.reload();
	await expect(page.locator('[data-outbox-state="sent"]')).toHaveCount(2);
	await page.waitForTimeout(1000);
	expect(await usedMinutes(page, teamId, clientIds)).toBe(expected);
	await context.close();
});

test('a door-code read is in the client’s log extract; the pages pass WCAG 2.2 AA', async ({
	browser
}) => {
	const phone = await device(browser, 'phone');
	const { page } = phone;
	await openMyDay(page, 'anna');
	let results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
	expect(results.violations.map((v) => `${v.id}: ${v.nodes[0]?.target}`)).toEqual([]);
	expect(await tooSmall(page)).toEqual([]);

	let clientId: string | null = null;
	for (const visit of await visitsOn(page)) {
		await page.locator(`a[data-visit-id="${visit.visitId}"]`).first().click();
		await expect(page.getByRole('heading', { name: 'Att komma in' })).toBeVisible();
		if (await page.getByRole('button', { name: 'Visa portkod' }).isVisible()) {
			clientId = visit.clientId;
			break;
		}
		await page.getByRole('link', { name: '← Min dag' }).click();
	}
	expect(clientId, 'one of Anna’s clients has a door code').not.toBeNull();
	results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
	expect(results.violations.map((v) => `${v.id}: ${v.nodes[0]?.target}`)).toEqual([]);

	expect(await tooSmall(page)).toEqual([]);
	// The keyboard path: the report form opens and closes without a pointer.
	// (Klar, or "Rätta rapporten" for a visit reported in an earlier test.)
	await page.getByRole('button', { name: /^(Klar|Rätta rapporten)$/ }).focus();
	await page.keyboard.press('Enter');
	await expect(page.getByRole('form', { name: /Besöket hos/ })).toBeVisible();
	await page.getByRole('button', { name: 'Avbryt' }).focus();
	await page.keyboard.press('Enter');
	await expect(page.getByRole('button', { name: 'Visa portkod' })).toBeVisible();

	await page.getByRole('button', { name: 'Visa portkod' }).click();
	await expect(page.getByText(/Portkod \d{4}|Nyckelgömma: \d{4}/)).toBeVisible();

	const office = await device(browser, 'tablet');
	await logIn(office.page, 'maria');
	const extract = (await (
		await office.page.request.get(`/api/clients/${clientId}/log`)
	).json()) as { action: string; staffName: string; what: string | null }[];
	expect(extract.filter((r) => r.what === 'access-code')).toEqual([
		expect.objectContaining({ action: 'read', staffName: 'Anna Lindqvist' })
	]);
	// A worker cannot read the log.
	expect((await page.request.get(`/api/clients/${clientId}/log`)).status()).toBe(403);
	await office.context.close();
	await phone.context.close();
});
