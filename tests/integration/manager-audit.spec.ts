/**
 * The access-log pages: searching the unit's log (scope, filters, pages), the client's log
 * extract (reading it and printing it are logged), and sample checks (AS1–AS3): a draw takes
 * only reads of the unit's clients within the period, judgements and the conclusion are saved,
 * a concluded sample refuses changes. Every role against every page and action.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { addDays, todayIn } from '../../src/lib/domain/periods';
import type { Role } from '../../src/lib/domain/types';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { auditLog, auditSample, auditSampleItem } from '../../src/lib/server/db/schema';
import { searchAuditLog } from '../../src/lib/server/services/audit-search';
import { drawSample } from '../../src/lib/server/services/audit-samples';
import * as searchPage from '../../src/routes/manager/audit/+page.server';
import * as extractPage from '../../src/routes/manager/audit/clients/[clientId]/+page.server';
import * as samplesPage from '../../src/routes/manager/audit/samples/+page.server';
import * as samplePage from '../../src/routes/manager/audit/samples/[sampleId]/+page.server';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';
import { type OrgFixture } from '../fixtures/factories';
import { addUnit, createOrgWithCatalogue, userOf } from '../fixtures/people';
import { addClient, useTestApp } from '../fixtures/manager-pages';
import { addLogRow, outcomeOf, requestEvent } from '../fixtures/manager-audit';

type Who = 'worker' | 'manager' | 'otherManager' | 'caseOfficer' | 'admin' | 'teamDevice';
const ROLES_WITHOUT_ACCESS = ['worker', 'caseOfficer', 'teamDevice'] as const;

let handle: TestDatabase;
let restore: () => void;
let org: OrgFixture;
let south: { unitId: string; teamId: string };
const users = {} as Record<Who, SessionUser>;
let asa: string;
let bo: string;
let sara: string;
/** Reads a sample of the unit for 2026-03 may draw. */
const drawable: number[] = [];

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
			username: `log-${who.toLowerCase()}`,
			role,
			unitId,
			homeTeamId: role === 'worker' || role === 'teamDevice' ? org.teams['Björken'] : undefined
		});
	}
	const o = org.organisationId;
	asa = await addClient(db, o, org.teams['Björken'], 'Åsa Öberg');
	bo = await addClient(db, o, org.teams['Eken'], 'Bo Ek');
	sara = await addClient(db, o, south.teamId, 'Sara Syd');
	const worker = users.worker.id;
	const base = { organisationId: o, staffId: worker, unitId: org.unitId };
	// March 2026 (Swedish time is UTC+1 in early March): the unit's reads of its clients.
	drawable.push(
		await addLogRow(db, {
			...base,
			at: '2026-03-02T09:00:00Z',
			action: 'read',
			clientId: asa,
			what: 'client'
		}),
		await addLogRow(db, {
			...base,
			at: '2026-03-10T09:00:00Z',
			action: 'read',
			clientId: bo,
			what: 'access-code'
		}),
		// Written by a case officer without a unit: still the unit's client.
		await addLogRow(db, {
			...base,
			unitId: null,
			staffId: users.caseOfficer.id,
			at: '2026-03-20T09:00:00Z',
			action: 'read',
			clientId: asa,
			what: 'decision'
		}),
		// 31 March 23:30 Swedish summer time is still March.
		await addLogRow(db, {
			...base,
			at: '2026-03-31T21:30:00Z',
			action: 'read',
			clientId: bo,
			what: 'visit'
		})
	);
	// Not drawable: other actions, a read without a client, outside the period, another unit.
	await addLogRow(db, {
		...base,
		at: '2026-03-05T09:00:00Z',
		action: 'change',
		clientId: asa,
		what: 'visit'
	});
	await addLogRow(db, {
		...base,
		at: '2026-03-06T09:00:00Z',
		action: 'export',
		clientId: bo,
		what: 'billing-basis'
	});
	await addLogRow(db, { ...base, at: '2026-03-07T09:00:00Z', action: 'read', what: 'board' });
	await addLogRow(db, { ...base, at: '2026-03-08T09:00:00Z', action: 'login' });
	await addLogRow(db, {
		...base,
		at: '2026-02-28T22:30:00Z',
		action: 'read',
		clientId: asa,
		what: 'client'
	}); // 28 Feb 23:30 in Sweden
	await addLogRow(db, {
		...base,
		at: '2026-03-31T22:30:00Z',
		action: 'read',
		clientId: asa,
		what: 'client'
	}); // 1 April 00:30
	await addLogRow(db, {
		organisationId: o,
		staffId: users.otherManager.id,
		unitId: south.unitId,
		at: '2026-03-15T09:00:00Z',
		action: 'read',
		clientId: sara,
		what: 'client'
	});
	// 60 rows in January for paging.
	for (let i = 0; i < 60; i++) {
		await addLogRow(db, {
			...base,
			at: new Date(Date.parse('2026-01-10T08:00:00Z') + i * 60_000).toISOString(),
			action: 'read',
			clientId: bo,
			what: 'client'
		});
	}
});

