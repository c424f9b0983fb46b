/**
 * Importing decisions from a file on a real database: the dry run says what every row would do
 * and writes nothing; an import writes everything in one transaction, or nothing at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { auditLog, decision, decisionService } from '../../src/lib/server/db/schema';
import type { SessionUser } from '../../src/lib/server/auth/session';
import {
	dryRunDecisionImport,
	importDecisions
} from '../../src/lib/server/services/decision-import';
import { onBoardDataChanged, type BoardDataScope } from '../../src/lib/server/realtime/invalidate';
import { teamClients } from '../../src/lib/server/services/teams';
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
		{ username: 'hanna', role: 'caseOfficer', unit: false }
	);
	hanna = {
		id,
		organisationId: world.organisationId,
		username: 'hanna',
		name: 'Hanna',
		role: 'caseOfficer',
		locale: 'sv',
		unitId: null
	};
});

afterAll(async () => {
	stop();
	await database.close();
});

const HEADER = 'klient;team;giltig_fran;giltig_till;ramtid_minuter;period;insatser';

async function snapshot() {
	const [decisions] = await database.db.select({ n: count() }).from(decision);
	const [services] = await database.db.select({ n: count() }).from(decisionService);
	return { decisions: decisions.n, services: services.n };
}

describe('decision import', () => {
	it('[I4] a dry run lists every row’s change and every error, and writes nothing', async () => {
		const before = await snapshot();
		const text = [
			HEADER,
			'Greta Nyström;Björken;2026-01-01;;180;vecka;personal-care|shower|insulin|meals',
			'Olle Dahl;Eken;2026-01-01;;240;vecka;meals|walk',
			`${world.clients.harald};;2026-12-01;;300;månad;cleaning`
		].join('\r\n');
		const outcome = await dryRunDecisionImport(database.db, hanna, '\uFEFF' + text);
		expect(outcome.problems).toEqual([]);
		expect(outcome.items.map((i) => [i.row, i.clientName, i.kind])).toEqual([
			[2, 'Greta Nyström', 'unchanged'],
			[3, 'Olle Dahl', 'replace'],
			[4, 'Harald Viklund', 'new']
		]);
		expect(outcome.written).toBe(false);

		const bad = await dryRunDecisionImport(
			database.db,
			hanna,
			[HEADER, 'Olle Dahl;Eken;2026-01-01;;240;vecka;meals', 'Okänd;Eken;2026-01-01;;60;år;x'].join(
				'\n'
			)
		);
		expect(bad.problems.map((p) => `${p.row}:${p.column}:${p.code}`)).toEqual([
			'3:klient:unknown-client',
			'3:period:invalid-period',
			'3:insatser:unknown-service'
		]);
		expect(await snapshot()).toEqual(before);
	});

	it('[I6] an invalid row anywhere writes nothing, not even the valid rows', async () => {
		const before = await snapshot();
		const text = [
			HEADER,
			'Olle Dahl;Eken;2026-01-01;;240;vecka;meals|walk',
			'Harald Viklund;Björken;2026-12-01;;300;månad;cleaning',
			'Ingrid Åberg;Björken;2026-02-01;;60;vecka;meals'
		].join('\n');
		const outcome = await importDecisions(database.db, hanna, text, 'test');
		expect(outcome.written).toBe(false);
		expect(outcome.problems.map((p) => `${p.row}:${p.code}`)).toEqual(['4:overlap']);
		expect(await snapshot()).toEqual(before);
	});

	it('[I6] a valid file is written in one transaction and the boards are told', async () => {
		const before = await snapshot();
		notices.length = 0;
		const text = [
			HEADER,
			'Greta Nyström;Björken;2026-01-01;;180;vecka;personal-care|shower|insulin|meals',
			'Olle Dahl,Eken;2026-01-01;;240;vecka;meals|walk'.replace(',', ';'),
			'Harald Viklund;Björken;2026-12-01;;300;månad;cleaning|shopping'
		].join('\n');
		const outcome = await importDecisions(database.db, hanna, text, 'test');
		expect(outcome.problems).toEqual([]);
		expect(outcome.written).toBe(true);
		expect(await snapshot()).toEqual({
			decisions: before.decisions + 2,
			services: before.services + 4
		});
		const olle = (await teamClients(database.db, world.teams.eken)).find(
			(c) => c.id === world.clients.olle
		)!;
		expect(olle.decisions.map((d) => [d.frameMinutes, d.services])).toEqual([
			[240, ['meals', 'walk']]
		]);
		const [olleNew] = await database.db
			.select()
			.from(decision)
			.where(eq(decision.id, olle.decisions[0].id));
		expect(olleNew.replacesId).not.toBeNull();
		expect(olleNew.decidedBy).toBe(hanna.id);
		expect(notices.map((n) => n.change)).toEqual([
			{ kind: 'decision-changed', clientId: world.clients.olle },
			{ kind: 'decision-changed', clientId: world.clients.harald }
		]);
		const log = await database.db.select().from(auditLog).where(eq(auditLog.staffId, hanna.id));
		expect(log.map((l) => l.clientId).sort()).toEqual(
			[world.clients.harald, world.clients.olle].sort()
		);

		// The same file again changes nothing.
		const again = await dryRunDecisionImport(database.db, hanna, text);
		expect(again.items.map((i) => i.kind)).toEqual(['unchanged', 'unchanged', 'unchanged']);
	});

	it('[I2] refuses a file with too many rows', async () => {
		const line = '\nOlle Dahl;Eken;2030-01-01;;60;vecka;meals';
		const outcome = await dryRunDecisionImport(database.db, hanna, HEADER + line.repeat(5001));
		expect(outcome.problems.map((p) => p.code)).toEqual(['too-many-rows']);
	});
});
