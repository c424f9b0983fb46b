/**
 * `npm run bench`: the performance budgets of DESIGN.md §8 for the realtime board, measured
 * on this machine in one run against a plain y-websocket relay as the baseline.
 *
 *   - propagation: a change reaching the other 5 devices of its board, 100 boards × 6
 *     devices, one change per device every 2 s (p50/p99, and the ratio to the baseline);
 *   - verdict: a refused change's compensation reaching its author (p50/p99);
 *   - throughput: validated board updates per second;
 *   - memory: server heap per open board and per connection;
 *   - on a PostgreSQL server only: the same workload on one process and on two processes of a
 *     cluster, against the floor of a relay plus one commit (bench/cluster.ts), and last the
 *     frame report over a unit of 5,000 clients (bench/frame-report.ts).
 *
 * Environment: BENCH_BOARDS (100), BENCH_SECONDS (10 per phase), BENCH_REPORT_RUNS (15 per
 * report), BENCH_DATABASE_URL (a PostgreSQL server where databases may be created; the
 * default is an embedded PGlite in a temporary directory).
 * Nothing is written to the repository.
 */
import postgres from 'postgres';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { boardRoom } from '../src/lib/board/schema';
import { createSessionStore } from '../src/lib/server/auth/session';
import { openDatabase } from '../src/lib/server/db/client';
import { attachRealtime } from '../src/lib/server/realtime';
import { startBaselineRelay } from './baseline-relay';
import type { BoardSpec, ClientCommand } from './clients';
import { forkClients, type Reply } from './clients-process';
import { benchCluster } from './cluster';
import { benchFrameReport } from './frame-report';
import { BENCH_MONDAY, BENCH_WEEK, seedBench } from './seed';

