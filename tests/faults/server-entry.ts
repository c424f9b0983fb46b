/**
 * The server the fault tests kill: the production app container (`getApp`, configured from the
 * environment as for `npm start`), the realtime layer on an HTTP server, and `/healthz` served
 * by the SvelteKit route itself. The SvelteKit pages are left out: they start slowly and no
 * fault test needs them. Run as a child process with an IPC channel (`fork`); it reports
 * `{ ready, port }` once listening and answers commands with the event loop's longest stall,
 * memory and open handles measured inside this process, and the board's rule check.
 *
 * Environment: DATABASE_URL or DATA_DIR, PORT, FAULTS_ORIGIN (the one allowed Origin),
 * FAULTS_OPTIONS (JSON realtime options), FAULTS_TODAY (the organisation's today),
 * FAULTS_VERBOSE (log every failure).
 */
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as Y from 'yjs';
import { parseVisit, visitsMap } from '../../src/lib/board';
import { closeApp, getApp } from '../../src/lib/server/app';
import { attachRealtime } from '../../src/lib/server/realtime';
import { joinConfiguredCluster } from '../../src/lib/server/cluster';
import { GET as healthz } from '../../src/routes/healthz/+server';

export type ServerCommand =
	| { cmd: 'stats'; gc?: boolean }
	| { cmd: 'reset' }
	| { cmd: 'validate'; room: string }
	| { cmd: 'close' };

export interface ServerReply {
	id?: number;
}

export interface ServerStats extends ServerReply {
	/** Longest event-loop stall since the last reset, in ms (monitorEventLoopDelay). */
	maxDelayMs: number;
	/** Longest stall spent working rather than waiting for the CPU, in ms (see `busyMaxMs`). */
	busyMaxMs: number;
	p99DelayMs: number;
	heapUsed: number;
	rss: number;
	/** Resources keeping the event loop alive (sockets, timers, servers). */
	handles: number;
	/** The same by kind (`TCPSocketWrap`, `Timeout`, …). */
	handleKinds: Record<string, number>;
	rooms: number;
	connections: number;
	sockets: number;
	updates: number;
	/** The open boards' documents, encoded (`Y.encodeStateAsUpdate`), in bytes: what they hold. */
	docBytes: number;
	/**
	 * Inside the server since the last reset, p50/p99 in ms: a change received → judged,
	 * received → relayed (after its commit), and one group commit of the board store.
	 */
	pipeline: Record<'judge' | 'relay' | 'commit', { p50: number; p99: number }>;
}

const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

/**
 * The longest stretch the event loop was busy with work of its own: the wall time between two
 * ticks of a 10 ms timer, but no more than the CPU time its thread used meanwhile. A loop
 * that waits because the machine gives the process no CPU (other processes, a loaded CI host)
 * is late, not busy; `monitorEventLoopDelay` counts both.
 */
let busyMaxMs = 0;
let lastTick = performance.now();
let lastCpu = process.threadCpuUsage();
setInterval(() => {
	const now = performance.now();
	const cpu = process.threadCpuUsage(lastCpu);
	const busy = Math.min(now - lastTick, (cpu.user + cpu.system) / 1000);
	busyMaxMs = Math.max(busyMaxMs, busy);
	lastTick = now;
	lastCpu = process.threadCpuUsage();
}, 10).unref();

const verbose = Boolean(process.env.FAULTS_VERBOSE);
const app = await getApp();
const log = {
	info() {},
	warn: (message: string, data?: Record<string, unknown>) => {
		if (verbose) console.warn(`[server] ${message}`, data ?? '');
	},
	error: (message: string, data?: Record<string, unknown>) => {
		if (verbose || message.startsWith('board failed')) {
			console.error(`[server] ${message}`, data ?? '');
		}
	}
};
// CLUSTER_SECRET: one of several processes on the same PostgreSQL, as in production.
const cluster = await joinConfiguredCluster(app.config, app.db, log);
const server = createServer((req, res) => {
	if (realtime.handleInternal(req, res)) return;
	if (req.url !== '/healthz') {
		res.writeHead(404).end();
		return;
	}
	void Promise.resolve(healthz({} as Parameters<typeof healthz>[0])).then(async (response) => {
		res.writeHead(response.status, { 'content-type': 'application/json' });
		res.end(await response.text());
	});
});
const realtime = attachRealtime(server, {
	db: app.db,
	sessions: app.sessions,
	allowedOrigins: [process.env.FAULTS_ORIGIN ?? 'http://localhost:3000'],
	// Failures the faults provoke (a database that is down, garbage on the wire) are expected
	// and logged with FAULTS_VERBOSE=1 only; a board that fails for everyone is always shown.
	log,
	...(cluster ? { cluster: cluster.deps } : {}),
	options: JSON.parse(process.env.FAULTS_OPTIONS || '{}'),
	// The tests' world lives in one fixed week: that week is "now" for opening new boards.
	...(process.env.FAULTS_TODAY ? { today: () => process.env.FAULTS_TODAY! } : {})
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
	const address = server.address();
	process.send!({ ready: true, port: typeof address === 'object' && address ? address.port : 0 });
});

