/**
 * The app's server as a child process that a test may kill at any moment: the server of
 * tests/faults/server-entry.ts, bundled once per test process. Free of test-runner imports,
 * so the soak (bench/soak.ts) uses it too.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { ServerCommand, ServerReply, ServerStats } from './server-entry';

/** A port nobody listens on now: for a process that must know its port before it starts. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/** The Origin the server allows: the one the test clients send. */
export const SERVER_ORIGIN = 'http://localhost:3000';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const root = fileURLToPath(new URL('../..', import.meta.url));
let bundle: Promise<string> | undefined;

/** Bundles left behind by test processes that were killed. */
function removeOrphans(dir: string): void {
	let names: string[];
	try {
		names = readdirSync(dir);
	} catch {
		return;
	}
	for (const name of names) {
		const pid = Number(/^server-(\d+)\.mjs$/.exec(name)?.[1]);
		if (!pid) continue;
		try {
			process.kill(pid, 0);
		} catch {
			rmSync(join(dir, name), { force: true });
		}
	}
}

/**
 * tests/faults/server-entry.ts bundled into one file (packages stay in node_modules), once per
 * test process: a server that is restarted fifty times should not compile TypeScript fifty
 * times.
 */
export function serverBundle(): Promise<string> {
	bundle ??= (async () => {
		const dir = join(root, 'node_modules', '.cache', 'ramtavlan-faults');
		removeOrphans(dir);
		const outfile = join(dir, `server-${process.pid}.mjs`);
		await build({
			entryPoints: [join(root, 'tests', 'faults', 'server-entry.ts')],
			outfile,
			bundle: true,
			platform: 'node',
			format: 'esm',
			target: 'node24',
			packages: 'external',
			alias: { $lib: join(root, 'src', 'lib') },
			logLevel: 'warning'
		});
		process.once('exit', () => rmSync(outfile, { force: true }));
		return outfile;
	})();
	return bundle;
}

/**
 * The app's server in a child process (tests/faults/server-entry.ts), on `port` (a free one
 * when 0). `kill()` is SIGKILL: nothing is flushed, as when the power goes.
 */
export class ServerProcess {
	private nextId = 0;
	private readonly pending = new Map<number, (reply: ServerReply) => void>();
	readonly exited: Promise<number | null>;

	private constructor(
		readonly child: ChildProcess,
		readonly port: number
	) {
		child.on('message', (message: ServerReply & { id?: number }) => {
			if (message.id === undefined) return;
			this.pending.get(message.id)?.(message);
			this.pending.delete(message.id);
		});
		this.exited = new Promise((resolve) => {
			if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
			else child.once('exit', (code) => resolve(code));
		});
	}

	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	static async start(
		opts: {
			env: Record<string, string>;
			port?: number;
			options?: Record<string, unknown>;
			execArgv?: string[];
			timeoutMs?: number;
		} = { env: {} }
	): Promise<ServerProcess> {
		const child = fork(await serverBundle(), [], {
			execArgv: opts.execArgv ?? [],
			env: {
				...process.env,
				NODE_ENV: 'production',
				SEED_DEMO: 'false',
				DATABASE_URL: '',
				...opts.env,
				PORT: String(opts.port ?? 0),
				FAULTS_ORIGIN: SERVER_ORIGIN,
				// The Sunday of the world's week: its boards open, and its visits are in the past.
				FAULTS_TODAY: '2026-11-29',
				FAULTS_OPTIONS: JSON.stringify(opts.options ?? {})
			},
			stdio: ['ignore', 'inherit', 'inherit', 'ipc']
		});
		const port = await new Promise<number>((resolve, reject) => {
			const timer = setTimeout(() => {
				child.kill('SIGKILL');
				reject(new Error('the server did not start'));
			}, opts.timeoutMs ?? 60_000);
			child.once('message', (message: { ready?: boolean; port?: number }) => {
				clearTimeout(timer);
				if (message.ready && message.port) resolve(message.port);
				else reject(new Error(`unexpected first message ${JSON.stringify(message)}`));
			});
			child.once('exit', (code, signal) => {
				clearTimeout(timer);
				reject(new Error(`the server exited while starting (${code ?? signal})`));
			});
		});
		return new ServerProcess(child, port);
	}

	private ask<T extends ServerReply>(command: ServerCommand): Promise<T> {
		const id = this.nextId++;
		return new Promise((resolve, reject) => {
			if (!this.child.connected) return reject(new Error('the server is gone'));
			this.pending.set(id, resolve as (reply: ServerReply) => void);
			this.child.send({ ...command, id });
		});
	}

	/** Event-loop stalls, memory and handles, measured inside the server. */
	stats(opts: { gc?: boolean } = {}): Promise<ServerStats> {
		return this.ask({ cmd: 'stats', gc: opts.gc });
	}

	/** Starts the event-loop measurement afresh. */
	async resetStats(): Promise<void> {
		await this.ask({ cmd: 'reset' });
	}

	/** Every rule violation on the board as the server judges it now. */
	validate(
		room: string
	): Promise<
		ServerReply & { visits: number; violations: string[]; projectionOutOfStep: string[] }
	> {
		return this.ask({ cmd: 'validate', room });
	}

	get alive(): boolean {
		return this.child.exitCode === null && this.child.signalCode === null;
	}

	/** SIGKILL, and waits until the process is gone. */
	async kill(): Promise<void> {
		if (this.alive) this.child.kill('SIGKILL');
		await this.exited;
	}

	/** A clean shutdown: boards persisted and compacted, the database closed. */
	async stop(): Promise<void> {
		if (!this.alive) return;
		try {
			await Promise.race([this.ask({ cmd: 'close' }), sleep(15_000)]);
		} catch {
			// Already gone.
		}
		await Promise.race([this.exited, sleep(5000)]);
		await this.kill();
	}
}
