/**
 * A decision changed outside the board reaches the open board at once: the server re-judges
 * the client's planned visits on the new version and tells everyone on the board, in their
 * language, what changed and which visits no longer fit — without undoing anything.
 */
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createVisit, readVisit } from '../../src/lib/board';
import { decision, decisionService } from '../../src/lib/server/db/schema';
import { notifyBoardDataChanged } from '../../src/lib/server/realtime';
import { teamClients } from '../../src/lib/server/services/teams';
import type { NoticeEvent } from '../../src/lib/realtime/protocol';
import { TUESDAY, eventually, realtimeSuite, whenCommitted } from '../fixtures/realtime';

const suite = realtimeSuite();

describe('board notices', () => {
	it('re-judges the client’s visits after a new decision version and says what changed', async () => {
		const { world, db } = suite;
		const tablet = await suite.device(world.staff.anna);
		const notices: NoticeEvent[] = [];
		tablet.socket.on('notice', (n) => notices.push(n));
		const big = createVisit(tablet.doc, {
			clientId: world.clients.greta,
			date: TUESDAY,
			dayPart: 'morning',
			services: ['meals'],
			minutes: 60
		});
		await whenCommitted(db, big);

		// The case officer lowers Greta's frame to 30 minutes a week: a new version of the
		// decision that replaces the old one, which stays as it was.
		const [old] = await db
			.select()
			.from(decision)
			.where(eq(decision.clientId, world.clients.greta));
		const [next] = await db
			.insert(decision)
			.values({ ...old, id: undefined, createdAt: undefined, frameMinutes: 30, replacesId: old.id })
			.returning();
		const services = await db
			.select()
			.from(decisionService)
			.where(eq(decisionService.decisionId, old.id));
		await db
			.insert(decisionService)
			.values(services.map((s) => ({ decisionId: next.id, serviceCode: s.serviceCode })));
		notifyBoardDataChanged({
			teamId: world.teams.bjorken,
			change: { kind: 'decision-changed', clientId: world.clients.greta }
		});

		await eventually(() => notices.length > 0, 5000, 'notice');
		expect(notices[0]).toMatchObject({
			room: world.room,
			kind: 'decision-changed',
			clientId: world.clients.greta,
			message:
				'Beslutet för Greta Nyström har ändrats: 30 min i veckan. Ett planerat besök ryms inte längre – se över det.',
			visitIds: [big]
		});
		// Nothing was undone: the team fixes it.
		expect(readVisit(tablet.doc, big)?.minutes).toBe(60);
		// Only the version in force counts from now on.
		const [greta] = (await teamClients(db, world.teams.bjorken)).filter(
			(c) => c.id === world.clients.greta
		);
		expect(greta.decisions.map((d) => [d.id, d.frameMinutes])).toEqual([[next.id, 30]]);
	});
});
