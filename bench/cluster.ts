/**
 * Several processes against one (README, "Several processes"), in the same run on the same
 * PostgreSQL: the workload of `npm run bench` — 100 boards × 6 devices, one change per device
 * every 2 s — served by one app process, then by two processes of a cluster (each board with
 * devices on both, the boards' authority spread over both), then by a plain y-websocket relay.
 *
 * It also measures the floor a change cannot get under: the relay's latency plus one commit of
 * the board store (one update appended and committed, fsync included; bench/commit-floor.ts),
 * the commit measured alone and, in a process of its own, while the relay carries the devices.
 * The budget: one process's p50 within 1.5 ms of that floor, its p99 under 20 ms. One process,
 * the relay and the floor are measured BENCH_ROUNDS times (3), in turn, and compared by their
 * medians, so a moment of noise on a shared machine does not decide the result.
 *
 * Needs BENCH_DATABASE_URL (a PostgreSQL server where databases may be created; one is created
 * and dropped); skipped without it, as PGlite serves one process. Alone:
 * `BENCH_DATABASE_URL=postgres://… node --import tsx bench/cluster.ts`; also a phase of
 * `npm run bench`. BENCH_BOARDS (100) and BENCH_SECONDS (10) as there.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import postgres from 'postgres';
import { boardRoom } from '../src/lib/board/schema';
import { createSessionStore } from '../src/lib/server/auth/session';
import { openDatabase } from '../src/lib/server/db/client';
import { ServerProcess, freePort } from '../tests/faults/server-process';
import type { ServerStats } from '../tests/faults/server-entry';
import { startBaselineRelay } from './baseline-relay';
import type { BoardSpec } from './clients';
import { forkClients, type Reply } from './clients-process';
import { commitFloor, forkCommitFloor, percentile, type Latency } from './commit-floor';
import { BENCH_WEEK, seedBench } from './seed';

const BOARDS = Number(process.env.BENCH_BOARDS ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
/** Board commits in flight at once in the one-process phase (the server's default: 1). */
const LANES = Math.max(1, Number(process.env.BENCH_COMMIT_LANES ?? 1));

type RunReply = Reply & { changes: number; propagation: Latency; crossProcess: Latency };

const ms = (value: number) => `${value.toFixed(2)} ms`;

const median = (values: number[]) => percentile(values, 50);

/** The rounds' figures: their medians, and each round's in brackets. */
function rounds(values: Latency[]): { p50: string; p99: string; deliveries: number } {
	const each = (key: 'p50' | 'p99') =>
		`${ms(median(values.map((v) => v[key])))} (${values.map((v) => v[key].toFixed(2)).join(' / ')})`;
	return { p50: each('p50'), p99: each('p99'), deliveries: median(values.map((v) => v.count)) };
}

