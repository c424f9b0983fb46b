/**
 * Group commit for board writes (DESIGN.md §6): every accepted change is committed before it
 * is relayed, and the changes that arrive while one transaction is in flight share the next
 * one. Latency stays one commit when the server is quiet; throughput grows with load.
 *
 * A write is committed in two steps. Its Yjs updates and audit rows come first: they are what
 * a peer may see and what the log must show, so the relay waits for them. Its projection rows
 * (`planned_visit`, whose triggers keep the reports' summaries) follow in a projection commit
 * of their own that runs beside the next board commit and takes every visit changed meanwhile
 * once, with its last state. Whatever needs the projection — frame figures, a command's
 * answer, a board unloading — waits for `projected`; a board that loads puts right any row a
 * crash between the two steps left behind (`projection-repair.ts`).
 */
import type { BoardStore, BoardWrite, PlannedVisitRow } from './board-store';
import { Samples } from './samples';

/** The two steps of one write. */
export interface Written {
	/** The id of the write's last update (0 without one), once its updates are durable. */
	committed: Promise<number>;
	/** Once its projection rows are committed too (never before `committed`). */
	projected: Promise<void>;
}

interface Pending {
	/** The order writes were handed in: their projections are taken in this order. */
	seq: number;
	write: BoardWrite;
	resolve(id: number): void;
	reject(error: unknown): void;
	project: Waiter;
}

interface Waiter {
	room: string;
	resolve(): void;
	reject(error: unknown): void;
}

/**
 * What the next projection commit does to one visit's row, in this order: write it (its last
 * state), then remove it from these boards if it is still there (one statement per board).
 */
interface Projected {
	upsert: PlannedVisitRow | null;
	removals: string[];
}

export class BoardWriter {
	private queue: Pending[] = [];
	/** Commits in flight, and the boards they write: a board has at most one in flight. */
	private readonly lanes = new Set<Promise<void>>();
	private readonly busy = new Set<string>();
	/** Per visit, the projection still to commit; a later change of a visit replaces it. */
	private projections = new Map<string, Projected>();
	private waiters: Waiter[] = [];
	private projecting: Promise<void> | null = null;
	/** Writes committed (or failed) out of order, held until those before them are done. */
	private readonly done = new Map<number, { p: Pending; ok: boolean }>();
	private nextSeq = 0;
	private nextToProject = 0;
	/** Commits so far and writes per commit, for the benchmark and tests. */
	readonly stats = {
		commits: 0,
		writes: 0,
		commitMs: new Samples(),
		projectionCommits: 0,
		projectionMs: new Samples()
	};

	constructor(
		private readonly store: BoardStore,
		/**
		 * Most writes, and bytes of updates, in one commit. Bounding the bytes keeps one board
		 * that sends large changes from making a commit that every other board waits for.
		 */
		private readonly opts: {
			maxBatch?: number;
			maxBatchBytes?: number;
			/**
			 * Commits in flight at once (1). With more, a change need not wait for the commit in
			 * flight when it arrives — unless that commit holds its board's last change: a board's
			 * changes commit one after the other, so the log never holds one without those before.
			 */
			lanes?: number;
		} = {}
	) {}

	write(write: BoardWrite): Written {
		let project!: Waiter;
		const projected = new Promise<void>((resolve, reject) => {
			project = { room: write.room, resolve, reject };
		});
		// Nobody may wait for it (a failed commit already fails the room): not unhandled.
		projected.catch(() => {});
		const committed = new Promise<number>((resolve, reject) => {
			this.queue.push({ seq: this.nextSeq++, write, resolve, reject, project });
			this.startLanes();
		});
		return { committed, projected };
	}

	/** Resolves when everything written so far is committed, projections included (or failed). */
	async flush(): Promise<void> {
		while (this.lanes.size > 0 || this.projecting) {
			await Promise.all(this.lanes);
			await this.projecting;
		}
	}

	private startLanes(): void {
		const lanes = Math.max(1, this.opts.lanes ?? 1);
		while (this.lanes.size < lanes && this.lanes.size < this.queue.length) {
			const lane = this.lane();
			this.lanes.add(lane);
			void lane.finally(() => this.lanes.delete(lane));
		}
	}

	/**
	 * The queued writes the next commit takes, in order: at least one, none of a board whose
	 * commit is in flight (nor any after such a write of the same board).
	 */
	private take(): Pending[] {
		const maxBatch = this.opts.maxBatch ?? 500;
		const maxBytes = this.opts.maxBatchBytes ?? 512 * 1024;
		let bytes = 0;
		const batch: Pending[] = [];
		const held = new Set<string>();
		const rest: Pending[] = [];
		for (const p of this.queue) {
			const room = p.write.room;
			const size = p.write.updates.reduce((sum, u) => sum + u.byteLength, 0);
			const full = batch.length >= maxBatch || (batch.length > 0 && bytes + size > maxBytes);
			if (full || this.busy.has(room) || held.has(room)) {
				held.add(room);
				rest.push(p);
			} else {
				bytes += size;
				batch.push(p);
			}
		}
		this.queue = rest;
		return batch;
	}