afterAll(async () => {
	restore();
	await handle.close();
});

const unit = () => ({ id: org.unitId, organisationId: org.organisationId });

describe('searching the log', () => {
	it('shows the unit’s rows only: written in the unit or about its clients', async () => {
		const page = await searchAuditLog(handle.db, unit(), {
			from: '2026-03-01',
			to: '2026-03-31',
			page: 1
		});
		expect(page.total).toBe(8);
		expect(page.rows.some((r) => r.clientId === sara)).toBe(false);
		expect(page.rows.map((r) => r.at)).toEqual([...page.rows.map((r) => r.at)].sort().reverse());
		expect(page.rows[0]).toMatchObject({ action: 'read', clientName: 'Bo Ek', what: 'visit' });
		const south_ = await searchAuditLog(
			handle.db,
			{ id: south.unitId, organisationId: org.organisationId },
			{ from: '2026-03-01', to: '2026-03-31', page: 1 }
		);
		expect(south_.rows.map((r) => r.clientId)).toEqual([sara]);
	});

	it('filters by client, user, action and Swedish calendar days', async () => {
		const search = (f: Partial<Parameters<typeof searchAuditLog>[2]>) =>
			searchAuditLog(handle.db, unit(), { from: '2026-03-01', to: '2026-03-31', page: 1, ...f });
		expect((await search({ clientId: asa })).rows.map((r) => r.what)).toEqual([
			'decision',
			'visit',
			'client'
		]);
		expect((await search({ staffId: users.caseOfficer.id })).total).toBe(1);
		expect((await search({ action: 'export' })).rows.map((r) => r.what)).toEqual(['billing-basis']);
		expect((await search({ action: 'login' })).total).toBe(1);
		expect((await search({ from: '2026-02-28', to: '2026-02-28' })).total).toBe(1);
		expect((await search({ from: '2026-04-01', to: '2026-04-01' })).total).toBe(1);
		expect((await search({ from: '2026-03-31', to: '2026-03-31' })).total).toBe(1);
	});

	it('pages by 50, newest first', async () => {
		const search = (page: number) =>
			searchAuditLog(handle.db, unit(), { from: '2026-01-01', to: '2026-01-31', page });
		const first = await search(1);
		expect(first).toMatchObject({ total: 60, page: 1, pages: 2 });
		expect(first.rows).toHaveLength(50);
		const second = await search(2);
		expect(second.rows).toHaveLength(10);
		expect(second.rows[0].at < first.rows[49].at).toBe(true);
		expect((await search(9)).page).toBe(2);
	});

	it('the page searches by name, picks a client and explains a bad period', async () => {
		const load = (who: Who, query: string) =>
			searchPage.load(requestEvent(users[who], `/manager/audit${query}`)) as Promise<{
				client: { id: string } | null;
				errors: Record<string, string>;
				result: { total: number };
			}>;
		const find = (who: Who, q: string) =>
			searchPage.actions.find(
				requestEvent(users[who], '/manager/audit?/find', { form: { q } })
			) as Promise<{ matches: { id: string }[] }>;
		expect((await find('manager', ' åsa ')).matches.map((m) => m.id)).toEqual([asa]);
		// A name is never taken from the address.
		expect(await load('manager', '?q=åsa')).not.toHaveProperty('matches');
		const picked = await load('manager', `?client=${asa}&from=2026-03-01&to=2026-03-31`);
		expect(picked.client?.id).toBe(asa);
		expect(picked.result.total).toBe(3);
		// Another unit's client is not searched for this unit.
		const foreign = await load('manager', `?client=${sara}&from=2026-03-01&to=2026-03-31`);
		expect(foreign.client).toBeNull();
		expect(foreign.result.total).toBe(0);
		expect((await find('manager', 'sara')).matches).toEqual([]);
		const bad = await load('manager', '?from=2026-03-31&to=2026-03-01');
		expect(bad.errors).toEqual({ to: 'from-after-to' });
		const long = await load('manager', '?from=2025-01-01&to=2026-03-01');
		expect(long.errors).toEqual({ to: 'period-too-long' });
	});

	it('is for the unit’s manager and admins only', async () => {
		const page = (who: Who | null, query = '') =>
			outcomeOf(() =>
				searchPage.load(requestEvent(who ? users[who] : null, `/manager/audit${query}`))
			);
		expect(await page(null)).toBe('login');
		for (const who of ROLES_WITHOUT_ACCESS) expect(await page(who), who).toBe(403);
		expect(await page('otherManager', `?unit=${org.unitId}`)).toBe(403);
		expect(await page('manager')).toBe('ok');
		expect(await page('admin', `?unit=${south.unitId}`)).toBe('ok');
	});
});

