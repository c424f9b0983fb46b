/**
 * A process-wide signal that data the board rules read has changed outside the board:
 * a decision, a competence, an absence or recorded time saved through a page or the API.
 * Open boards then judge their next change on fresh data instead of waiting for their
 * periodic refresh. Kept on globalThis because the SvelteKit bundle and server.ts each
 * carry their own copy of this module.
 */
/** What changed, so the open boards can tell the team. */
export type BoardDataChange =
	| { kind: 'decision-changed'; clientId: string }
	| { kind: 'staff-changed'; staffId: string }
	| { kind: 'base-plan-filled'; week: string; created: number; unassigned: number };

export interface BoardDataScope {
	teamId?: string;
	/** Shown as a notice on the team's open boards (with `teamId`). */
	change?: BoardDataChange;
}

type Listener = (scope: BoardDataScope) => void;

const KEY = Symbol.for('ramtavlan.realtime.invalidate');

function listeners(): Set<Listener> {
	const holder = globalThis as { [KEY]?: Set<Listener> };
	return (holder[KEY] ??= new Set());
}

/**
 * Tells open boards (of `teamId`, or all) that their rule data changed; with `change`, the
 * team's open boards re-judge their planned visits and show a notice saying what changed.
 */
export function notifyBoardDataChanged(scope: BoardDataScope = {}): void {
	for (const listener of listeners()) listener(scope);
}

export function onBoardDataChanged(listener: Listener): () => void {
	listeners().add(listener);
	return () => listeners().delete(listener);
}
