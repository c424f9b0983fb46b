/**
 * Rows of raw statements on either driver: PGlite here, PostgreSQL through postgres.js when
 * TEST_DATABASE_URL names a server (`npm run test:postgres`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../../../tests/fixtures/test-db';
import type { Db } from './client';
import { rowsOf, valuesOf } from './rows';

let handle: TestDatabase;
let db: Db;

beforeAll(async () => {
	handle = await createTestDatabase();
	db = handle.db;
});
afterAll(() => handle.close());

describe('valuesOf', () => {
	it('answers each row as an array of its columns in select order, parsed as execute parses them', async () => {
		const statement = sql`select g as n, 'nr ' || g as label, nullif(g % 2, 1) as even,
				('2026-10-0' || g)::date::text as day
			from generate_series(1, 3) g
			order by g`;

		const values = await valuesOf(db, statement);

		expect(values).toEqual([
			[1, 'nr 1', null, '2026-10-01'],
			[2, 'nr 2', 0, '2026-10-02'],
			[3, 'nr 3', null, '2026-10-03']
		]);
		const objects = rowsOf<Record<string, unknown>>(await db.execute(statement));
		expect(values).toEqual(objects.map((row) => Object.values(row)));
	});

	it('keeps columns of the same name apart, takes parameters and answers no rows as []', async () => {
		expect(
			await valuesOf(db, sql`select 1 as n, ${'två'}::text as n, ${41}::int + 1 as n`)
		).toEqual([[1, 'två', 42]]);
		expect(await valuesOf(db, sql`select 1 where false`)).toEqual([]);
	});

	it('runs inside a transaction, seeing what it wrote', async () => {
		const seen = await db.transaction(async (tx) => {
			await tx.execute(sql`create temporary table probe (n int) on commit drop`);
			await tx.execute(sql`insert into probe values (7), (8)`);
			return valuesOf(tx, sql`select n from probe order by n`);
		});

		expect(seen).toEqual([[7], [8]]);
	});
});
