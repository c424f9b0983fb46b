/**
 * Start-up of the database: migrations always, the demo organisation only when asked for and
 * only into a database that holds no organisation yet (DESIGN.md §5). Safe to run on every
 * start, by several processes at once (on PostgreSQL they migrate one after the other).
 */
import type { IsoDate } from '../../domain/types';
import type { Db, DatabaseHandle } from './client';
import { DatabaseNotEmptyError, seedDemo } from './seed-demo';
import { seedDemoBoards } from './seed-demo-boards';
import * as schema from './schema';

/** True when no organisation exists, i.e. nothing a seed could collide with. */
export async function isEmptyDatabase(db: Db): Promise<boolean> {
	const rows = await db.select({ id: schema.organisation.id }).from(schema.organisation).limit(1);
	return rows.length === 0;
}

export interface MigrateAndSeedResult {
	/** True when this call seeded the demo organisation. */
	seeded: boolean;
}

/**
 * Runs pending migrations and, with `demo`, seeds the demo organisation relative to `today`
 * (default: today in Sweden) when the database is empty. A database that already holds an
 * organisation, demo or real, is never touched by the seed.
 */
export async function migrateAndSeed(
	handle: DatabaseHandle,
	options: { demo: boolean; today?: IsoDate }
): Promise<MigrateAndSeedResult> {
	await handle.migrate();
	if (!options.demo || !(await isEmptyDatabase(handle.db))) return { seeded: false };
	try {
		const demo = await seedDemo(handle.db, { today: options.today });
		await seedDemoBoards(handle.db, { today: demo.today });
		return { seeded: true };
	} catch (error) {
		// Another process seeded between our check and our transaction.
		if (error instanceof DatabaseNotEmptyError) return { seeded: false };
		throw error;
	}
}