const quantiles = (samples: { percentile(p: number): number }) => ({
	p50: samples.percentile(50),
	p99: samples.percentile(99)
});

async function answer(command: ServerCommand): Promise<Record<string, unknown>> {
	switch (command.cmd) {
		case 'reset':
			loop.reset();
			busyMaxMs = 0;
			realtime.rooms.timings.judge.reset();
			realtime.rooms.timings.relay.reset();
			realtime.writer.stats.commitMs.reset();
			return {};
		case 'stats': {
			const gc = (globalThis as { gc?: () => void }).gc;
			if (command.gc && gc) {
				gc();
				gc();
			}
			const stats = realtime.stats();
			const memory = process.memoryUsage();
			return {
				maxDelayMs: loop.max / 1e6,
				busyMaxMs,
				p99DelayMs: loop.percentile(99) / 1e6,
				heapUsed: memory.heapUsed,
				rss: memory.rss,
				handles: process.getActiveResourcesInfo().length,
				handleKinds: Object.fromEntries(
					Object.entries(
						process.getActiveResourcesInfo().reduce<Record<string, number>>((kinds, kind) => {
							kinds[kind] = (kinds[kind] ?? 0) + 1;
							return kinds;
						}, {})
					).sort()
				),
				rooms: stats.rooms,
				connections: stats.connections,
				sockets: stats.sockets,
				updates: stats.updates,
				docBytes: [...realtime.rooms.rooms.values()].reduce(
					(sum, room) => sum + Y.encodeStateAsUpdate(room.doc).byteLength,
					0
				),
				pipeline: {
					judge: quantiles(realtime.rooms.timings.judge),
					relay: quantiles(realtime.rooms.timings.relay),
					commit: quantiles(realtime.writer.stats.commitMs)
				}
			} satisfies Omit<ServerStats, 'id'>;
		}
		case 'validate':
			return realtime.rooms.withRoom(
				command.room,
				async (room, ctx) => {
					await realtime.writer.flush();
					const judge = room.judge(ctx);
					const violations: string[] = [];
					let visits = 0;
					for (const [id, value] of visitsMap(room.doc).entries()) {
						visits++;
						const parsed = parseVisit(id, value);
						if (!parsed.ok) violations.push(`${id}: ${parsed.reason}`);
						else {
							for (const v of judge.check(parsed.visit, parsed.visit)) {
								violations.push(`${id}: ${v.rule}`);
							}
						}
					}
					// The projection the reports read says what the board says.
					const ids = [...visitsMap(room.doc).keys()];
					const rows = new Map(
						(await realtime.rooms.store.projectionRows(room.name, ids)).map((r) => [r.id, r])
					);
					const projectionOutOfStep: string[] = [];
					for (const v of room.authority.accepted.values()) {
						const row = rows.get(v.id);
						const same =
							row &&
							row.room === room.name &&
							row.clientId === v.clientId &&
							row.date === v.date &&
							row.dayPart === v.dayPart &&
							row.minutes === v.minutes &&
							row.status === v.status;
						if (!same) projectionOutOfStep.push(v.id);
					}
					for (const row of rows.values()) {
						if (row.room === room.name && !room.authority.accepted.has(row.id)) {
							projectionOutOfStep.push(row.id);
						}
					}
					return { visits, violations, projectionOutOfStep };
				},
				{ freshContext: true }
			);
		case 'close':
			await realtime.close();
			await cluster?.close();
			server.close();
			server.closeAllConnections();
			await closeApp();
			setImmediate(() => process.exit(0));
			return {};
	}
}

process.on('message', (message: ServerCommand & { id: number }) => {
	answer(message).then(
		(reply) => process.send!({ ...reply, id: message.id }),
		(error: unknown) => process.send!({ id: message.id, error: String(error) })
	);
});
process.on('disconnect', () => process.exit(0));
