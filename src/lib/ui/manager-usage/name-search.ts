/**
 * The overview's name search, done in the browser on the rows already loaded: what a manager
 * types to find a client never travels in an address (docs/security.md, "Logs and
 * addresses"). Case and surrounding spaces do not matter.
 */
export function matchingName<T extends { name: string }>(rows: readonly T[], typed: string): T[] {
	const needle = typed.trim().toLocaleLowerCase('sv');
	if (!needle) return [...rows];
	return rows.filter((row) => row.name.toLocaleLowerCase('sv').includes(needle));
}