	private async lane(): Promise<void> {
		// Let the writes of the current tick join the first batch.
		await new Promise((resolve) => setImmediate(resolve));
		for (let batch = this.take(); batch.length > 0; batch = this.take()) {
			const rooms = new Set(batch.map((p) => p.write.room));
			for (const room of rooms) this.busy.add(room);
			try {
				const started = performance.now();
				const ids = await this.store.append(batch.map((p) => durablePart(p.write)));
				this.stats.commitMs.add(performance.now() - started);
				this.stats.commits++;
				this.stats.writes += batch.length;
				batch.forEach((p, i) => this.committed(p, ids[i]));
			} catch {
				// One bad write must not take the others down: retry them one by one.
				for (const p of batch) {
					try {
						const [id] = await this.store.append([durablePart(p.write)]);
						this.committed(p, id);
					} catch (single) {
						p.reject(single);
						p.project.reject(single);
						this.finished(p, false);
					}
				}
			} finally {
				for (const room of rooms) this.busy.delete(room);
			}
		}
	}

	private committed(p: Pending, id: number): void {
		p.resolve(id);
		this.finished(p, true);
	}

	/**
	 * Hands the projection rows of every write done so far, in the order the writes came, to
	 * the next projection commit. With several lanes a later write can commit first (another
	 * board's); its rows wait for the writes before it, so a visit that moved between boards
	 * always ends with the row of its last change.
	 */
	private finished(p: Pending, ok: boolean): void {
		this.done.set(p.seq, { p, ok });
		let next;
		while ((next = this.done.get(this.nextToProject))) {
			this.done.delete(this.nextToProject++);
			if (next.ok) this.project(next.p);
		}
	}

	/** The write's updates are durable: its projection rows join the next projection commit. */
	private project(p: Pending): void {
		const { room, upserts, removals } = p.write;
		for (const row of upserts) this.projections.set(row.id, { upsert: row, removals: [] });
		for (const id of removals) {
			const pending = this.projections.get(id);
			if (!pending) this.projections.set(id, { upsert: null, removals: [room] });
			// Removing a row from a board it is not on changes nothing: a visit that moved to
			// another board meanwhile keeps that board's row.
			else if (pending.upsert && pending.upsert.room !== room) continue;
			else if (!pending.removals.includes(room)) pending.removals.push(room);
		}
		this.waiters.push(p.project);
		this.projecting ??= this.drainProjections();
	}

	private async drainProjections(): Promise<void> {
		// Never finish synchronously: `projecting` is assigned after this returns.
		await Promise.resolve();
		while (this.waiters.length > 0) {
			const waiters = this.waiters;
			const rounds = projectionRounds(this.projections);
			this.waiters = [];
			this.projections = new Map();
			const failed = new Map<string, unknown>();
			for (const writes of rounds) {
				const started = performance.now();
				try {
					await this.store.append(writes.filter((w) => !failed.has(w.room)));
					this.stats.projectionMs.add(performance.now() - started);
					this.stats.projectionCommits++;
				} catch {
					// As for the updates: one board's failure must not fail the others.
					for (const write of writes) {
						if (failed.has(write.room)) continue;
						try {
							await this.store.append([write]);
						} catch (error) {
							failed.set(write.room, error);
						}
					}
				}
			}
			for (const w of waiters) {
				if (failed.has(w.room)) w.reject(failed.get(w.room));
				else w.resolve();
			}
		}
		this.projecting = null;
	}
}

/** What the first step commits: the updates and the audit rows. */
function durablePart(write: BoardWrite): BoardWrite {
	return { ...write, upserts: [], removals: [] };
}

/**
 * The pending projections as commits of one write per board, each touching a visit at most
 * once: nearly always a single commit; a second one only for a visit written and removed, or
 * removed from two boards, since the last.
 */
function projectionRounds(projections: Map<string, Projected>): BoardWrite[][] {
	const rounds: Map<string, BoardWrite>[] = [];
	const writeOf = (round: number, room: string) => {
		const byRoom = (rounds[round] ??= new Map());
		let write = byRoom.get(room);
		if (!write) {
			write = { room, updates: [], upserts: [], removals: [], audit: [] };
			byRoom.set(room, write);
		}
		return write;
	};
	for (const [id, { upsert, removals }] of projections) {
		let round = 0;
		if (upsert) writeOf(round++, upsert.room).upserts.push(upsert);
		for (const room of removals) writeOf(round++, room).removals.push(id);
	}
	return rounds.map((byRoom) => [...byRoom.values()]);
}