describe('the client log extract', () => {
	const path = (clientId: string) => `/manager/audit/clients/${clientId}`;
	const load = (who: Who | null, clientId: string) =>
		extractPage.load(
			requestEvent(who ? users[who] : null, path(clientId), { params: { clientId } })
		);
	const print = (who: Who | null, clientId: string) =>
		extractPage.actions.print(
			requestEvent(who ? users[who] : null, `${path(clientId)}?/print`, {
				params: { clientId },
				form: {}
			})
		);
	const rowsOf = (action: string, staffId: string) =>
		handle.db
			.select()
			.from(auditLog)
			.where(
				and(eq(auditLog.action, action), eq(auditLog.staffId, staffId), eq(auditLog.clientId, asa))
			);

	it('lists the client’s log and logs reading it', async () => {
		const data = (await load('manager', asa)) as { rows: { what: string | null }[] };
		expect(data.rows.map((r) => r.what)).toEqual([
			'client',
			'decision',
			'visit',
			'client',
			'client'
		]);
		const reads = await rowsOf('read', users.manager.id);
		expect(reads.map((r) => r.detail)).toEqual([{ what: 'log-extract' }]);
	});

	it('logs printing it', async () => {
		expect(await print('manager', asa)).toEqual({ printed: true });
		const prints = await rowsOf('print', users.manager.id);
		expect(prints).toHaveLength(1);
		expect(prints[0]).toMatchObject({ device: 'vitest', detail: { what: 'log-extract' } });
	});

	it('is refused outside the unit and to other roles', async () => {
		expect(await outcomeOf(() => load(null, asa))).toBe('login');
		expect(await outcomeOf(() => print(null, asa))).toBe('login');
		for (const who of [...ROLES_WITHOUT_ACCESS, 'otherManager'] as const) {
			expect(await outcomeOf(() => load(who, asa)), who).toBe(403);
			expect(await outcomeOf(() => print(who, asa)), who).toBe(403);
		}
		expect(await outcomeOf(() => load('otherManager', sara))).toBe('ok');
		expect(await outcomeOf(() => load('admin', sara))).toBe('ok');
		expect(await outcomeOf(() => load('manager', '00000000-0000-4000-8000-000000000000'))).toBe(
			404
		);
		expect(await outcomeOf(() => load('manager', 'x'))).toBe(404);
		expect(await rowsOf('print', users.otherManager.id)).toEqual([]);
	});
});

