/**
 * The billing basis export (rules BI1–BI7): granted minutes prorated over the days a decision
 * covers, used minutes from effective time entries (corrections counted once), the exact CSV
 * bytes for Swedish Excel, the JSON twin, the access-log row every export writes, and who may
 * export: the unit's manager and admins only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Role } from '../../src/lib/domain/types';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { auditLog } from '../../src/lib/server/db/schema';
import { billingBasis } from '../../src/lib/server/services/billing';
import * as exportRoute from '../../src/routes/manager/billing/export/+server';
import * as billingPage from '../../src/routes/manager/billing/+page.server';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';
import { type OrgFixture } from '../fixtures/factories';
import { addUnit, createOrgWithCatalogue, userOf } from '../fixtures/people';
import { addClient, useTestApp } from '../fixtures/manager-pages';
import { addFrameDecision, addTime, outcomeOf, requestEvent } from '../fixtures/manager-audit';

type Who = 'worker' | 'manager' | 'otherManager' | 'caseOfficer' | 'admin' | 'teamDevice';

let handle: TestDatabase;
let restore: () => void;
let org: OrgFixture;
let south: { unitId: string; teamId: string };
const users = {} as Record<Who, SessionUser>;
let asa: string;
let eva: string;
let asaDecision: string;
let evaDecision: string;
let southClient: string;

beforeAll(async () => {
	handle = await createTestDatabase();
	restore = useTestApp(handle);
	const db = handle.db;
	org = await createOrgWithCatalogue(db);
	south = await addUnit(db, org);
	const roles: [Who, Role, string | null | undefined][] = [
		['worker', 'worker', undefined],
		['manager', 'manager', undefined],
		['otherManager', 'manager', south.unitId],
		['caseOfficer', 'caseOfficer', null],
		['admin', 'admin', null],
		['teamDevice', 'teamDevice', undefined]
	];
	for (const [who, role, unitId] of roles) {
		users[who] = await userOf(db, org, {
			username: `bill-${who.toLowerCase()}`,
			role,
			unitId,
			homeTeamId: role === 'worker' || role === 'teamDevice' ? org.teams['Björken'] : undefined
		});
	}
	const o = org.organisationId;
	const staffId = users.worker.id;

	// Åsa: a monthly frame of 600 min from 15 January (17 of 31 days).
	asa = await addClient(db, o, org.teams['Björken'], 'Åsa Öberg');
	asaDecision = await addFrameDecision(db, o, asa, {
		validFrom: '2026-01-15',
		frameMinutes: 600,
		framePeriod: 'month'
	});
	await addTime(db, o, { clientId: asa, staffId, date: '2026-01-10', minutes: 30 }); // before
	await addTime(db, o, { clientId: asa, staffId, date: '2026-01-20', minutes: 60 });
	const wrong = await addTime(db, o, { clientId: asa, staffId, date: '2026-01-21', minutes: 30 });
	await addTime(db, o, {
		clientId: asa,
		staffId,
		date: '2026-01-21',
		minutes: 45,
		correctsId: wrong
	});
	await addTime(db, o, {
		clientId: asa,
		staffId,
		date: '2026-01-22',
		minutes: 0,
		outcome: 'declined'
	});
	await addTime(db, o, {
		clientId: asa,
		staffId,
		date: '2026-01-23',
		minutes: 30,
		declinedServices: ['shower'],
		overdrawn: true
	});
	await addTime(db, o, { clientId: asa, staffId, date: '2026-02-02', minutes: 60 }); // after

	// A name that a spreadsheet would run as a formula, with `;` and `"` in it. A weekly frame
	// of 420 min, ended early on 10 January by a new version (the old one is not in force).
	eva = await addClient(db, o, org.teams['Eken'], '=Eva; "Ek"');
	const open = await addFrameDecision(db, o, eva, {
		validFrom: '2025-06-01',
		frameMinutes: 420,
		framePeriod: 'week'
	});
	evaDecision = await addFrameDecision(db, o, eva, {
		validFrom: '2025-06-01',
		validTo: '2026-01-10',
		frameMinutes: 420,
		framePeriod: 'week',
		replacesId: open
	});
	await addTime(db, o, { clientId: eva, staffId, date: '2026-01-05', minutes: 90 });
	await addTime(db, o, { clientId: eva, staffId, date: '2026-01-15', minutes: 30 }); // after end

	// Not in January's basis of the unit: a February decision, and another unit's client.
	const later = await addClient(db, o, org.teams['Björken'], 'Bo Senare');
	await addFrameDecision(db, o, later, {
		validFrom: '2026-02-01',
		frameMinutes: 300,
		framePeriod: 'month'
	});
	southClient = await addClient(db, o, south.teamId, 'Sara Syd');
	await addFrameDecision(db, o, southClient, {
		validFrom: '2025-01-01',
		frameMinutes: 300,
		framePeriod: 'month'
	});
});

afterAll(async () => {
	restore();
	await handle.close();
});

const exportAs = (who: Who | null, query: string) =>
	exportRoute.GET(
		requestEvent(who ? users[who] : null, `/manager/billing/export?${query}`) as never
	) as Promise<Response>;

describe('the basis', () => {
	it('[BI2][BI3] prorates granted minutes and counts effective time on covered days', async () => {
		const rows = await billingBasis(handle.db, org.unitId, '2026-01');
		expect(rows.map((r) => r.clientName)).toEqual(['Åsa Öberg', '=Eva; "Ek"']);
		expect(rows[0]).toMatchObject({
			decisionId: asaDecision,
			teamName: 'Björken',
			coveredFrom: '2026-01-15',
			coveredTo: '2026-01-31',
			coveredDays: 17,
			grantedMinutes: 329, // 600 × 17 / 31 = 329.03
			usedMinutes: 135, // 60 + 45 (the correction, not the 30 it replaced) + 30
			declinedVisits: 1,
			declinedServices: 1,
			overdrawnEntries: 1
		});
		expect(rows[1]).toMatchObject({
			decisionId: evaDecision,
			validTo: '2026-01-10',
			coveredDays: 10,
			grantedMinutes: 600, // 420 × 10 / 7
			usedMinutes: 90
		});
	});

	it('[BI3] a whole month of a monthly frame grants exactly the frame', async () => {
		const rows = await billingBasis(handle.db, south.unitId, '2026-02');
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ clientId: southClient, coveredDays: 28, grantedMinutes: 300 });
	});
});

describe('the export endpoint', () => {
	it('[BI5][BI6][BI7] writes the exact CSV bytes for Swedish Excel', async () => {
		const response = await exportAs('manager', 'month=2026-01&format=csv');
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(response.headers.get('content-disposition')).toBe(
			'attachment; filename="debiteringsunderlag-hemtjanst-test-2026-01.csv"'
		);
		const bytes = new Uint8Array(await response.arrayBuffer());
		expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
		expect(text).toBe(
			'\uFEFF' +
				'klient;team;beslut_id;giltig_fran;giltig_till;ramperiod;ramtid_minuter;dagar_i_manaden;' +
				'beviljat_minuter;beviljat_timmar;utfort_minuter;utfort_timmar;avbojda_besok;' +
				'avbojda_insatser;overdragna_registreringar\r\n' +
				`Åsa Öberg;Björken;${asaDecision};2026-01-15;;månad;600;17;329;5,48;135;2,25;1;1;1\r\n` +
				`"'=Eva; ""Ek""";Eken;${evaDecision};2025-06-01;2026-01-10;vecka;420;10;600;10;90;1,5;0;0;0\r\n`
		);
	});

	it('answers JSON with numbers as numbers', async () => {
		const response = await exportAs('manager', 'month=2026-01&format=json');
		expect(response.status).toBe(200);
		expect(response.headers.get('content-disposition')).toContain(
			'debiteringsunderlag-hemtjanst-test-2026-01.json'
		);
		const body = await response.json();
		expect(body.unit).toEqual({ id: org.unitId, name: 'Hemtjänst Test' });
		expect(body.month).toBe('2026-01');
		expect(Date.parse(body.generatedAt)).not.toBeNaN();
		expect(body.rows[0]).toMatchObject({
			clientName: 'Åsa Öberg',
			frameMinutes: 600,
			grantedMinutes: 329,
			usedMinutes: 135
		});
		expect(body.rows[1].clientName).toBe('=Eva; "Ek"');
	});

	it('writes every export to the access log with every client in it', async () => {
		const before = await handle.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'export'), eq(auditLog.staffId, users.admin.id)));
		expect(before).toHaveLength(0);
		const response = await exportAs('admin', `month=2026-01&format=csv&unit=${org.unitId}`);
		expect(response.status).toBe(200);
		const rows = await handle.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'export'), eq(auditLog.staffId, users.admin.id)));
		expect(rows.map((r) => r.clientId).sort()).toEqual([asa, eva].sort());
		for (const row of rows) {
			expect(row.device).toBe('vitest');
			expect(row.detail).toMatchObject({ what: 'billing-basis', month: '2026-01', format: 'csv' });
		}
	});

	it('refuses a bad month or format with 400', async () => {
		expect((await exportAs('manager', 'month=2026-13&format=csv')).status).toBe(400);
		expect((await exportAs('manager', 'format=csv')).status).toBe(400);
		expect((await exportAs('manager', 'month=2026-01&format=xlsx')).status).toBe(400);
	});

	it('answers 401 without a session and 403 to other roles and units', async () => {
		expect((await exportAs(null, 'month=2026-01&format=csv')).status).toBe(401);
		for (const who of ['worker', 'caseOfficer', 'teamDevice'] as const) {
			const response = await exportAs(who, 'month=2026-01&format=csv');
			expect(response.status, who).toBe(403);
		}
		const other = await exportAs('otherManager', `month=2026-01&format=csv&unit=${org.unitId}`);
		expect(other.status).toBe(403);
		// Their own unit is theirs to export, and holds none of this unit's clients.
		const own = await exportAs('otherManager', 'month=2026-01&format=json');
		expect(own.status).toBe(200);
		expect((await own.json()).rows.map((r: { clientId: string }) => r.clientId)).toEqual([
			southClient
		]);
	});
});

describe('the page', () => {
	it('[BI1] shows the asked month, or last month when none or a bad one is asked', async () => {
		const page = (who: Who | null, query: string) =>
			outcomeOf(() =>
				billingPage.load(requestEvent(who ? users[who] : null, `/manager/billing${query}`))
			);
		const data = (await billingPage.load(
			requestEvent(users.manager, '/manager/billing?month=2026-01')
		)) as { month: string; rows: unknown[]; invalid: boolean };
		expect(data.month).toBe('2026-01');
		expect(data.rows).toHaveLength(2);
		const bad = (await billingPage.load(
			requestEvent(users.manager, '/manager/billing?month=2026-1')
		)) as { month: string; invalid: boolean };
		expect(bad.invalid).toBe(true);
		expect(bad.month).toMatch(/^\d{4}-\d{2}$/);
		expect(await page(null, '')).toBe('login');
		for (const who of ['worker', 'caseOfficer', 'teamDevice'] as const) {
			expect(await page(who, ''), who).toBe(403);
		}
		expect(await page('otherManager', `?unit=${org.unitId}`)).toBe(403);
		expect(await page('admin', `?unit=${south.unitId}`)).toBe('ok');
	});
});
