/**
 * Group commit for board writes (DESIGN.md §6): every accepted change is committed before it
 * is relayed, and the changes that arrive while one transaction is in flight share the next
 * one. Latency stays one commit when the server is quiet; throughput grows with load.
 */
import type { BoardStore, BoardWrite } from './board-store';
import { Samples } from './samples';

interface Pending {
	write: BoardWrite;
	resolve(id: number): void;
	reject(error: unknown): void;
}

export class BoardWriter {
	private queue: Pending[] = [];
	private running: Promise<void> | null = null;
	/** Commits so far and writes per commit, for the benchmark and tests. */
	readonly stats = { commits: 0, writes: 0, commitMs: new Samples() };

	constructor(
		private readonly store: BoardStore,
		/**
		 * Most writes, and bytes of updates, in one commit. Bounding the bytes keeps one board
		 * that sends large changes from making a commit that every other board waits for.
		 */
		private readonly opts: { maxBatch?: number; maxBatchBytes?: number } = {}
	) {}

	/** Resolves with the id of the write's last update once it is committed. */
	write(write: BoardWrite): Promise<number> {
		return new Promise((resolve, reject) => {
			this.queue.push({ write, resolve, reject });
			this.running ??= this.drain();
		});
	}

	/** Resolves when everything written so far is committed (or failed). */
	async flush(): Promise<void> {
		while (this.running) await this.running;
	}

	/** How many queued writes the next commit takes: at least one. */
	private batchLength(): number {
		const maxBatch = this.opts.maxBatch ?? 500;
		const maxBytes = this.opts.maxBatchBytes ?? 512 * 1024;
		let bytes = 0;
		let n = 0;
		while (n < this.queue.length && n < maxBatch) {
			for (const update of this.queue[n].write.updates) bytes += update.byteLength;
			if (n > 0 && bytes > maxBytes) break;
			n++;
		}
		return n;
	}

	private async drain(): Promise<void> {
		// Let the writes of the current tick join the first batch.
		await new Promise((resolve) => setImmediate(resolve));
		while (this.queue.length > 0) {
			const batch = this.queue.splice(0, this.batchLength());
			try {
				const started = performance.now();
				const ids = await this.store.append(batch.map((p) => p.write));
				this.stats.commitMs.add(performance.now() - started);
				this.stats.commits++;
				this.stats.writes += batch.length;
				batch.forEach((p, i) => p.resolve(ids[i]));
			} catch {
				// One bad write must not take the others down: retry them one by one.
				for (const p of batch) {
					try {
						const [id] = await this.store.append([p.write]);
						p.resolve(id);
					} catch (single) {
						p.reject(single);
					}
				}
			}
		}
		this.running = null;
	}
}
