/**
 * The board page for a week far from today (issue: boards opened by the hundred): near today a
 * board is created by opening it, as when the team pages to next week and the base plan fills
 * it; further away the page says the week has no board yet, and a person of the team creates
 * it with one button. Only then does the board's socket open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { NEW_BOARD_WEEKS, boardRoom } from '../../src/lib/board';
import { addDays, isoWeekKey, todayIn } from '../../src/lib/domain/periods';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { createSessionStore } from '../../src/lib/server/auth/session';
import { auditLog } from '../../src/lib/server/db/schema';
import { PostgresBoardStore } from '../../src/lib/server/realtime/board-store.postgres';
import { actions, load } from '../../src/routes/teams/[teamId]/board/+page.server';
import { seedWorld, type World } from '../fixtures/realtime';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';

let database: TestDatabase;
let world: World;
const users: Record<string, SessionUser> = {};

beforeAll(async () => {
	database = await createTestDatabase();
	world = await seedWorld(database.db);
	const sessions = createSessionStore(database.db);
	// The page finds the database through the process's app container.
	(globalThis as Record<symbol, unknown>)[Symbol.for('ramtavlan.app')] = Promise.resolve({
		db: database.db,
		sessions
	});
	for (const name of ['anna', 'erik'] as const) {
		const { token } = await sessions.create(world.staff[name]);
		users[name] = (await sessions.validate(token))!.user;
	}
});

afterAll(async () => {
	await database?.close();
});

/** A request to the board page of `teamId` on `date` as `user` (a POST for an action). */
function event(user: SessionUser, teamId: string, date: string, action?: string) {
	const url = new URL(
		`http://localhost/teams/${teamId}/board?${action ? `/${action}&` : ''}date=${date}`
	);
	return {
		locals: { user, session: null },
		params: { teamId },
		url,
		request: new Request(url, {
			method: action ? 'POST' : 'GET',
			body: action ? new FormData() : undefined,
			headers: { 'user-agent': 'test' }
		})
	} as never;
}

const weeksAhead = (n: number) => addDays(todayIn(), 7 * n);

describe('a week far from today', () => {
	it('opens weeks near today as boards, as when the team pages to the next weeks', async () => {
		for (const n of [-NEW_BOARD_WEEKS.past, 0, 1, NEW_BOARD_WEEKS.future]) {
			const data = (await load(event(users.anna, world.teams.bjorken, weeksAhead(n)))) as {
				missing: boolean;
			};
			expect(data.missing).toBe(false);
		}
	});

	it('shows that a far week has no board, until a person creates it', async () => {
		const date = weeksAhead(NEW_BOARD_WEEKS.future + 10);
		const room = boardRoom(world.teams.bjorken, isoWeekKey(date));
		const store = new PostgresBoardStore(database.db);
		expect(await load(event(users.anna, world.teams.bjorken, date))).toMatchObject({
			missing: true,
			week: isoWeekKey(date)
		});
		expect(await store.exists(room)).toBe(false);

		await expect(
			actions.createBoard(event(users.anna, world.teams.bjorken, date, 'createBoard'))
		).rejects.toMatchObject({
			status: 303,
			location: `/teams/${world.teams.bjorken}/board?date=${date}`
		});
		expect(await store.exists(room)).toBe(true);
		expect(await load(event(users.anna, world.teams.bjorken, date))).toMatchObject({
			missing: false,
			week: isoWeekKey(date)
		});
		const rows = await database.db
			.select()
			.from(auditLog)
			.where(eq(auditLog.staffId, world.staff.anna));
		expect(rows.some((r) => (r.detail as { created?: boolean }).created === true)).toBe(true);
	});

	it("does not let anyone create another team's board", async () => {
		const date = weeksAhead(NEW_BOARD_WEEKS.future + 11);
		await expect(
			actions.createBoard(event(users.erik, world.teams.bjorken, date, 'createBoard'))
		).rejects.toMatchObject({ status: 403 });
		expect(
			await new PostgresBoardStore(database.db).exists(
				boardRoom(world.teams.bjorken, isoWeekKey(date))
			)
		).toBe(false);
	});
});
