import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../tests/fixtures/test-db';
import { isEmptyDatabase, migrateAndSeed } from './migrate';
import * as schema from './schema';
import { DatabaseNotEmptyError, seedDemo } from './seed-demo';

const TODAY = '2026-11-23';

let handle: TestDatabase | undefined;
afterEach(async () => {
	await handle?.close();
	handle = undefined;
});

async function fresh() {
	handle = await createTestDatabase();
	return handle;
}

/** Row counts of the tables the demo fills. */
async function counts(h: TestDatabase) {
	const count = async (table: PgTable) =>
		(await h.db.select({ n: sql<number>`count(*)::int` }).from(table))[0].n;
	return {
		organisation: await count(schema.organisation),
		staff: await count(schema.staff),
		client: await count(schema.client),
		decision: await count(schema.decision),
		timeEntry: await count(schema.timeEntry)
	};
}

describe('migrations', () => {
	it('create every table of the schema in an empty database', async () => {
		const h = await fresh();
		const expected = (Object.values(schema) as unknown[])
			.filter((value): value is PgTable => value instanceof PgTable)
			.map((table) => getTableConfig(table).name)
			.sort();

		const rows = await h.db
			.select({ name: sql<string>`table_name` })
			.from(sql`information_schema.tables`)
			.where(sql`table_schema = 'public' and table_type = 'BASE TABLE'`);

		expect(rows.map((r) => r.name).sort()).toEqual(expected);
		expect(expected).toContain('time_entry');
		expect(await isEmptyDatabase(h.db)).toBe(true);
	});

	it('can run again on every start without changing anything', async () => {
		const h = await fresh();
		await h.migrate();
		await h.migrate();

		const applied = await h.db
			.select({ n: sql<number>`count(*)::int` })
			.from(sql`drizzle.__drizzle_migrations`);
		expect(applied[0].n).toBeGreaterThan(0);
		expect(await isEmptyDatabase(h.db)).toBe(true);
	});
});

describe('migrateAndSeed', () => {
	it('seeds nothing when the demo is not asked for', async () => {
		const h = await fresh();

		expect(await migrateAndSeed(h, { demo: false, today: TODAY })).toEqual({ seeded: false });
		expect(await isEmptyDatabase(h.db)).toBe(true);
	});

	it('seeds the demo into an empty database once; a second start changes nothing', async () => {
		const h = await fresh();

		expect(await migrateAndSeed(h, { demo: true, today: TODAY })).toEqual({ seeded: true });
		const first = await counts(h);
		expect(await migrateAndSeed(h, { demo: true, today: '2026-12-01' })).toEqual({
			seeded: false
		});

		expect(first.organisation).toBe(1);
		expect(first.client).toBeGreaterThan(30);
		expect(await counts(h)).toEqual(first);
	});

	it('never seeds the demo into a database that holds a real organisation', async () => {
		const h = await fresh();
		await h.db.insert(schema.organisation).values({ name: 'Riktiga kommunen' });

		expect(await migrateAndSeed(h, { demo: true, today: TODAY })).toEqual({ seeded: false });
		await expect(seedDemo(h.db, { today: TODAY })).rejects.toBeInstanceOf(DatabaseNotEmptyError);
		const orgs = await h.db.select().from(schema.organisation);
		expect(orgs.map((o) => o.name)).toEqual(['Riktiga kommunen']);
		expect((await counts(h)).staff).toBe(0);
	});

	it('seeds once when two starts race on the same empty database', async () => {
		const h = await fresh();

		const results = await Promise.all([
			migrateAndSeed(h, { demo: true, today: TODAY }),
			migrateAndSeed(h, { demo: true, today: TODAY })
		]);

		expect(results.filter((r) => r.seeded)).toHaveLength(1);
		expect((await counts(h)).organisation).toBe(1);
	});
});