describe('sample checks', () => {
	const draw = (who: Who | null, form: Record<string, string>, query = '') =>
		samplesPage.actions.draw(
			requestEvent(who ? users[who] : null, `/manager/audit/samples?/draw${query}`, { form })
		);
	const sampleEvent = (
		who: Who | null,
		sampleId: string,
		action = '',
		form?: Record<string, string>
	) =>
		requestEvent(who ? users[who] : null, `/manager/audit/samples/${sampleId}${action}`, {
			params: { sampleId },
			form
		});
	const drawnId = async (call: () => unknown): Promise<string> => {
		try {
			await call();
		} catch (e) {
			const location = (e as { location?: string }).location ?? '';
			const match = /\/manager\/audit\/samples\/([0-9a-f-]{36})/.exec(location);
			if (match) return match[1];
			throw e;
		}
		throw new Error('no redirect');
	};
	let sampleId: string;

	it('[AS2] draws only the unit’s reads of clients within the period', async () => {
		sampleId = await drawnId(() =>
			draw('manager', { from: '2026-03-01', to: '2026-03-31', count: '50' })
		);
		const items = await handle.db
			.select()
			.from(auditSampleItem)
			.where(eq(auditSampleItem.sampleId, sampleId));
		expect(items.map((i) => i.auditLogId).sort((a, b) => a - b)).toEqual(drawable);
		const [sample] = await handle.db.select().from(auditSample).where(eq(auditSample.id, sampleId));
		expect(sample).toMatchObject({
			unitId: org.unitId,
			fromDate: '2026-03-01',
			toDate: '2026-03-31',
			drawnBy: users.manager.id,
			status: 'open'
		});
		const logged = await handle.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'change'), eq(auditLog.staffId, users.manager.id)));
		expect(logged.map((r) => r.detail)).toContainEqual(
			expect.objectContaining({ what: 'audit-sample', id: sampleId, step: 'drawn' })
		);
	});

	it('[AS2] draws the number asked for, at random', async () => {
		const id = await drawnId(() =>
			draw('manager', { from: '2026-03-01', to: '2026-03-31', count: '2' })
		);
		const items = await handle.db
			.select()
			.from(auditSampleItem)
			.where(eq(auditSampleItem.sampleId, id));
		expect(items).toHaveLength(2);
		for (const item of items) expect(drawable).toContain(item.auditLogId);
	});

	it('[AS1][AS2] explains a bad request and stores nothing', async () => {
		const before = (await handle.db.select().from(auditSample)).length;
		const refused = async (form: Record<string, string>) => {
			const result = (await draw('manager', form)) as {
				status: number;
				data: { errors: Record<string, string>; values: Record<string, string> };
			};
			expect(result.status).toBe(400);
			expect(result.data.values).toEqual(form);
			return result.data.errors;
		};
		expect(await refused({ from: '2026-03-31', to: '2026-03-01', count: '10' })).toEqual({
			to: 'from-after-to'
		});
		expect(await refused({ from: '2025-01-01', to: '2026-03-01', count: '10' })).toEqual({
			to: 'period-too-long'
		});
		expect(await refused({ from: '2026-03-01', to: '2026-03-31', count: '0' })).toEqual({
			count: 'invalid-count'
		});
		expect(await refused({ from: '2026-03-01', to: '2026-03-31', count: '51' })).toEqual({
			count: 'invalid-count'
		});
		expect(await refused({ from: '2025-05-01', to: '2025-05-31', count: '10' })).toEqual({
			form: 'no-reads'
		});
		expect((await handle.db.select().from(auditSample)).length).toBe(before);
	});

	it('[AS3] saves judgements and concludes the review, which is then read-only', async () => {
		const judge = (auditLogId: number, judgement: string, comment = '') =>
			samplePage.actions.judge(
				sampleEvent('manager', sampleId, '?/judge', {
					auditLogId: String(auditLogId),
					judgement,
					comment
				})
			);
		const conclude = (conclusion: string) =>
			samplePage.actions.conclude(sampleEvent('manager', sampleId, '?/conclude', { conclusion }));

		expect(await outcomeOf(() => judge(drawable[0], 'maybe'))).toBe(400);
		expect(await outcomeOf(() => judge(999_999, 'justified'))).toBe(404);
		expect(await judge(drawable[0], 'question', 'Ingen planerad insats den dagen')).toMatchObject({
			done: true
		});
		// Not every read judged yet, and an empty conclusion: both explained.
		const early = (await conclude('Klart')) as { status: number; data: { errors: object } };
		expect(early.status).toBe(400);
		expect(early.data.errors).toEqual({ form: 'unjudged' });
		for (const id of drawable.slice(1)) await judge(id, 'justified');
		const empty = (await conclude('  ')) as { status: number; data: { errors: object } };
		expect(empty.data.errors).toEqual({ conclusion: 'required' });
		expect(await conclude('En läsning följs upp med medarbetaren.')).toMatchObject({ done: true });

		const data = (await samplePage.load(sampleEvent('manager', sampleId))) as {
			sample: {
				status: string;
				conclusion: string;
				concludedByName: string;
				items: { auditLogId: number; judgement: string; comment: string; clientName: string }[];
			};
		};
		expect(data.sample).toMatchObject({
			status: 'concluded',
			conclusion: 'En läsning följs upp med medarbetaren.',
			concludedByName: users.manager.name
		});
		expect(data.sample.items.find((i) => i.auditLogId === drawable[0])).toMatchObject({
			judgement: 'question',
			comment: 'Ingen planerad insats den dagen',
			clientName: 'Åsa Öberg'
		});

		// Read-only now.
		const again = (await judge(drawable[1], 'question')) as {
			status: number;
			data: { errors: object };
		};
		expect(again.status).toBe(409);
		expect(again.data.errors).toEqual({ form: 'concluded' });
		expect(await outcomeOf(() => conclude('Ny slutsats'))).toBe(409);
		const [stored] = await handle.db.select().from(auditSample).where(eq(auditSample.id, sampleId));
		expect(stored.conclusion).toBe('En läsning följs upp med medarbetaren.');
		const logged = await handle.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'change'), eq(auditLog.staffId, users.manager.id)));
		expect(logged.filter((r) => (r.detail as { step?: string }).step === 'concluded')).toHaveLength(
			1
		);
	});

	it('lists the unit’s samples with their progress', async () => {
		const data = (await samplesPage.load(
			requestEvent(users.manager, '/manager/audit/samples')
		)) as {
			samples: { id: string; status: string; items: number; judged: number; questioned: number }[];
			defaults: { count: string };
		};
		expect(data.defaults.count).toBe('10');
		expect(data.samples.find((s) => s.id === sampleId)).toMatchObject({
			status: 'concluded',
			items: 4,
			judged: 4,
			questioned: 1
		});
		const southList = (await samplesPage.load(
			requestEvent(users.otherManager, '/manager/audit/samples')
		)) as { samples: unknown[] };
		expect(southList.samples).toEqual([]);
	});

	it('is refused outside the unit and to other roles', async () => {
		const judgeAs = (who: Who | null) =>
			samplePage.actions.judge(
				sampleEvent(who, sampleId, '?/judge', {
					auditLogId: String(drawable[0]),
					judgement: 'justified'
				})
			);
		expect(await outcomeOf(() => samplePage.load(sampleEvent(null, sampleId)))).toBe('login');
		expect(
			await outcomeOf(() => samplesPage.load(requestEvent(null, '/manager/audit/samples')))
		).toBe('login');
		expect(
			await outcomeOf(() => draw(null, { from: '2026-03-01', to: '2026-03-31', count: '5' }))
		).toBe('login');
		for (const who of [...ROLES_WITHOUT_ACCESS, 'otherManager'] as const) {
			expect(await outcomeOf(() => samplePage.load(sampleEvent(who, sampleId))), who).toBe(403);
			expect(await outcomeOf(() => judgeAs(who)), who).toBe(403);
		}
		for (const who of ROLES_WITHOUT_ACCESS) {
			expect(
				await outcomeOf(() => samplesPage.load(requestEvent(users[who], '/manager/audit/samples'))),
				who
			).toBe(403);
			expect(
				await outcomeOf(() => draw(who, { from: '2026-03-01', to: '2026-03-31', count: '5' })),
				who
			).toBe(403);
		}
		// Another unit's manager cannot draw from this unit.
		expect(
			await outcomeOf(() =>
				draw(
					'otherManager',
					{ from: '2026-03-01', to: '2026-03-31', count: '5' },
					`&unit=${org.unitId}`
				)
			)
		).toBe(403);
		// Their own unit has one read in March: a sample of it holds that read only.
		const own = await drawnId(() =>
			draw('otherManager', { from: '2026-03-01', to: '2026-03-31', count: '5' })
		);
		const items = await handle.db
			.select()
			.from(auditSampleItem)
			.where(eq(auditSampleItem.sampleId, own));
		expect(items).toHaveLength(1);
		expect(await outcomeOf(() => samplePage.load(sampleEvent('admin', sampleId)))).toBe('ok');
		expect(
			await outcomeOf(() =>
				samplePage.load(sampleEvent('manager', '00000000-0000-4000-8000-000000000000'))
			)
		).toBe(404);
	});
});

