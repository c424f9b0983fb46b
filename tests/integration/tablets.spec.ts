/**
 * Registering the teams' shared tablets: a manager registers one for a team of their unit and
 * gets its password once; the tablet is a team device bound to that team; taking it out of use
 * ends its sessions at once. Nobody registers tablets for teams they do not manage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { verifyPassword } from '../../src/lib/server/auth/password';
import { createSessionStore } from '../../src/lib/server/auth/session';
import { teamsOf } from '../../src/lib/server/auth/access';
import { auditLog, staff } from '../../src/lib/server/db/schema';
import {
	listTablets,
	registerTablet,
	setTabletActive
} from '../../src/lib/server/services/tablets';
import type { OrgFixture } from '../fixtures/factories';
import { addUnit, createOrgWithCatalogue, userOf } from '../fixtures/people';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';

let database: TestDatabase;
let org: OrgFixture;

beforeAll(async () => {
	database = await createTestDatabase();
	org = await createOrgWithCatalogue(database.db);
});
afterAll(() => database.close());

describe('team tablets', () => {
	it('a manager registers a tablet for a team of the unit; its password is shown once', async () => {
		const { db } = database;
		const [teamId] = Object.values(org.teams);
		const maria = await userOf(db, org, { username: 'maria-t', role: 'manager' });
		const result = await registerTablet(db, maria, { teamId, username: 'Tavla-1 ' }, 'office');
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.username).toBe('tavla-1');
		const [row] = await db.select().from(staff).where(eq(staff.id, result.id));
		expect(row.role).toBe('teamDevice');
		expect(await verifyPassword(row.passwordHash!, result.password)).toBe(true);
		expect(row.passwordHash).not.toContain(result.password);
		// Bound to its team: that team's board, and nothing else.
		const tabletUser = { ...maria, id: row.id, role: 'teamDevice' as const, name: row.name };
		expect(
			(await teamsOf(db, tabletUser, '2026-12-02', '2026-12-02', 'board')).map((t) => t.id)
		).toEqual([teamId]);
		expect(await listTablets(db, maria)).toEqual([
			expect.objectContaining({ id: result.id, username: 'tavla-1', teamId, active: true })
		]);
		const [logged] = await db.select().from(auditLog).where(eq(auditLog.staffId, maria.id));
		expect(logged.detail).toMatchObject({ what: 'tablet', change: 'registered' });
		// The same name twice, or a name that is no username, is refused with the reason.
		expect(await registerTablet(db, maria, { teamId, username: 'tavla-1' }, 'office')).toEqual({
			ok: false,
			status: 400,
			errors: { username: 'username-taken' }
		});
		expect(await registerTablet(db, maria, { teamId, username: 'x' }, 'office')).toMatchObject({
			errors: { username: 'username-invalid' }
		});
	});

	it('refuses teams outside the manager’s unit, and people who manage no one', async () => {
		const { db } = database;
		const other = await addUnit(db, org);
		const maria = await userOf(db, org, { username: 'maria-u', role: 'manager' });
		expect(
			await registerTablet(db, maria, { teamId: other.teamId, username: 'asken-1' }, 'office')
		).toEqual({ ok: false, status: 400, errors: { teamId: 'team-not-allowed' } });
		const [teamId] = Object.values(org.teams);
		const worker = await userOf(db, org, {
			username: 'walter',
			role: 'worker',
			homeTeamId: teamId
		});
		expect(await registerTablet(db, worker, { teamId, username: 'w-tavla' }, 'phone')).toEqual({
			ok: false,
			status: 403
		});
	});

	it('taking a tablet out of use ends its sessions; it can be used again', async () => {
		const { db } = database;
		const [teamId] = Object.values(org.teams);
		const maria = await userOf(db, org, { username: 'maria-r', role: 'manager' });
		const created = await registerTablet(db, maria, { teamId, username: 'tavla-r' }, 'office');
		if (!created.ok) throw new Error('not registered');
		const sessions = createSessionStore(db);
		const { token } = await sessions.create(created.id);
		expect(await sessions.validate(token)).not.toBeNull();
		expect(await setTabletActive(db, sessions, maria, created.id, false, 'office')).toEqual({
			ok: true
		});
		expect(await sessions.validate(token)).toBeNull();
		const [row] = await db.select().from(staff).where(eq(staff.id, created.id));
		expect(row.active).toBe(false);
		expect(await setTabletActive(db, sessions, maria, created.id, true, 'office')).toEqual({
			ok: true
		});
		// A person's id is no tablet.
		expect(await setTabletActive(db, sessions, maria, maria.id, false, 'office')).toEqual({
			ok: false,
			status: 404
		});
	});
});
