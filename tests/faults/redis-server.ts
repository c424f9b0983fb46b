/**
 * A throwaway Redis server for the cluster tests that carry socket.io's events through Redis
 * (REDIS_URL): `redis-server` on a free port, nothing saved to disk.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { freePort } from './server-process';

const BINARY = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

export class RedisServer {
	private constructor(
		private readonly child: ChildProcess,
		readonly port: number
	) {}

	get url(): string {
		return `redis://127.0.0.1:${this.port}`;
	}

	static async start(): Promise<RedisServer> {
		if (!existsSync(BINARY)) {
			throw new Error(
				`The cluster tests need a Redis server (${BINARY}): apt-get install redis-server, ` +
					'or set REDIS_SERVER.'
			);
		}
		const port = await freePort();
		const child = spawn(
			BINARY,
			['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
			{ stdio: 'ignore' }
		);
		const started = Date.now();
		for (;;) {
			const up = await new Promise<boolean>((resolve) => {
				const socket = connect(port, '127.0.0.1');
				socket.once('connect', () => resolve(true));
				socket.once('error', () => resolve(false));
				socket.once('close', () => socket.destroy());
			}).then((ok) => ok);
			if (up) return new RedisServer(child, port);
			if (Date.now() - started > 10_000 || child.exitCode !== null) {
				child.kill('SIGKILL');
				throw new Error('redis-server did not start');
			}
			await new Promise((r) => setTimeout(r, 50));
		}
	}

	async stop(): Promise<void> {
		if (this.child.exitCode !== null) return;
		const exited = new Promise((resolve) => this.child.once('exit', resolve));
		this.child.kill('SIGKILL');
		await exited;
	}
}
