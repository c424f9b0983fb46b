/**
 * Team authority between processes (src/lib/server/cluster/ownership.postgres.ts): one holder
 * per team at a time, found by the others; given up when its lock session ends; and a holder
 * that lost its session can no longer write a board (the fence in board-store.postgres.ts).
 * Two ownerships here stand for two processes on one PostgreSQL; runs in the PostgreSQL pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { eq } from 'drizzle-orm';
import { boardUpdate } from '../../src/lib/server/db/schema';
import { rowsOf } from '../../src/lib/server/db/rows';
import { NotOwnerError } from '../../src/lib/server/cluster/ownership';
import {
	LOCK_APPLICATION,
	PostgresOwnership
} from '../../src/lib/server/cluster/ownership.postgres';
import {
	AuthorityLostError,
	PostgresBoardStore
} from '../../src/lib/server/realtime/board-store.postgres';
import type { BoardWrite } from '../../src/lib/server/realtime/board-store';
import postgres from 'postgres';
import { openDatabase } from '../../src/lib/server/db/client';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';
import { QUIET } from '../fixtures/realtime';

const TEAM_A = '0f6b1c9e-0000-4000-8000-00000000000a';
const TEAM_B = '0f6b1c9e-0000-4000-8000-00000000000b';
const roomOf = (team: string) => `board:${team}:2026-W50`;

const write = (team: string, byte: number): BoardWrite => ({
	room: roomOf(team),
	updates: [new Uint8Array([byte])],
	upserts: [],
	removals: [],
	audit: []
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let database: TestDatabase;
const ownerships: PostgresOwnership[] = [];

function processAt(address: string): PostgresOwnership {
	const ownership = new PostgresOwnership({
		url: database.url!,
		address,
		db: database.db,
		log: QUIET,
		checkEveryMs: 100,
		lookupMs: 500
	});
	ownerships.push(ownership);
	return ownership;
}

async function updatesOf(team: string): Promise<number> {
	return (
		await database.db
			.select()
			.from(boardUpdate)
			.where(eq(boardUpdate.room, roomOf(team)))
	).length;
}

/** Ends the lock session of the process at `address`, as a lost connection would. */
async function cutLockSession(address: string): Promise<void> {
	const result = await database.db.execute(
		sql`select pg_terminate_backend(pid) as done from pg_stat_activity
			where application_name = ${LOCK_APPLICATION + address}`
	);
	expect(rowsOf<{ done: boolean }>(result).map((r) => r.done)).toEqual([true]);
}

beforeAll(async () => {
	database = await createTestDatabase();
});

afterAll(async () => {
	await Promise.all(ownerships.map((o) => o.close().catch(() => {})));
	await database?.close();
});

describe('team authority on PostgreSQL', () => {
	it('has one holder per team; the others are told who it is until it gives the team up', async () => {
		const one = processAt('http://10.0.0.1:3000');
		const two = processAt('http://10.0.0.2:3000');
		await one.claim(TEAM_A);
		await one.claim(TEAM_A);
		const refused = await two.claim(TEAM_A).catch((error: unknown) => error);
		expect(refused).toBeInstanceOf(NotOwnerError);
		expect((refused as NotOwnerError).owner).toBe('http://10.0.0.1:3000');
		// Another team is free for the second process.
		await two.claim(TEAM_B);
		expect(await one.ownerOf(TEAM_B)).toBe('http://10.0.0.2:3000');

		await one.release(TEAM_A);
		await two.claim(TEAM_A);
		expect(await one.ownerOf(TEAM_A)).toBe('http://10.0.0.2:3000');
		await two.release(TEAM_A);
		await two.release(TEAM_B);
		expect(await one.ownerOf(TEAM_A)).toBeNull();
	});

	it('loses every team with its lock session, and then writes nothing more; the next holder writes', async () => {
		const one = processAt('http://10.0.1.1:3000');
		const two = processAt('http://10.0.1.2:3000');
		let lost = 0;
		one.onLost(() => lost++);
		const store = new PostgresBoardStore(database.db, one.fence);
		await one.claim(TEAM_A);
		await one.claim(TEAM_B);
		// A batch of both teams commits while both locks are held.
		const before = await updatesOf(TEAM_A);
		const ids = await store.append([write(TEAM_A, 1), write(TEAM_B, 2)]);
		expect(ids.every((id) => id > 0)).toBe(true);
		expect(await updatesOf(TEAM_A)).toBe(before + 1);

		// The second process waits while the first holds the team.
		await expect(two.claim(TEAM_A)).rejects.toBeInstanceOf(NotOwnerError);
		const stalePid = one.fence.lockPid();
		await cutLockSession('http://10.0.1.1:3000');
		for (let i = 0; i < 50 && lost === 0; i++) await sleep(50);
		expect(lost).toBe(1);
		await two.claim(TEAM_A);

		// Even a write that still names the old session is refused as a whole.
		const stale = new PostgresBoardStore(database.db, { lockPid: () => stalePid });
		await expect(stale.append([write(TEAM_A, 3)])).rejects.toBeInstanceOf(AuthorityLostError);
		await expect(store.append([write(TEAM_A, 4)])).rejects.toBeInstanceOf(AuthorityLostError);
		expect(await updatesOf(TEAM_A)).toBe(before + 1);

		const next = new PostgresBoardStore(database.db, two.fence);
		await next.append([write(TEAM_A, 5)]);
		expect(await updatesOf(TEAM_A)).toBe(before + 2);
		await two.release(TEAM_A);
	});

	it('refuses a batch when one of its teams is not held, and writes none of it', async () => {
		const one = processAt('http://10.0.2.1:3000');
		const store = new PostgresBoardStore(database.db, one.fence);
		await one.claim(TEAM_A);
		const a = await updatesOf(TEAM_A);
		const b = await updatesOf(TEAM_B);
		await expect(store.append([write(TEAM_A, 6), write(TEAM_B, 7)])).rejects.toBeInstanceOf(
			AuthorityLostError
		);
		expect([await updatesOf(TEAM_A), await updatesOf(TEAM_B)]).toEqual([a, b]);
		await one.release(TEAM_A);
	});
});

describe('processes starting together', () => {
	it('migrate an empty database one after the other, and every one of them starts', async () => {
		const server = new URL(process.env.TEST_DATABASE_URL!);
		const name = `ramtavlan_start_${Date.now().toString(36)}`;
		const admin = postgres(server.toString(), { max: 1, onnotice: () => {} });
		await admin.unsafe(`create database "${name}"`);
		const url = new URL(server);
		url.pathname = `/${name}`;
		const handles = await Promise.all([1, 2, 3].map(() => openDatabase({ url: url.toString() })));
		try {
			await Promise.all(handles.map((h) => h.migrate()));
			const result = await handles[0].db.execute(
				sql`select count(*)::int as n from drizzle.__drizzle_migrations`
			);
			expect(rowsOf<{ n: number }>(result)[0].n).toBeGreaterThan(5);
		} finally {
			await Promise.all(handles.map((h) => h.close()));
			await admin.unsafe(`drop database if exists "${name}" with (force)`);
			await admin.end();
		}
	});
});
