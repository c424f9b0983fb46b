/**
 * The store's part of the floor a change cannot get under: one update appended and committed
 * (fsync included) at a time, as a quiet board's change is, through the board store itself.
 *
 * Measured twice: alone, with nothing else running (`commitFloor`), and in a process of its own
 * while the plain relay carries the devices' workload (`forkCommitFloor`): a durable relay on
 * this machine would commit while its devices use the same cores, so its commits cannot be
 * faster than those. Paced at one commit every `PACE_MS`, about the rate of the server's group
 * commits under this workload, so the measurement does not load the database more than the
 * server would.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { openDatabase } from '../src/lib/server/db/client';
import { PostgresBoardStore } from '../src/lib/server/realtime/board-store.postgres';

export interface Latency {
	count: number;
	p50: number;
	p99: number;
}

const PACE_MS = 5;

export function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Commits, `pace` ms apart, until `more()` says stop; `measured(i)` says which count. */
async function commits(
	url: string,
	room: string,
	opts: { pace: number; more: (measured: number) => boolean; measured: (i: number) => boolean }
): Promise<Latency> {
	const handle = await openDatabase({ url });
	try {
		const store = new PostgresBoardStore(handle.db);
		const samples: number[] = [];
		for (let i = 0; opts.more(samples.length); i++) {
			const update = randomBytes(120);
			const started = performance.now();
			await store.append([{ room, updates: [update], upserts: [], removals: [], audit: [] }]);
			if (opts.measured(i)) samples.push(performance.now() - started);
			if (opts.pace > 0) await new Promise((resolve) => setTimeout(resolve, opts.pace));
		}
		return { count: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99) };
	} finally {
		await handle.close();
	}
}

/** `count` commits one after the other, with nothing else running. */
export function commitFloor(url: string, room: string, count = 300): Promise<Latency> {
	return commits(url, room, { pace: 0, more: (done) => done < count, measured: (i) => i >= 20 });
}

/**
 * Starts committing in a process of its own; `stop()` ends it and resolves with the commits
 * measured after `warmupMs`.
 */
export function forkCommitFloor(
	url: string,
	room: string,
	warmupMs: number
): { stop(): Promise<Latency> } {
	const child = fork(new URL(import.meta.url), [], {
		execArgv: ['--import', 'tsx'],
		env: { ...process.env, FLOOR_URL: url, FLOOR_ROOM: room, FLOOR_WARMUP_MS: String(warmupMs) }
	});
	const result = new Promise<Latency>((resolve, reject) => {
		child.once('message', (latency: Latency) => resolve(latency));
		child.once('exit', (code) => reject(new Error(`the commit floor process exited (${code})`)));
	});
	return {
		async stop() {
			child.send('stop');
			return result;
		}
	};
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.send) {
	let stopped = false;
	process.once('message', () => (stopped = true));
	const warmupUntil = performance.now() + Number(process.env.FLOOR_WARMUP_MS ?? 0);
	const latency = await commits(process.env.FLOOR_URL ?? '', process.env.FLOOR_ROOM ?? '', {
		pace: PACE_MS,
		more: () => !stopped,
		measured: () => performance.now() >= warmupUntil
	}).catch((error: unknown) => {
		console.error(error);
		process.exit(1);
	});
	process.send(latency, () => process.exit(0));
}
