/**
 * A change's projection row is committed just after its updates (writer.ts). A process that
 * dies between the two leaves rows behind the board; the board puts them right as it loads,
 * so the frame checks and reports read what the board says.
 */
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import * as Y from 'yjs';
import { createVisit, setMinutes } from '../../src/lib/board';
import { plannedVisit } from '../../src/lib/server/db/schema';
import { PostgresBoardStore } from '../../src/lib/server/realtime/board-store.postgres';
import { MONDAY, QUIET, TUESDAY, realtimeSuite } from '../fixtures/realtime';

const repairs: Record<string, unknown>[] = [];
const suite = realtimeSuite({
	log: {
		...QUIET,
		warn(message, data) {
			if (message.startsWith('board projection')) repairs.push({ message, ...data });
		},
		error: console.error
	}
});

const rowOf = async (id: string) =>
	(await suite.db.select().from(plannedVisit).where(eq(plannedVisit.id, id)))[0];

describe('the projection of a board that loads', () => {
	it('is put right after a crash between a change and its projection row', async () => {
		const { world } = suite;
		// The log holds changes whose rows never made it: a new visit, and one changed since.
		const doc = new Y.Doc();
		const added = createVisit(doc, {
			clientId: world.clients.greta,
			date: MONDAY,
			dayPart: 'morning',
			services: ['meals'],
			minutes: 30,
			assignees: [world.staff.anna]
		});
		const changed = createVisit(doc, {
			clientId: world.clients.greta,
			date: TUESDAY,
			dayPart: 'midday',
			services: ['meals'],
			minutes: 20
		});
		const moved = createVisit(doc, {
			clientId: world.clients.greta,
			date: TUESDAY,
			dayPart: 'evening',
			services: ['meals'],
			minutes: 15
		});
		const before = Y.encodeStateAsUpdate(doc);
		const vector = Y.encodeStateVector(doc);
		setMinutes(doc, changed, 40);
		const after = Y.encodeStateAsUpdate(doc, vector);
		const store = new PostgresBoardStore(suite.db);
		await store.append([
			{ room: world.room, updates: [before, after], upserts: [], removals: [], audit: [] }
		]);
		const row = (id: string, room: string, teamId: string, clientId: string, minutes: number) => ({
			id,
			organisationId: world.organisationId,
			teamId,
			clientId,
			room,
			date: TUESDAY,
			dayPart: 'midday',
			minutes,
			status: 'planned',
			services: ['meals'],
			assignees: []
		});
		const gone = crypto.randomUUID();
		await suite.db.insert(plannedVisit).values([
			// The old state of the changed visit; a visit the board removed; and a visit whose
			// row is on another team's board, which stays there.
			row(changed, world.room, world.teams.bjorken, world.clients.greta, 20),
			row(gone, world.room, world.teams.bjorken, world.clients.greta, 25),
			row(moved, world.ekenRoom, world.teams.eken, world.clients.olle, 15)
		]);

		const tablet = await suite.device(world.staff.anna);
		await suite.realtime.writer.flush();
		expect(await rowOf(added)).toMatchObject({
			room: world.room,
			clientId: world.clients.greta,
			date: MONDAY,
			dayPart: 'morning',
			minutes: 30,
			status: 'planned',
			assignees: [world.staff.anna]
		});
		expect((await rowOf(changed))?.minutes).toBe(40);
		expect(await rowOf(gone)).toBeUndefined();
		expect((await rowOf(moved))?.room).toBe(world.ekenRoom);
		expect(repairs).toEqual([
			{ message: 'board projection repaired', room: world.room, upserts: 2, removals: 1 }
		]);
		tablet.close();
	});

	it('writes nothing for a board whose rows are in step', async () => {
		const heard = repairs.length;
		const commits = suite.realtime.writer.stats.projectionCommits;
		const tablet = await suite.device(suite.world.staff.anna, suite.world.nextRoom);
		await suite.realtime.writer.flush();
		expect(repairs.length).toBe(heard);
		expect(suite.realtime.writer.stats.projectionCommits).toBe(commits);
		tablet.close();
	});
});
