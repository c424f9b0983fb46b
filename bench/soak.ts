/**
 * `npm run soak`: the server under a working day's load for a long stretch — 100 boards × 6
 * devices, one change per device every 2 s, devices reconnecting and boards going quiet long
 * enough to unload — and whether it stays flat: heap after garbage collection and open handles
 * (besides the sockets of the devices connected at that moment), sampled inside the server.
 * Not part of CI.
 *
 * Environment: SOAK_MINUTES (30), SOAK_BOARDS (100), SOAK_SAMPLE_SECONDS (30),
 * SOAK_CHURN (share of devices reconnecting per minute, 0.05), SOAK_QUIET_BOARDS (boards going
 * quiet for 45 s per minute, 2), SOAK_DATABASE_URL (a PostgreSQL server where a database may be
 * created; the default is an embedded PGlite in a temporary directory).
 * Exits with 1 when memory or handles grew.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { boardRoom } from '../src/lib/board/schema';
import { createSessionStore } from '../src/lib/server/auth/session';
import { openDatabase } from '../src/lib/server/db/client';
import { SERVER_ORIGIN, ServerProcess } from '../tests/faults/server-process';
import type { ServerStats } from '../tests/faults/server-entry';
import type { SoakBoard, SoakCommand, SoakReport } from './soak-clients';
import { BENCH_WEEK, seedBench } from './seed';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const BOARDS = Number(process.env.SOAK_BOARDS ?? 100);
const SAMPLE_SECONDS = Number(process.env.SOAK_SAMPLE_SECONDS ?? 30);
const CHURN = Number(process.env.SOAK_CHURN ?? 0.05);
const QUIET_BOARDS = Number(process.env.SOAK_QUIET_BOARDS ?? 2);

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

/** Least-squares slope of `y` over `x`. */
function slope(xs: number[], ys: number[]): number {
	const n = xs.length;
	const mx = xs.reduce((a, b) => a + b, 0) / n;
	const my = ys.reduce((a, b) => a + b, 0) / n;
	let num = 0;
	let den = 0;
	for (let i = 0; i < n; i++) {
		num += (xs[i] - mx) * (ys[i] - my);
		den += (xs[i] - mx) ** 2;
	}
	return den === 0 ? 0 : num / den;
}

