/**
 * Stored content is shown as text, never run (docs/security.md, "Stored content"). Markup and
 * script go in through the app's own paths — the case officer's client form and decision
 * import, a worker's board (visit note, signal, huddle notes and checklist) and report
 * ("Klar") — and every page that shows them is opened: the board on a tablet, Min dag and the
 * visit page on a phone, the manager's pages and the case officer's. Each page must show the
 * text literally, hold no element the payloads would create, open no dialog and leave the
 * page's flag untouched. The billing export neutralises cells a spreadsheet would run as a
 * formula (`=`, `+`, `-`, `@`).
 *
 * Everything happens in team Eken, and the clients are deactivated again at the end.
 */
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import {
	addSignal,
	addHuddleItem,
	createVisit,
	readSignals,
	setHuddleNotes
} from '../../src/lib/board';
import { isoWeekKey, todayIn } from '../../src/lib/domain/periods';
import { device, logIn } from './helpers';
import { base, connectSocket, cookieOf, editBoard, signIn } from './requests';

/** Each payload sets `window.__xss` if it ever runs; none may leave an element behind. */
const NAME = 'Xss <img src=x onerror=window.__xss=1> "><svg onload=window.__xss=2> <b>fet</b>';
const PREFERENCES = 'Kaffe <script>window.__xss=3</script> med mjölk';
const ACCESS_NOTES = '"><img src=x onerror=window.__xss=4> nyckel i gömman';
const NOTE = 'Anteckning <img src=x onerror=window.__xss=5> till besöket';
const SIGNAL = 'Verkar orolig <svg onload=window.__xss=6> – följ upp';
const HUDDLE_NOTES = 'Dagens <script>window.__xss=7</script> anteckningar';
const CHECK_ITEM = 'Ring <img src=x onerror=window.__xss=8> anhöriga';
const REPORT_NOTE = 'Klar <img src=x onerror=window.__xss=9> allt gick bra';
const REPORT_SIGNAL = 'Signal från besöket <svg onload=window.__xss=10>';
/** Names a spreadsheet would run as formulas. */
const FORMULAS = ['=HYPERLINK("http://evil.example";"Klicka")', '+SUM(1;2)', '-2+3', '@SUM(1)'];

const FORM_POST = { origin: base(), accept: 'text/html' };
const today = todayIn();
const month = today.slice(0, 7);

let hanna: APIRequestContext;
let eken: string;
let clientId: string;
const formulaClients: string[] = [];
let visitId: string;

/** What the page holds that a payload would have made, and whether any ran. */
async function injected(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const found: string[] = [];
		const flag = (window as unknown as { __xss?: number }).__xss;
		if (flag !== 0) found.push(`window.__xss is ${flag}`);
		for (const el of document.querySelectorAll('[onerror], [onload]')) {
			found.push(`<${el.tagName.toLowerCase()}> with a handler`);
		}
		for (const el of document.querySelectorAll('img[src="x"], b')) {
			found.push(`<${el.tagName.toLowerCase()}> from stored text`);
		}
		for (const script of document.querySelectorAll('script')) {
			if (/^window\.__xss=\d+$/.test(script.textContent?.trim() ?? '')) {
				found.push('a <script> from stored text');
			}
		}
		return found;
	});
}

/** Opens a page of the app with the flag set and dialogs counted. */
async function watched(page: Page): Promise<{ dialogs: string[] }> {
	const dialogs: string[] = [];
	await page.addInitScript(() => {
		(window as unknown as { __xss: number }).__xss = 0;
	});
	page.on('dialog', (dialog) => {
		dialogs.push(dialog.message());
		void dialog.dismiss();
	});
	return { dialogs };
}

async function expectInert(page: Page, dialogs: string[], where: string) {
	expect(await injected(page), where).toEqual([]);
	expect(dialogs, `${where}: dialogs`).toEqual([]);
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
	hanna = await signIn('hanna');
	const me = (await (await hanna.get('/api/me')).json()) as {
		teams: { id: string; name: string }[];
	};
	eken = me.teams.find((t) => t.name === 'Eken')!.id;
});

test.afterAll(async () => {
	for (const id of [clientId, ...formulaClients].filter(Boolean)) {
		await hanna.post(`/case/clients/${id}?/deactivate`, { form: {}, headers: FORM_POST });
	}
	await hanna?.dispose();
});

