/**
 * The case officer's decisions on a real database: versions instead of updates, overlaps
 * refused with a Swedish sentence, early ends, the history, the audit log and the boards told.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, client, decision, decisionService } from '../../src/lib/server/db/schema';
import type { SessionUser } from '../../src/lib/server/auth/session';
import {
	changeDecision,
	createDecision,
	decisionHistory,
	endDecision
} from '../../src/lib/server/services/case-decisions';
import {
	caseClientDetails,
	createClient,
	listCaseClients,
	revealClientAccessCode,
	setClientActive,
	updateClient
} from '../../src/lib/server/services/case-clients';
import { onBoardDataChanged, type BoardDataScope } from '../../src/lib/server/realtime/invalidate';
import { teamClients } from '../../src/lib/server/services/teams';
import { errorText } from '../../src/lib/ui/case/errors';
import { createPerson } from '../fixtures/factories';
import { seedWorld, type World } from '../fixtures/realtime';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';

let database: TestDatabase;
let world: World;
let hanna: SessionUser;
const notices: BoardDataScope[] = [];
const stop = onBoardDataChanged((scope) => notices.push(scope));

beforeAll(async () => {
	database = await createTestDatabase();
	world = await seedWorld(database.db);
	const id = await createPerson(
		database.db,
		{ organisationId: world.organisationId, unitId: world.unitId, teams: {} },
		{ username: 'hanna', name: 'Hanna Sandberg', role: 'caseOfficer', unit: false }
	);
	hanna = {
		id,
		organisationId: world.organisationId,
		username: 'hanna',
		name: 'Hanna Sandberg',
		role: 'caseOfficer',
		locale: 'sv',
		unitId: null
	};
});

afterAll(async () => {
	stop();
	await database.close();
});

const draft = (over: Partial<Record<string, unknown>> = {}) => ({
	validFrom: '2027-01-01',
	validTo: '',
	frameMinutes: '240',
	framePeriod: 'week',
	services: ['meals', 'walk'],
	...over
});

async function rowsOf(clientId: string) {
	return database.db.select().from(decision).where(eq(decision.clientId, clientId));
}

describe('decisions', () => {
	it('[D4] refuses a decision that overlaps one in force, in Swedish, and writes nothing', async () => {
		const before = await rowsOf(world.clients.olle);
		const result = await createDecision(
			database.db,
			hanna,
			world.clients.olle,
			draft({ validFrom: '2026-06-01' }) as never,
			'test'
		);
		expect(result.ok).toBe(false);
		if (result.ok || result.status !== 400) throw new Error('expected a refusal');
		expect(result.errors.map(errorText)).toEqual([
			'Beslutet överlappar ett annat beslut som gäller 2026-01-01 – tills vidare. Avsluta eller ändra det först.'
		]);
		expect(await rowsOf(world.clients.olle)).toEqual(before);
	});

	it('[D1] [D2] [D3] refuses bad fields with one Swedish sentence per field', async () => {
		const result = await createDecision(
			database.db,
			hanna,
			world.clients.olle,
			draft({ validTo: '2026-12-31', frameMinutes: '62', services: [] }) as never,
			'test'
		);
		if (result.ok || result.status !== 400) throw new Error('expected a refusal');
		expect(result.errors.map((e) => [e.field, errorText(e)])).toEqual([
			['validTo', 'Sista dagen kan inte vara före första dagen.'],
			['frameMinutes', 'Ramtiden anges i steg om 5 minuter.'],
			['services', 'Välj minst en insats.']
		]);
	});

	it('a change is a new version; the old row stays as it was; boards are told', async () => {
		const [old] = await database.db
			.select()
			.from(decision)
			.where(eq(decision.clientId, world.clients.greta));
		notices.length = 0;
		const result = await changeDecision(
			database.db,
			hanna,
			old.id,
			draft({
				validFrom: old.validFrom,
				frameMinutes: '120',
				services: ['meals', 'insulin', 'shower', 'personal-care']
			}) as never,
			'test'
		);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		const [oldAfter] = await database.db.select().from(decision).where(eq(decision.id, old.id));
		expect(oldAfter).toEqual(old);
		const [next] = await database.db.select().from(decision).where(eq(decision.id, result.id));
		expect(next).toMatchObject({ replacesId: old.id, frameMinutes: 120, decidedBy: hanna.id });
		const services = await database.db
			.select()
			.from(decisionService)
			.where(eq(decisionService.decisionId, result.id));
		expect(services.map((s) => s.serviceCode).sort()).toEqual([
			'insulin',
			'meals',
			'personal-care',
			'shower'
		]);
		// Only the new version is in force for the board.
		const [greta] = (await teamClients(database.db, world.teams.bjorken)).filter(
			(c) => c.id === world.clients.greta
		);
		expect(greta.decisions.map((d) => d.id)).toEqual([result.id]);
		expect(notices).toContainEqual({
			teamId: world.teams.bjorken,
			change: { kind: 'decision-changed', clientId: world.clients.greta }
		});

		// Changing the replaced version again is refused: it is no longer in force.
		const stale = await changeDecision(database.db, hanna, old.id, draft() as never, 'test');
		expect(stale).toEqual({ ok: false, status: 409 });
		// A change that changes nothing is refused.
		const same = await changeDecision(
			database.db,
			hanna,
			result.id,
			draft({
				validFrom: old.validFrom,
				frameMinutes: '120',
				services: ['meals', 'insulin', 'shower', 'personal-care']
			}) as never,
			'test'
		);
		expect(same.ok ? [] : 'errors' in same ? same.errors.map((e) => e.code) : []).toEqual([
			'unchanged'
		]);
	});

	it('[D6] ends a decision early with a new version, then a new decision can follow it', async () => {
		const inForce = async () =>
			(await teamClients(database.db, world.teams.bjorken)).find(
				(c) => c.id === world.clients.ingrid
			)!.decisions;
		const [current] = await inForce();
		const ended = await endDecision(database.db, hanna, current.id, '2026-12-31', 'test');
		expect(ended.ok).toBe(true);
		if (!ended.ok) return;
		expect((await inForce()).map((d) => [d.id, d.validTo])).toEqual([[ended.id, '2026-12-31']]);
		const later = await endDecision(database.db, hanna, ended.id, '2027-03-01', 'test');
		expect(later.ok ? null : 'errors' in later ? later.errors[0].code : later.status).toBe(
			'end-not-earlier'
		);

		const next = await createDecision(
			database.db,
			hanna,
			world.clients.ingrid,
			draft({ validFrom: '2027-01-01', services: ['meals'] }) as never,
			'test'
		);
		expect(next.ok).toBe(true);
		const history = await decisionHistory(database.db, world.clients.ingrid);
		expect(history.map((v) => [v.kind, v.inForce, v.validFrom, v.validTo])).toEqual([
			['new', true, '2027-01-01', null],
			['end', true, '2026-01-01', '2026-12-31'],
			['new', false, '2026-01-01', null]
		]);
		expect(history[0].decidedByName).toBe('Hanna Sandberg');
		const changes = await database.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.clientId, world.clients.ingrid), eq(auditLog.action, 'change')));
		expect(changes.map((c) => (c.detail as { change: string }).change).sort()).toEqual([
			'created',
			'ended'
		]);
	});
});

describe('clients', () => {
	it('creates, reads, edits and deactivates a client, logging every read and change', async () => {
		const created = await createClient(
			database.db,
			hanna,
			{
				name: 'Tyra Holm',
				teamId: world.teams.bjorken,
				contactPersonId: world.staff.anna,
				area: 'Centrum',
				preferences: 'Kaffe först.',
				accessNotes: 'Nyckelgömma vid dörren.',
				accessCode: '4711'
			},
			'test-device'
		);
		if (!created.ok) throw new Error('not created');
		const details = await caseClientDetails(database.db, hanna, created.id, 'test-device');
		expect(details).toMatchObject({
			name: 'Tyra Holm',
			contactName: 'Anna Lind',
			hasAccessCode: true
		});
		expect(JSON.stringify(details)).not.toContain('4711');
		const listed = await listCaseClients(database.db, hanna, { search: 'tyr' }, 'test-device');
		expect(listed.map((c) => c.name)).toEqual(['Tyra Holm']);
		expect(JSON.stringify(listed)).not.toContain('4711');
		expect(await revealClientAccessCode(database.db, hanna, created.id, 'test-device')).toBe(
			'4711'
		);

		// A contact person from another team is refused.
		const wrong = await updateClient(
			database.db,
			hanna,
			created.id,
			{ ...details!, contactPersonId: world.staff.erik, accessCode: null },
			'test-device'
		);
		expect(wrong).toEqual({
			ok: false,
			status: 400,
			errors: [{ field: 'contactPersonId', code: 'contact-not-in-team' }]
		});
		// An edit without a new code keeps the code.
		await updateClient(
			database.db,
			hanna,
			created.id,
			{ ...details!, area: 'Norr', contactPersonId: world.staff.bertil, accessCode: null },
			'test-device'
		);
		await setClientActive(database.db, hanna, created.id, false, 'test-device');
		const [row] = await database.db.select().from(client).where(eq(client.id, created.id));
		expect(row).toMatchObject({ area: 'Norr', accessCode: '4711', active: false });
		expect(await listCaseClients(database.db, hanna, { search: 'tyr' }, 'x')).toEqual([]);
		expect(
			(await listCaseClients(database.db, hanna, { search: 'tyr', inactive: true }, 'x')).length
		).toBe(1);

		const log = await database.db
			.select()
			.from(auditLog)
			.where(eq(auditLog.clientId, created.id))
			.orderBy(auditLog.id);
		expect(log.map((l) => `${l.action}:${(l.detail as { what: string }).what}`)).toEqual([
			'change:client',
			'read:client',
			'read:client-list',
			'read:access-code',
			'change:client',
			'change:client',
			'read:client-list'
		]);
		expect(log.every((l) => l.staffId === hanna.id)).toBe(true);
	});

	it('never shows another organisation’s client', async () => {
		const other = { ...hanna, organisationId: '00000000-0000-4000-8000-000000000000' };
		expect(await caseClientDetails(database.db, other, world.clients.greta, 'x')).toBeNull();
		expect(await listCaseClients(database.db, other, {}, 'x')).toEqual([]);
		expect(
			await createDecision(database.db, other, world.clients.greta, draft() as never, 'x')
		).toEqual({ ok: false, status: 404 });
	});
});