async function database(): Promise<{
	handle: Awaited<ReturnType<typeof openDatabase>>;
	env: Record<string, string>;
	remove(): Promise<void>;
}> {
	const serverUrl = process.env.SOAK_DATABASE_URL;
	if (serverUrl) {
		const name = `ramtavlan_soak_${Date.now().toString(36)}`;
		const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
		await admin.unsafe(`create database "${name}"`);
		await admin.end();
		const url = new URL(serverUrl);
		url.pathname = `/${name}`;
		return {
			handle: await openDatabase({ url: url.toString() }),
			env: { DATABASE_URL: url.toString() },
			async remove() {
				const dropper = postgres(serverUrl, { max: 1, onnotice: () => {} });
				await dropper.unsafe(`drop database if exists "${name}" with (force)`);
				await dropper.end();
			}
		};
	}
	const dataDir = mkdtempSync(join(tmpdir(), 'ramtavlan-soak-'));
	return {
		handle: await openDatabase({ dataDir }),
		env: { DATA_DIR: dataDir },
		async remove() {
			rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

async function main() {
	const db = await database();
	await db.handle.migrate();
	console.log(`Seeding ${BOARDS} teams (${db.handle.kind}) …`);
	const teams = await seedBench(db.handle.db, BOARDS);
	const sessions = createSessionStore(db.handle.db);
	const boards: SoakBoard[] = [];
	for (const team of teams) {
		const cookies: string[] = [];
		for (const staffId of team.staff) {
			cookies.push(`session=${(await sessions.create(staffId)).token}`);
		}
		boards.push({ room: boardRoom(team.id, BENCH_WEEK), clients: team.clients, cookies });
	}
	// PGlite serves one process: the server's.
	if (db.handle.kind === 'pglite') await db.handle.close();

	const server = await ServerProcess.start({ env: db.env, execArgv: ['--expose-gc'] });
	const clients = fork(new URL('./soak-clients.ts', import.meta.url), [], {
		execArgv: ['--import', 'tsx']
	});
	const replies: ((reply: unknown) => void)[] = [];
	clients.on('message', (reply) => replies.shift()?.(reply));
	const ready = new Promise((resolve) => replies.push(resolve));
	const ask = <T>(command: SoakCommand) =>
		new Promise<T>((resolve) => {
			replies.push(resolve as (reply: unknown) => void);
			clients.send(command);
		});
	let exitCode = 0;
	try {
		await ready;
		// The server before any board is open: what it must come back to when all are closed.
		const before = await server.stats({ gc: true });
		const beforeOther = before.handles - before.connections - before.sockets;
		console.log(`Connecting ${BOARDS * 6} devices …`);
		await ask({ cmd: 'connect', url: server.url, origin: SERVER_ORIGIN, boards });
		await ask({
			cmd: 'run',
			churnPerMinute: CHURN,
			quietBoardsPerMinute: QUIET_BOARDS,
			quietMs: 45_000
		});
		console.log(
			`Soaking for ${MINUTES} min: ${BOARDS} boards × 6 devices, one change per device every ` +
				`2 s, ${(CHURN * 100).toFixed(0)} % of devices reconnecting per minute, ` +
				`${QUIET_BOARDS} boards going quiet for 45 s per minute.\n`
		);
		console.log(
			'   min  heap MB  docs MB  rss MB  handles  other  boards  conns  changes  p50 ms  ' +
				'p99 ms  busy ms  late ms'
		);
		const samples: {
			minute: number;
			heap: number;
			docs: number;
			other: number;
			rss: number;
		}[] = [];
		const started = Date.now();
		await server.resetStats();
		while (Date.now() - started < MINUTES * 60_000) {
			await new Promise((r) => setTimeout(r, SAMPLE_SECONDS * 1000));
			const stats: ServerStats = await server.stats({ gc: true });
			await server.resetStats();
			const report = await ask<SoakReport>({ cmd: 'report' });
			const minute = (Date.now() - started) / 60_000;
			// Sockets of the devices connected now come and go with the devices; the rest should not.
			const other = stats.handles - stats.connections - stats.sockets;
			samples.push({ minute, heap: stats.heapUsed, docs: stats.docBytes, other, rss: stats.rss });
			console.log(
				[
					minute.toFixed(1).padStart(6),
					mb(stats.heapUsed).padStart(8),
					mb(stats.docBytes).padStart(8),
					mb(stats.rss).padStart(7),
					String(stats.handles).padStart(8),
					String(other).padStart(6),
					String(stats.rooms).padStart(7),
					String(stats.connections).padStart(6),
					String(report.changes).padStart(8),
					report.p50.toFixed(1).padStart(7),
					report.p99.toFixed(1).padStart(7),
					stats.busyMaxMs.toFixed(0).padStart(8),
					stats.maxDelayMs.toFixed(0).padStart(8)
				].join(' ')
			);
		}
		// The first fifth warms up (boards load, caches fill). While devices keep editing, the
		// boards' documents grow (Yjs keeps the structure of every change), and the heap with them;
		// what must not grow is the heap besides them, and the handles.
		const settled = samples.filter((s) => s.minute >= MINUTES / 5);
		const quarter = Math.max(1, Math.floor(settled.length / 4));
		const early = settled.slice(0, quarter);
		const late = settled.slice(-quarter);
		const minutes = settled.map((s) => s.minute);
		const heapSlope = slope(
			minutes,
			settled.map((s) => s.heap)
		);
		const docSlope = slope(
			minutes,
			settled.map((s) => s.docs)
		);
		const otherEarly = median(early.map((s) => s.other));
		const otherLate = median(late.map((s) => s.other));
		const handlesFlat = otherLate <= otherEarly + 10;
		console.log(
			`\nwhile editing: heap ${mb(median(early.map((s) => s.heap)))} MB → ` +
				`${mb(median(late.map((s) => s.heap)))} MB (${mb(heapSlope * 60)} MB/h), the boards' ` +
				`documents ${mb(median(early.map((s) => s.docs)))} MB → ` +
				`${mb(median(late.map((s) => s.docs)))} MB encoded (${mb(docSlope * 60)} MB/h); ` +
				`other handles ${otherEarly} → ${otherLate}: ${handlesFlat ? 'flat' : 'GROWING'}`
		);

		// Every device leaves; the server unloads the boards once they are idle. Then the heap
		// and the handles must be back where they were before the first board opened.
		await ask({ cmd: 'stop' });
		const drainStarted = Date.now();
		let after = await server.stats({ gc: true });
		while (after.rooms > 0 && Date.now() - drainStarted < 180_000) {
			await new Promise((r) => setTimeout(r, 5_000));
			after = await server.stats({ gc: true });
		}
		// Database connections opened for the load close after half a minute idle.
		const otherOf = (s: ServerStats) => s.handles - s.connections - s.sockets;
		while (otherOf(after) > beforeOther + 10 && Date.now() - drainStarted < 240_000) {
			await new Promise((r) => setTimeout(r, 5_000));
			after = await server.stats({ gc: true });
		}
		const afterOther = otherOf(after);
		const heapBack = after.rooms === 0 && after.heapUsed - before.heapUsed < 16 * 1024 * 1024;
		const handlesBack = afterOther <= beforeOther + 10;
		console.log(
			`all devices gone: ${after.rooms} boards open after ` +
				`${((Date.now() - drainStarted) / 1000).toFixed(0)} s; heap ${mb(before.heapUsed)} MB ` +
				`before the first board → ${mb(after.heapUsed)} MB after the last: ` +
				`${heapBack ? 'back' : 'NOT BACK'}; other handles ${beforeOther} → ${afterOther}: ` +
				`${handlesBack ? 'back' : 'NOT BACK'}`
		);
		if (!handlesBack) {
			console.log(`handles before: ${JSON.stringify(before.handleKinds)}`);
			console.log(`handles after:  ${JSON.stringify(after.handleKinds)}`);
		}
		if (!handlesFlat || !heapBack || !handlesBack) exitCode = 1;
	} finally {
		clients.kill();
		await server.stop();
		await db.remove();
	}
	process.exit(exitCode);
}

await main();