export async function benchCluster(): Promise<void> {
	const serverUrl = process.env.BENCH_DATABASE_URL;
	if (!serverUrl) {
		console.log('\nSeveral processes: skipped (set BENCH_DATABASE_URL to a PostgreSQL server).');
		return;
	}
	const name = `ramtavlan_cluster_${Date.now().toString(36)}`;
	const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database "${name}"`);
	const target = new URL(serverUrl);
	target.pathname = `/${name}`;
	const url = target.toString();
	// Every phase starts from the same database: what the last one left vacuumed and
	// checkpointed, so no phase pays for another's clean-up in its figures.
	const maintenance = postgres(url, { max: 1, onnotice: () => {} });
	const tidy = async () => {
		await maintenance`vacuum analyze`;
		await maintenance`checkpoint`.catch(() => {});
	};
	const servers: ServerProcess[] = [];
	const { child, ready, ask } = forkClients();
	const run = async (
		urls: string | string[],
		on: ServerProcess[] = [],
		beside?: (warmupMs: number) => { stop(): Promise<Latency> }
	) => {
		await ask({ cmd: 'connect', url: urls, boards, which: 'first' });
		await ask({ cmd: 'connect', url: urls, boards, which: 'rest' });
		await tidy();
		await Promise.all(on.map((s) => s.resetStats()));
		const warmupMs = 2000;
		const besides = beside?.(warmupMs);
		const reply = await ask<RunReply>({
			cmd: 'run',
			durationMs: SECONDS * 1000,
			warmupMs,
			invalidRate: 0.05
		});
		const measuredBeside = await besides?.stop();
		const inside = await Promise.all(on.map((s) => s.stats()));
		await ask({ cmd: 'disconnect' });
		return { ...reply, inside, beside: measuredBeside };
	};
	const boards: BoardSpec[] = [];
	try {
		const handle = await openDatabase({ url });
		await handle.migrate();
		console.log(`\nSeveral processes: seeding ${BOARDS} teams on PostgreSQL …`);
		const teams = await seedBench(handle.db, BOARDS);
		const sessions = createSessionStore(handle.db);
		for (const team of teams) {
			const cookies: string[] = [];
			for (const staffId of team.staff) {
				cookies.push(`session=${(await sessions.create(staffId)).token}`);
			}
			boards.push({ room: boardRoom(team.id, BENCH_WEEK), clients: team.clients, cookies });
		}
		await handle.close();
		await ready;

		// One process, the relay and the floor in turn, ROUNDS times.
		const ones: RunReply[] = [];
		const insideOne: ServerStats[] = [];
		const relays: Latency[] = [];
		const floors: Latency[] = [];
		const loadedFloors: Latency[] = [];
		for (let round = 1; round <= ROUNDS; round++) {
			console.log(`Round ${round}/${ROUNDS}: one process, ${BOARDS * 6} devices, ${SECONDS} s …`);
			const single = await ServerProcess.start({
				env: { DATABASE_URL: url },
				options: { commitLanes: LANES },
				// BENCH_PROF=<dir>: a CPU profile of the server, written there when it stops.
				execArgv: process.env.BENCH_PROF
					? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`]
					: []
			});
			servers.push(single);
			const one = await run(single.url, [single]);
			await single.stop();
			ones.push(one);
			insideOne.push(...one.inside);
			console.log(
				`Round ${round}/${ROUNDS}: the plain relay, ${BOARDS * 6} devices, ${SECONDS} s …`
			);
			const relay = await startBaselineRelay();
			// The store's commits measured while the relay carries the devices, then alone.
			const relayed = await run(relay.url, [], (warmupMs) =>
				forkCommitFloor(url, 'board:bench-floor-loaded:2026-W48', warmupMs)
			);
			relays.push(relayed.propagation);
			if (relayed.beside) loadedFloors.push(relayed.beside);
			await relay.close();
			floors.push(await commitFloor(url, 'board:bench-floor:2026-W48'));
		}

		console.log(`Two processes of a cluster, ${BOARDS * 6} devices, ${SECONDS} s …`);
		const secret = randomBytes(24).toString('base64url');
		const pair = await Promise.all(
			[0, 1].map(async () =>
				ServerProcess.start({
					port: await freePort(),
					env: { DATABASE_URL: url, CLUSTER_SECRET: secret }
				})
			)
		);
		servers.push(...pair);
		const two = await run(
			pair.map((s) => s.url),
			pair
		);
		await Promise.all(pair.map((s) => s.stop()));

		const oneP50 = median(ones.map((o) => o.propagation.p50));
		const oneP99 = median(ones.map((o) => o.propagation.p99));
		const floor = median(relays.map((r) => r.p50)) + median(floors.map((f) => f.p50));

		console.log(
			`\nSeveral processes on one PostgreSQL (medians of ${ROUNDS} rounds, each in brackets)`
		);
		console.table({
			'one process': rounds(ones.map((o) => o.propagation)),
			'two processes, every delivery': {
				p50: ms(two.propagation.p50),
				p99: ms(two.propagation.p99),
				deliveries: two.propagation.count
			},
			'two processes, across processes': {
				p50: ms(two.crossProcess.p50),
				p99: ms(two.crossProcess.p99),
				deliveries: two.crossProcess.count
			},
			'plain relay': rounds(relays),
			'one commit of the store': rounds(floors),
			'one commit, devices running': rounds(loadedFloors)
		});
		for (const [label, inside] of [
			['one process', insideOne],
			['two processes', two.inside]
		] as const) {
			for (const { pipeline: p, ...loop } of inside) {
				console.log(
					`${label}, inside: judged p50 ${ms(p.judge.p50)}, relayed p50 ${ms(p.relay.p50)} ` +
						`p99 ${ms(p.relay.p99)}, group commit p50 ${ms(p.commit.p50)} p99 ${ms(p.commit.p99)}; ` +
						`event loop late p99 ${ms(loop.p99DelayMs)}, at most ${ms(loop.maxDelayMs)} ` +
						`(busy at most ${ms(loop.busyMaxMs)})`
				);
			}
		}
		console.log(
			`two processes / one: p50 ${(two.propagation.p50 / oneP50).toFixed(2)}×, ` +
				`p99 ${(two.propagation.p99 / oneP99).toFixed(2)}×`
		);
		console.log(
			`floor (relay p50 + one commit p50, medians) ${ms(floor)}: one process p50 is ` +
				`${ms(oneP50 - floor)} above it (budget ≤ 1.5 ms), p99 ${ms(oneP99)} (budget < 20 ms); ` +
				`round by round ${ones.map((o, i) => (o.propagation.p50 - relays[i].p50 - floors[i].p50).toFixed(2)).join(' / ')} ms above; ` +
				`two processes p50 ${ms(two.propagation.p50 - floor)} above it`
		);
		if (loadedFloors.length === ones.length) {
			const loaded = median(relays.map((r) => r.p50)) + median(loadedFloors.map((f) => f.p50));
			console.log(
				`floor with the commit measured while the devices run ${ms(loaded)}: one process p50 is ` +
					`${ms(oneP50 - loaded)} above it; round by round ` +
					`${ones.map((o, i) => (o.propagation.p50 - relays[i].p50 - loadedFloors[i].p50).toFixed(2)).join(' / ')} ms above`
			);
		}
	} finally {
		child.kill();
		await Promise.all(servers.map((s) => s.stop()));
		await maintenance.end();
		await admin.unsafe(`drop database if exists "${name}" with (force)`);
		await admin.end();
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchCluster();
