/**
 * Decisions are versioned, never changed in place (a change or an early end is a new row that
 * names the one it replaces). Everything that judges or reports reads only the versions in
 * force: those no other row replaces.
 */
import { sql, type SQL } from 'drizzle-orm';
import { decision } from '../db/schema';

/** Drizzle condition: `decision` is the version in force (no row replaces it). */
export const decisionInForce: SQL = sql`not exists (
	select 1 from ${decision} as later where later.replaces_id = ${decision.id}
)`;

/** The same condition for raw SQL over an aliased decision table, e.g. `d`. */
export function decisionInForceAs(alias: string): SQL {
	return sql`not exists (
		select 1 from decision later where later.replaces_id = ${sql.raw(alias)}.id
	)`;
}