test('the case officer stores a client whose texts are markup', async ({ browser }) => {
	test.setTimeout(90_000);
	const { context, page } = await device(browser, 'tablet');
	const { dialogs } = await watched(page);
	await logIn(page, 'hanna');
	await page.goto('/case/clients/new');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ny klient');
	await page.getByLabel('Namn').fill(NAME);
	await page.getByLabel('Team', { exact: true }).selectOption({ label: 'Eken' });
	await page.getByLabel('Så vill jag ha det').fill(PREFERENCES);
	await page.getByLabel('Att komma in').fill(ACCESS_NOTES);
	await page.getByRole('button', { name: 'Skapa klient' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(NAME);
	clientId = /\/case\/clients\/([0-9a-f-]{36})/.exec(page.url())![1];

	const form = page.locator('form[action="?/createDecision"]');
	await form.getByLabel('Gäller från').fill(today);
	await form.getByLabel('Ramtid i minuter').fill('600');
	await form.getByLabel('Per vecka').check();
	await form.getByLabel('Måltid').check();
	await form.getByRole('button', { name: 'Spara beslutet' }).click();
	await expect(page.getByText('Beslutet är sparat.')).toBeVisible();
	await expect(page.getByLabel('Så vill jag ha det')).toHaveValue(PREFERENCES);
	await expectInert(page, dialogs, 'case client page');

	await page.goto('/case/clients');
	await expect(page.getByRole('link', { name: NAME })).toBeVisible();
	await expectInert(page, dialogs, 'case client list');

	// A decision file naming clients with markup: its problems quote the names as text.
	await page.goto('/case/import');
	await page.getByLabel(/CSV-fil/).setInputFiles({
		name: 'beslut.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from(
			[
				'klient;team;giltig_fran;giltig_till;ramtid_minuter;period;insatser',
				`Ingen <img src=x onerror=window.__xss=11>;Eken;${today};;60;vecka;meals`
			].join('\n'),
			'utf8'
		)
	});
	await page.getByRole('button', { name: 'Granska filen' }).click();
	await expect(
		page.getByText('Okänd klient: Ingen <img src=x onerror=window.__xss=11>.')
	).toBeVisible();
	await expectInert(page, dialogs, 'decision import');
	await context.close();

	// Names a spreadsheet would run, with a decision each, for the billing export.
	for (const name of FORMULAS) {
		const created = await hanna.post('/case/clients/new', {
			form: {
				name,
				teamId: eken,
				contactPersonId: '',
				area: '',
				preferences: '',
				accessNotes: '',
				accessCode: ''
			},
			headers: FORM_POST,
			maxRedirects: 0
		});
		expect(created.status(), name).toBe(303);
		const id = /\/case\/clients\/([0-9a-f-]{36})/.exec(created.headers().location!)![1];
		formulaClients.push(id);
		const decided = await hanna.post(`/case/clients/${id}?/createDecision`, {
			form: {
				validFrom: today,
				validTo: '',
				frameMinutes: '300',
				framePeriod: 'week',
				services: 'meals'
			},
			headers: FORM_POST,
			maxRedirects: 0
		});
		expect(decided.status(), name).toBe(200);
	}
});

test('a worker writes markup on the board and in a report', async () => {
	const erik = await signIn('erik');
	const cookie = await cookieOf(erik);
	const me = (await (await erik.get('/api/me')).json()) as { id: string };
	const room = `board:${eken}:${isoWeekKey(today)}`;
	visitId = crypto.randomUUID();
	await editBoard(
		room,
		cookie,
		(doc) => {
			createVisit(doc, {
				id: visitId,
				clientId,
				date: today,
				dayPart: 'evening',
				services: ['meals'],
				minutes: 20,
				assignees: [me.id],
				note: NOTE
			});
			addSignal(doc, { clientId, text: SIGNAL });
			setHuddleNotes(doc, today, HUDDLE_NOTES);
			addHuddleItem(doc, today, CHECK_ITEM);
		},
		(doc) => doc.getMap('visits').has(visitId) && readSignals(doc).some((s) => s.text === SIGNAL)
	);

	// "Klar" on the phone: the note and a signal for the team go with the recorded time.
	const connected = await connectSocket(cookie);
	if (!('socket' in connected)) throw new Error(`socket refused: ${connected.refused}`);
	const ack = (await connected.socket.timeout(10_000).emitWithAck('time:record', {
		visitId,
		minutes: 20,
		idempotencyKey: `stored-${visitId}`,
		note: REPORT_NOTE,
		signal: { text: REPORT_SIGNAL }
	})) as { ok: boolean; error?: string };
	connected.socket.close();
	expect(ack).toMatchObject({ ok: true });
	await erik.dispose();
});

test('the board on a tablet shows every stored text as text', async ({ browser }) => {
	const { context, page } = await device(browser, 'tablet');
	const { dialogs } = await watched(page);
	await logIn(page, 'erik');
	await page.goto(`/teams/${eken}/board`);
	await expect(page.locator('[data-sync-state="saved"]')).toBeVisible({ timeout: 15_000 });
	const visit = page.locator(`button[data-visit-id="${visitId}"]`).first();
	await expect(visit).toContainText(NAME);
	await visit.click();
	await expect(page.getByRole('dialog').getByText(NAME).first()).toBeVisible();
	await expect(page.locator('#sheet-note')).toHaveValue(NOTE);
	await expectInert(page, dialogs, 'visit sheet');
	await page.keyboard.press('Escape');

	await page.getByRole('button', { name: 'Morgonmöte' }).click();
	const panel = page.getByRole('dialog');
	await expect(panel.getByText(SIGNAL)).toBeVisible();
	await expect(panel.getByText(REPORT_SIGNAL)).toBeVisible();
	await expect(panel.getByText(CHECK_ITEM)).toBeVisible();
	await expect(panel.locator('#huddle-notes')).toHaveValue(HUDDLE_NOTES);
	await expectInert(page, dialogs, 'huddle panel');
	await context.close();
});

test('Min dag and the visit page on a phone show every stored text as text', async ({
	browser
}) => {
	const { context, page } = await device(browser, 'phone');
	const { dialogs } = await watched(page);
	await logIn(page, 'erik');
	await page.goto('/my-day');
	const visit = page.locator(`a[data-visit-id="${visitId}"]`);
	await expect(visit).toContainText(NAME);
	await expectInert(page, dialogs, 'Min dag');
	await visit.click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText(NAME);
	await expect(page.getByText(PREFERENCES)).toBeVisible();
	await expect(page.getByText(ACCESS_NOTES)).toBeVisible();
	await expect(page.getByText(REPORT_NOTE)).toBeVisible();
	await expect(page.getByText(SIGNAL)).toBeVisible();
	await expectInert(page, dialogs, 'visit page');
	await context.close();
});

test("the manager's pages show the client's name as text", async ({ browser }) => {
	test.setTimeout(60_000);
	const { context, page } = await device(browser, 'tablet');
	const { dialogs } = await watched(page);
	await logIn(page, 'maria');
	const pages: [string, string][] = [
		['/manager', 'overview'],
		[`/manager/clients/${clientId}`, 'client follow-up'],
		['/manager/continuity', 'continuity'],
		[`/manager/billing?month=${month}`, 'billing basis'],
		[`/manager/audit?client=${clientId}`, 'access log'],
		[`/manager/audit/clients/${clientId}`, 'log extract']
	];
	for (const [path, what] of pages) {
		await page.goto(path);
		await expect(page.getByText(NAME).first(), what).toBeVisible();
		await expectInert(page, dialogs, what);
	}
	await context.close();
});

test('the billing export neutralises formulas and is never read as a page', async () => {
	const maria = await signIn('maria');
	const csv = await maria.get(`/manager/billing/export?month=${month}&format=csv`);
	expect(csv.status()).toBe(200);
	expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
	expect(csv.headers()['x-content-type-options']).toBe('nosniff');
	expect(csv.headers()['content-disposition']).toMatch(/^attachment;/);
	const lines = (await csv.text()).split('\r\n');
	const firstCells = lines.map((line) => line.split(';')[0]);
	for (const name of FORMULAS) {
		const quoted = name.includes(';') || name.includes('"');
		const cell = quoted ? `"'${name.replace(/"/g, '""')}` : `'${name}`;
		expect(
			lines.some((line) => line.startsWith(cell)),
			`${name} starts its line as ${cell}`
		).toBe(true);
	}
	expect(firstCells.every((cell) => !/^"?[=+\-@]/.test(cell))).toBe(true);
	expect(lines.some((line) => line.startsWith(`"${NAME.replace(/"/g, '""')}"`))).toBe(true);

	const json = await maria.get(`/manager/billing/export?month=${month}&format=json`);
	expect(json.headers()['content-type']).toMatch(/^application\/json/);
	const { rows } = (await json.json()) as { rows: { clientName: string }[] };
	expect(rows.some((r) => r.clientName === NAME)).toBe(true);
	await maria.dispose();
});
