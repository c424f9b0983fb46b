/**
 * Which process is the authority for a team's boards when several processes share one
 * PostgreSQL. A team's boards are judged together — a frame check reads the team's other
 * open weeks from memory — so authority is taken per team, never per week: a PostgreSQL
 * advisory lock `(NAMESPACE, teamKey(teamId))` held on a connection of its own. The lock lives
 * exactly as long as that database session, so a process that dies (or loses its connection)
 * gives its teams up at once, and the next process that is asked for one of them takes it and
 * loads the boards from the log.
 *
 * Other processes find the owner through `pg_locks`: the lock connection carries the process's
 * internal address as its `application_name`. Writes are fenced (see `BoardFence`): a board
 * update commits only while its team's lock is still held by the writer's lock session.
 */

/** A team's boards are served by another process, at `owner` (null: nobody found yet). */
export class NotOwnerError extends Error {
	constructor(
		readonly teamId: string,
		readonly owner: string | null
	) {
		super(owner ? `team ${teamId} is served by ${owner}` : `team ${teamId} has no owner yet`);
	}
}

/** What the board store needs to refuse writes after the authority was lost. */
export interface BoardFence {
	/** Backend pid of the lock session, or null while it is not connected. */
	lockPid(): number | null;
}

export interface Ownership {
	/** True when only this process serves boards (PGlite, or one process on PostgreSQL). */
	readonly sole: boolean;
	/**
	 * Makes this process the authority for `teamId`, or throws NotOwnerError naming the
	 * process that is. Cheap for a team already held.
	 */
	claim(teamId: string): Promise<void>;
	/** Gives the team up (its last board here closed). */
	release(teamId: string): Promise<void>;
	/** Called when every team was lost at once (the lock connection went away). */
	onLost(listener: () => void): void;
	readonly fence: BoardFence | null;
	close(): Promise<void>;
}

/** One process serves every board: nothing to claim. */
export const soleOwnership: Ownership = {
	sole: true,
	claim: async () => {},
	release: async () => {},
	onLost: () => {},
	fence: null,
	close: async () => {}
};
