import type { SQL } from 'drizzle-orm';
import type { Db } from './client';

/** postgres.js answers raw statements with an array of rows, PGlite with `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
	if (Array.isArray(result)) return result as T[];
	return (result as { rows: T[] }).rows;
}

/**
 * The rows of a raw statement as arrays of column values in the order of its select list, on
 * either driver (postgres.js `.values()`, PGlite `rowMode: 'array'`): for statements of many
 * rows read by position, where an object per row is work nobody needs. Values are parsed as
 * `db.execute` parses them on the same driver; the drivers differ on dates and timestamps (text
 * on PGlite, `Date` on postgres.js), so cast those to text.
 */
export function valuesOf(db: Db, query: SQL): Promise<unknown[][]> {
	// `execute` only builds the statement until awaited; the session runs it in array mode.
	const built = db.execute(query).getQuery();
	return db._.session
		.prepareQuery<{ execute: unknown[][]; all: unknown; values: unknown }>(
			built,
			undefined,
			undefined,
			true,
			(rows) => rows
		)
		.execute();
}