const BOARDS = Number(process.env.BENCH_BOARDS ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ORIGIN = 'http://localhost:3000';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heap = () => {
	gc();
	gc();
	return process.memoryUsage().heapUsed;
};
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;

type RunReply = Reply & {
	changes: number;
	propagation: { count: number; p50: number; p99: number };
	compensation: { count: number; p50: number; p99: number };
};

async function main() {
	const dataDir = mkdtempSync(join(tmpdir(), 'ramtavlan-bench-'));
	const serverUrl = process.env.BENCH_DATABASE_URL;
	let dropDatabase = async () => {};
	let databaseUrl: string | undefined;
	if (serverUrl) {
		// A database of its own on the given server, dropped at the end.
		const name = `ramtavlan_bench_${Date.now().toString(36)}`;
		const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
		await admin.unsafe(`create database "${name}"`);
		await admin.end();
		const target = new URL(serverUrl);
		target.pathname = `/${name}`;
		databaseUrl = target.toString();
		dropDatabase = async () => {
			const dropper = postgres(serverUrl, { max: 1, onnotice: () => {} });
			await dropper.unsafe(`drop database if exists "${name}" with (force)`);
			await dropper.end();
		};
	}
	const database = await openDatabase(
		databaseUrl ? { url: databaseUrl } : { dataDir: process.env.BENCH_DATA_DIR ?? dataDir }
	);
	const { child, ready, ask } = forkClients({ ...process.env, BENCH_ORIGIN: ORIGIN });
	try {
		await database.migrate();
		console.log(`Seeding ${BOARDS} teams (${database.kind}) …`);
		const teams = await seedBench(database.db, BOARDS);
		const sessions = createSessionStore(database.db);
		const boards: BoardSpec[] = [];
		for (const team of teams) {
			const cookies: string[] = [];
			for (const staffId of team.staff) {
				cookies.push(`session=${(await sessions.create(staffId)).token}`);
			}
			boards.push({ room: boardRoom(team.id, BENCH_WEEK), clients: team.clients, cookies });
		}
		await ready;

		// Ramtavlan: authenticated, judged, committed before relay.
		const server = createServer((_req, res) => res.writeHead(404).end());
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const address = server.address();
		const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
		const realtime = attachRealtime(server, {
			db: database.db,
			sessions,
			allowedOrigins: [ORIGIN],
			// The bench's week is "this week", whenever the bench runs.
			today: () => BENCH_MONDAY,
			log: { info() {}, warn: console.warn, error: console.error }
		});
		const heapStart = heap();
		await ask({ cmd: 'connect', url, boards, which: 'first' });
		const heapBoards = heap();
		await ask({ cmd: 'connect', url, boards, which: 'rest' });
		const heapConnections = heap();
		const perConnection = (heapConnections - heapBoards) / (BOARDS * 5);
		const perBoard = (heapBoards - heapStart - BOARDS * perConnection) / BOARDS;
		console.log(`Running ${BOARDS * 6} devices against Ramtavlan for ${SECONDS} s …`);
		const before = realtime.stats();
		const cpuBefore = process.cpuUsage();
		const wallBefore = performance.now();
		realtime.rooms.timings.judge.reset();
		realtime.rooms.timings.relay.reset();
		realtime.writer.stats.commitMs.reset();
		const ours = await ask<RunReply>({
			cmd: 'run',
			durationMs: SECONDS * 1000,
			warmupMs: 2000,
			invalidRate: 0.05
		});
		const after = realtime.stats();
		const cpu = process.cpuUsage(cpuBefore);
		const serverCpu = (cpu.user + cpu.system) / 1000 / (performance.now() - wallBefore);
		const timings = {
			judge: realtime.rooms.timings.judge,
			relay: realtime.rooms.timings.relay,
			commit: realtime.writer.stats.commitMs
		};
		const serverLine =
			`server side: judged p50 ${ms(timings.judge.percentile(50))} p99 ${ms(timings.judge.percentile(99))}, ` +
			`relayed p50 ${ms(timings.relay.percentile(50))} p99 ${ms(timings.relay.percentile(99))}, ` +
			`commit p50 ${ms(timings.commit.percentile(50))} p99 ${ms(timings.commit.percentile(99))}, ` +
			`server CPU ${(serverCpu * 100).toFixed(0)} % of a core`;
		await ask({ cmd: 'disconnect' });

		// Baseline: a plain relay, same devices and workload.
		const relay = await startBaselineRelay();
		await ask({ cmd: 'connect', url: relay.url, boards, which: 'first' });
		await ask({ cmd: 'connect', url: relay.url, boards, which: 'rest' });
		console.log(`Running ${BOARDS * 6} devices against the plain relay for ${SECONDS} s …`);
		const baseline = await ask<RunReply>({
			cmd: 'run',
			durationMs: SECONDS * 1000,
			warmupMs: 2000,
			invalidRate: 0.05
		});
		await ask({ cmd: 'disconnect' });
		await relay.close();

		// Throughput: raw sockets changing visits as fast as the rate limit allows.
		const blastSeconds = Math.max(3, Math.round(SECONDS / 2));
		console.log(`Sending changes as fast as allowed for ${blastSeconds} s …`);
		const startStats = realtime.stats();
		const started = performance.now();
		const blast = await ask<Reply & { sent: number }>({
			cmd: 'blast',
			url,
			boards,
			perSecond: 40,
			durationMs: blastSeconds * 1000
		});
		const elapsed = (performance.now() - started) / 1000;
		const endStats = realtime.stats();
		const validatedPerSecond = (endStats.updates - startStats.updates) / elapsed;

		const ratio = (a: number, b: number) => (a / b).toFixed(2);
		console.log('\nRamtavlan realtime benchmark');
		console.log(
			`boards ${BOARDS}, devices ${BOARDS * 6}, one change per device every 2 s, ${SECONDS} s measured`
		);
		console.table({
			'propagation p50': {
				ramtavlan: ms(ours.propagation.p50),
				baseline: ms(baseline.propagation.p50),
				ratio: ratio(ours.propagation.p50, baseline.propagation.p50),
				budget: '< 10 ms, ≤ 1.5×'
			},
			'propagation p99': {
				ramtavlan: ms(ours.propagation.p99),
				baseline: ms(baseline.propagation.p99),
				ratio: ratio(ours.propagation.p99, baseline.propagation.p99),
				budget: '< 50 ms, ≤ 1.5×'
			},
			'verdict p50': {
				ramtavlan: ms(ours.compensation.p50),
				baseline: '—',
				ratio: '—',
				budget: ''
			},
			'verdict p99': {
				ramtavlan: ms(ours.compensation.p99),
				baseline: '—',
				ratio: '—',
				budget: '< 100 ms'
			},
			'validated updates/s': {
				ramtavlan: validatedPerSecond.toFixed(0),
				baseline: '—',
				ratio: '—',
				budget: '≥ 2000'
			},
			'heap per board': { ramtavlan: kb(perBoard), baseline: '—', ratio: '—', budget: '≤ 100 KB' },
			'heap per connection': {
				ramtavlan: kb(perConnection),
				baseline: '—',
				ratio: '—',
				budget: '≤ 64 KB'
			}
		});
		console.log(
			`samples: ${ours.propagation.count} deliveries (${ours.changes} changes), ` +
				`${ours.compensation.count} refused changes; baseline ${baseline.propagation.count} deliveries; ` +
				`server judged ${after.updates - before.updates} updates in ${after.commits - before.commits} commits; ` +
				`blast sent ${blast.sent}, judged ${endStats.updates - startStats.updates}`
		);
		console.log(serverLine);
		child.send({ cmd: 'exit' } satisfies ClientCommand);
		await realtime.close();
		server.closeAllConnections();
		server.close();
	} finally {
		child.kill();
		await database.close();
		await dropDatabase();
		rmSync(dataDir, { recursive: true, force: true });
	}
}

await main();
await benchCluster();
await benchFrameReport();