describe('defaults', () => {
	it('[AS1] searches the last 30 days unless asked otherwise', async () => {
		const today = todayIn();
		const data = (await searchPage.load(requestEvent(users.manager, '/manager/audit'))) as {
			values: { from: string; to: string };
		};
		expect(data.values).toMatchObject({ from: addDays(today, -29), to: today });
	});
});

describe('an administrator working in a unit', () => {
	it('leaves rows in that unit’s log: a sample drawn and concluded shows in its search', async () => {
		const db = handle.db;
		const today = todayIn();
		await addLogRow(db, {
			organisationId: org.organisationId,
			staffId: users.otherManager.id,
			unitId: south.unitId,
			at: new Date().toISOString(),
			action: 'read',
			clientId: sara,
			what: 'client'
		});
		const drawn = await drawSample(
			db,
			users.admin,
			south.unitId,
			{ from: addDays(today, -1), to: today, count: '1' },
			'test'
		);
		expect(drawn.ok).toBe(true);
		const found = await searchAuditLog(
			db,
			{ id: south.unitId, organisationId: org.organisationId },
			{ staffId: users.admin.id, from: addDays(today, -1), to: today, page: 1 }
		);
		expect(found.rows.map((r) => [r.action, r.what])).toContainEqual(['change', 'audit-sample']);
	});
});
