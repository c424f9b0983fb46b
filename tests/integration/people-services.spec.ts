/**
 * Staff and competence services on a real database: delegations, renewals, early ends,
 * loans, deactivation, scope, and the notice to open boards after every change.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';
import { createPerson, type OrgFixture } from '../fixtures/factories';
import { addUnit, createOrgWithCatalogue, userOf } from '../fixtures/people';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { createSessionStore } from '../../src/lib/server/auth/session';
import { verifyPassword } from '../../src/lib/server/auth/password';
import { auditLog, staff, staffCompetence, teamMembership } from '../../src/lib/server/db/schema';
import { onBoardDataChanged, type BoardDataScope } from '../../src/lib/server/realtime/invalidate';
import {
	createStaff,
	endLoan,
	getPerson,
	lendStaff,
	listStaff,
	setStaffActive,
	updateStaff
} from '../../src/lib/server/services/people';
import {
	delegationsEndingSoon,
	endCompetenceEarly,
	issueCompetence,
	personCompetences,
	renewCompetence
} from '../../src/lib/server/services/competences';

const TODAY = '2026-11-23';
const opts = { device: 'test', today: TODAY };

let handle: TestDatabase;
let org: OrgFixture;
let maria: SessionUser;
let admin: SessionUser;
let otherManager: SessionUser;
let south: { unitId: string; teamId: string };
const notices: BoardDataScope[] = [];
let stopListening: () => void;

beforeAll(async () => {
	handle = await createTestDatabase();
	org = await createOrgWithCatalogue(handle.db);
	south = await addUnit(handle.db, org);
	maria = await userOf(handle.db, org, { username: 'maria', role: 'manager' });
	admin = await userOf(handle.db, org, { username: 'admin', role: 'admin', unitId: null });
	otherManager = await userOf(handle.db, org, {
		username: 'sofia',
		role: 'manager',
		unitId: south.unitId
	});
	stopListening = onBoardDataChanged((scope) => notices.push(scope));
});
afterEach(() => {
	notices.length = 0;
});
afterAll(async () => {
	stopListening();
	await handle.close();
});

const worker = (username: string, extra: Parameters<typeof createPerson>[2] = { username }) =>
	createPerson(handle.db, org, { homeTeamId: org.teams['Björken'], ...extra, username });

async function auditOf(staffId: string) {
	const rows = await handle.db.select().from(auditLog).where(eq(auditLog.staffId, maria.id));
	return rows.map((r) => r.detail as Record<string, unknown>).filter((d) => d.staffId === staffId);
}

describe('delegations', () => {
	it('[K2] refuses a delegation longer than a year and accepts exactly a year', async () => {
		const id = await worker('del1');
		const tooLong = await issueCompetence(
			handle.db,
			maria,
			id,
			{
				code: 'insulin-delegation',
				validFrom: '2026-03-01',
				validTo: '2027-03-01',
				issuedBy: 'Eva Sjuksköterska'
			},
			opts
		);
		expect(tooLong).toEqual({
			ok: false,
			status: 400,
			errors: { validTo: 'delegation-longer-than-a-year' }
		});
		const noIssuer = await issueCompetence(
			handle.db,
			maria,
			id,
			{ code: 'insulin-delegation', validFrom: '2026-03-01', validTo: '2026-06-01', issuedBy: ' ' },
			opts
		);
		expect(noIssuer).toMatchObject({ ok: false, errors: { issuedBy: 'delegation-needs-issuer' } });
		const year = await issueCompetence(
			handle.db,
			maria,
			id,
			{
				code: 'insulin-delegation',
				validFrom: '2026-03-01',
				validTo: '2027-02-28',
				issuedBy: 'Eva Sjuksköterska'
			},
			opts
		);
		expect(year.ok).toBe(true);
		const rows = await handle.db
			.select()
			.from(staffCompetence)
			.where(eq(staffCompetence.staffId, id));
		expect(rows).toMatchObject([
			{ validFrom: '2026-03-01', validTo: '2027-02-28', issuedBy: 'Eva Sjuksköterska' }
		]);
	});

	it('issues an open-ended competence without an issuer, and refuses an unknown code', async () => {
		const id = await worker('del2');
		expect(
			await issueCompetence(
				handle.db,
				maria,
				id,
				{ code: 'lift-training', validFrom: '2026-01-01', validTo: null, issuedBy: null },
				opts
			)
		).toMatchObject({ ok: true });
		expect(
			await issueCompetence(
				handle.db,
				maria,
				id,
				{ code: 'flyg', validFrom: '2026-01-01', validTo: null, issuedBy: null },
				opts
			)
		).toMatchObject({ ok: false, errors: { code: 'unknown-competence' } });
	});

	it('[K3] renews from the day after the old end, once, keeping the old row', async () => {
		const id = await worker('del3');
		const issued = await issueCompetence(
			handle.db,
			maria,
			id,
			{
				code: 'medication-delegation',
				validFrom: '2026-01-01',
				validTo: '2026-12-10',
				issuedBy: 'Eva'
			},
			opts
		);
		if (!issued.ok) throw new Error('not issued');
		const renewed = await renewCompetence(
			handle.db,
			maria,
			id,
			issued.id,
			{ validTo: '2027-12-10', issuedBy: 'Olle' },
			opts
		);
		expect(renewed.ok).toBe(true);
		const held = await personCompetences(handle.db, maria, id, TODAY);
		expect(held.map((h) => [h.validFrom, h.validTo, h.issuedBy, h.renewed])).toEqual([
			['2026-01-01', '2026-12-10', 'Eva', true],
			['2026-12-11', '2027-12-10', 'Olle', false]
		]);
		expect(
			await renewCompetence(
				handle.db,
				maria,
				id,
				issued.id,
				{ validTo: '2027-06-01', issuedBy: 'Olle' },
				opts
			)
		).toMatchObject({ ok: false, errors: { form: 'already-renewed' } });
		const tooLong = await renewCompetence(
			handle.db,
			maria,
			id,
			renewed.ok ? renewed.id : '',
			{ validTo: '2028-12-11', issuedBy: 'Olle' },
			opts
		);
		expect(tooLong).toMatchObject({ errors: { validTo: 'delegation-longer-than-a-year' } });
		expect((await auditOf(id)).map((d) => d.change)).toEqual(['issued', 'renewed']);
	});

	it('[K4] ends early, not before the start, and logs the old and new last day', async () => {
		const id = await worker('del4');
		const issued = await issueCompetence(
			handle.db,
			maria,
			id,
			{
				code: 'insulin-delegation',
				validFrom: '2026-06-01',
				validTo: '2027-05-31',
				issuedBy: 'Eva'
			},
			opts
		);
		if (!issued.ok) throw new Error('not issued');
		expect(
			await endCompetenceEarly(handle.db, maria, id, issued.id, { validTo: '2026-05-31' }, opts)
		).toMatchObject({ ok: false, errors: { validTo: 'valid-to-before-valid-from' } });
		expect(
			await endCompetenceEarly(handle.db, maria, id, issued.id, { validTo: '2027-06-01' }, opts)
		).toMatchObject({ ok: false, errors: { validTo: 'end-not-earlier' } });
		expect(
			await endCompetenceEarly(handle.db, maria, id, issued.id, { validTo: '2026-11-30' }, opts)
		).toEqual({ ok: true });
		const [row] = await handle.db
			.select()
			.from(staffCompetence)
			.where(eq(staffCompetence.id, issued.id));
		expect(row.validTo).toBe('2026-11-30');
		expect((await auditOf(id)).at(-1)).toMatchObject({
			what: 'competence',
			change: 'ended-early',
			oldValidTo: '2027-05-31',
			newValidTo: '2026-11-30'
		});
	});

	it('[K5] lists the unit’s delegations ending within 30 days, soonest first', async () => {
		const a = await worker('soon1', {
			username: 'soon1',
			name: 'Ada Soon',
			competences: [{ code: 'insulin-delegation', validFrom: '2026-01-01', validTo: '2026-12-20' }]
		});
		const b = await worker('soon2', {
			username: 'soon2',
			name: 'Bo Soon',
			competences: [
				{ code: 'medication-delegation', validFrom: '2026-01-01', validTo: '2026-11-25' },
				{ code: 'care-training', validFrom: '2026-01-01', validTo: '2026-11-24' }
			]
		});
		const far = await createPerson(handle.db, org, {
			username: 'soon3',
			competences: [{ code: 'insulin-delegation', validFrom: '2026-01-01', validTo: '2026-11-24' }]
		});
		await handle.db.update(staff).set({ unitId: south.unitId }).where(eq(staff.id, far));
		const list = await delegationsEndingSoon(handle.db, maria, TODAY);
		const mine = list.filter((r) => [a, b, far].includes(r.staffId));
		expect(mine.map((r) => [r.name, r.code, r.validTo])).toEqual([
			['Bo Soon', 'medication-delegation', '2026-11-25'],
			['Ada Soon', 'insulin-delegation', '2026-12-20']
		]);
		const forAdmin = await delegationsEndingSoon(handle.db, admin, TODAY);
		expect(forAdmin.some((r) => r.staffId === far)).toBe(true);
	});
});

describe('loans', () => {
	it('[K6] lends one row per day and ends the loan from today on, keeping past days', async () => {
		const id = await worker('lend1', {
			username: 'lend1',
			lentTo: [
				{ teamId: org.teams['Eken'], date: '2026-11-21' },
				{ teamId: org.teams['Eken'], date: '2026-11-22' }
			]
		});
		const lent = await lendStaff(
			handle.db,
			maria,
			id,
			{ teamId: org.teams['Eken'], from: '2026-11-23', to: '2026-11-26' },
			opts
		);
		expect(lent).toEqual({ ok: true, days: 4 });
		const rows = await handle.db
			.select({ lentOn: teamMembership.lentOn, teamId: teamMembership.teamId })
			.from(teamMembership)
			.where(and(eq(teamMembership.staffId, id)));
		expect(
			rows
				.filter((r) => r.lentOn)
				.map((r) => r.lentOn)
				.sort()
		).toEqual(['2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26']);
		const person = await getPerson(handle.db, maria, id, TODAY);
		expect(person.ok && person.person.loans).toEqual([
			{
				teamId: org.teams['Eken'],
				teamName: 'Eken',
				from: '2026-11-21',
				to: '2026-11-26',
				endable: true
			}
		]);
		// Both boards hear of it.
		expect(notices).toContainEqual({
			teamId: org.teams['Eken'],
			change: { kind: 'staff-changed', staffId: id }
		});
		expect(notices).toContainEqual({
			teamId: org.teams['Björken'],
			change: { kind: 'staff-changed', staffId: id }
		});

		expect(
			await lendStaff(
				handle.db,
				maria,
				id,
				{ teamId: south.teamId, from: '2026-11-26', to: '2026-11-27' },
				opts
			)
		).toMatchObject({ ok: false, errors: { to: 'loan-overlaps' } });
		expect(
			await lendStaff(
				handle.db,
				maria,
				id,
				{ teamId: org.teams['Björken'], from: '2026-12-01', to: '2026-12-01' },
				opts
			)
		).toMatchObject({ ok: false, errors: { teamId: 'same-as-home-team' } });
		expect(
			await lendStaff(
				handle.db,
				maria,
				id,
				{ teamId: south.teamId, from: '2026-11-22', to: '2026-11-22' },
				opts
			)
		).toMatchObject({ ok: false, errors: { to: 'loan-starts-in-past' } });

		expect(
			await endLoan(handle.db, maria, id, { teamId: org.teams['Eken'], from: '2026-11-21' }, opts)
		).toEqual({ ok: true, days: 4 });
		const left = await handle.db
			.select({ lentOn: teamMembership.lentOn })
			.from(teamMembership)
			.where(eq(teamMembership.staffId, id));
		expect(left.map((r) => r.lentOn).sort()).toEqual(['2026-11-21', '2026-11-22', null]);
	});

	it('lends a worker to a team of another unit of the organisation', async () => {
		const id = await worker('lend2');
		expect(
			await lendStaff(
				handle.db,
				maria,
				id,
				{ teamId: south.teamId, from: '2026-12-01', to: '2026-12-02' },
				opts
			)
		).toEqual({ ok: true, days: 2 });
	});
});

describe('people', () => {
	it('deactivating keeps the person, ends their sessions and tells the boards', async () => {
		const id = await worker('deact1');
		const sessions = createSessionStore(handle.db);
		const a = await sessions.create(id);
		const b = await sessions.create(id, { sharedDevice: true });
		const ended: string[] = [];
		sessions.onInvalidate((sid) => ended.push(sid));
		expect(await setStaffActive(handle.db, sessions, maria, id, false, opts)).toEqual({ ok: true });
		expect(await sessions.validate(a.token)).toBeNull();
		expect(await sessions.validate(b.token)).toBeNull();
		expect(ended.sort()).toEqual([a.session.id, b.session.id].sort());
		const [row] = await handle.db.select().from(staff).where(eq(staff.id, id));
		expect(row.active).toBe(false);
		expect(notices).toEqual([
			{ teamId: org.teams['Björken'], change: { kind: 'staff-changed', staffId: id } }
		]);
		expect((await listStaff(handle.db, maria, { q: 'deact1' })).length).toBe(0);
		expect(
			(await listStaff(handle.db, maria, { q: 'deact1', status: 'inactive' })).map((r) => r.id)
		).toEqual([id]);
		expect(await setStaffActive(handle.db, sessions, maria, id, true, opts)).toEqual({ ok: true });
		expect(await setStaffActive(handle.db, sessions, admin, admin.id, false, opts)).toMatchObject({
			errors: { form: 'not-yourself' }
		});
	});

	it('a manager adds workers to their unit only; an admin places any role', async () => {
		const created = await createStaff(
			handle.db,
			maria,
			{
				username: 'Ny.Person',
				name: 'Ny Person',
				role: 'worker',
				homeTeamId: org.teams['Eken'],
				unitId: null,
				password: null
			},
			opts
		);
		if (!created.ok) throw new Error('not created');
		expect(created.initialPassword).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
		const [row] = await handle.db.select().from(staff).where(eq(staff.id, created.id));
		expect(row).toMatchObject({ username: 'ny.person', role: 'worker', unitId: org.unitId });
		expect(await verifyPassword(row.passwordHash!, created.initialPassword!)).toBe(true);
		expect(notices).toEqual([
			{ teamId: org.teams['Eken'], change: { kind: 'staff-changed', staffId: created.id } }
		]);

		const base = { name: 'X', unitId: null, password: 'ett-långt-lösenord' };
		expect(
			await createStaff(
				handle.db,
				maria,
				{ ...base, username: 'ny.person', role: 'manager', homeTeamId: south.teamId },
				opts
			)
		).toEqual({
			ok: false,
			status: 400,
			errors: {
				role: 'role-not-allowed',
				homeTeamId: 'team-not-allowed',
				unitId: 'unit-required',
				username: 'username-taken'
			}
		});
		expect(
			await createStaff(
				handle.db,
				maria,
				{ ...base, username: 'x2', role: 'worker', homeTeamId: null },
				opts
			)
		).toMatchObject({ errors: { homeTeamId: 'home-team-required' } });

		const boss = await createStaff(
			handle.db,
			admin,
			{ ...base, username: 'chef2', role: 'manager', homeTeamId: null, unitId: south.unitId },
			opts
		);
		expect(boss.ok).toBe(true);
		const southWorker = await createStaff(
			handle.db,
			admin,
			{ ...base, username: 'syd1', role: 'worker', homeTeamId: south.teamId },
			opts
		);
		if (!southWorker.ok) throw new Error('not created');
		const [s] = await handle.db.select().from(staff).where(eq(staff.id, southWorker.id));
		expect(s.unitId).toBe(south.unitId);
	});

	it('changes the home team within the unit; only an admin changes roles', async () => {
		const id = await worker('move1');
		expect(
			await updateStaff(
				handle.db,
				maria,
				id,
				{ role: 'worker', homeTeamId: org.teams['Eken'], unitId: null },
				opts
			)
		).toEqual({ ok: true });
		const homes = await handle.db
			.select()
			.from(teamMembership)
			.where(eq(teamMembership.staffId, id));
		expect(homes.map((h) => [h.teamId, h.lentOn])).toEqual([[org.teams['Eken'], null]]);
		expect(notices.map((n) => n.teamId).sort()).toEqual(
			[org.teams['Björken'], org.teams['Eken']].sort()
		);
		expect(
			await updateStaff(
				handle.db,
				maria,
				id,
				{ role: 'caseOfficer', homeTeamId: null, unitId: null },
				opts
			)
		).toMatchObject({ errors: { role: 'role-not-allowed' } });
		expect(
			await updateStaff(
				handle.db,
				admin,
				id,
				{ role: 'caseOfficer', homeTeamId: null, unitId: null },
				opts
			)
		).toEqual({ ok: true });
		// No longer a worker: out of the manager's reach.
		expect(await getPerson(handle.db, maria, id, TODAY)).toEqual({ ok: false, status: 403 });
	});

	it('refuses another unit’s staff and unknown ids (no IDOR)', async () => {
		const id = await worker('scope1');
		expect((await getPerson(handle.db, otherManager, id, TODAY)).ok).toBe(false);
		expect(await getPerson(handle.db, otherManager, id, TODAY)).toEqual({ ok: false, status: 403 });
		expect(
			await issueCompetence(
				handle.db,
				otherManager,
				id,
				{ code: 'usk', validFrom: '2026-01-01', validTo: null, issuedBy: null },
				opts
			)
		).toEqual({ ok: false, status: 403 });
		expect(
			await getPerson(handle.db, maria, '00000000-0000-4000-8000-000000000000', TODAY)
		).toEqual({ ok: false, status: 404 });
		expect(await getPerson(handle.db, maria, 'nonsense', TODAY)).toEqual({
			ok: false,
			status: 404
		});
		expect(await getPerson(handle.db, maria, maria.id, TODAY)).toEqual({ ok: false, status: 403 });
		expect((await listStaff(handle.db, otherManager, { q: 'scope1' })).length).toBe(0);
		expect((await listStaff(handle.db, maria, { q: 'scope1' })).length).toBe(1);
		expect(
			(await listStaff(handle.db, maria, { teamId: org.teams['Eken'], q: 'scope1' })).length
		).toBe(0);
	});
});
