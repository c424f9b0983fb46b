/** postgres.js answers raw statements with an array of rows, PGlite with `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
	if (Array.isArray(result)) return result as T[];
	return (result as { rows: T[] }).rows;
}
