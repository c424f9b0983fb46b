/**
 * A throwaway PostgreSQL cluster of the test's own, so it can be stopped hard without
 * touching the server other tests use: `initdb` in a temporary directory, `pg_ctl` on a free
 * port. PostgreSQL refuses to run as root, so as root the binaries run as the `postgres` user.
 * The binaries come from PG_BIN, `pg_config --bindir`, or the newest /usr/lib/postgresql/<n>.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server-process';

function binDir(): string {
	const candidates: string[] = [];
	if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
	try {
		candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
	} catch {
		// No pg_config on the PATH.
	}
	if (existsSync('/usr/lib/postgresql')) {
		const versions = readdirSync('/usr/lib/postgresql')
			.filter((v) => /^\d+$/.test(v))
			.sort((a, b) => Number(b) - Number(a));
		candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
	}
	const found = candidates.find((dir) => existsSync(join(dir, 'pg_ctl')));
	if (!found) {
		throw new Error(
			'The PostgreSQL crash test needs the PostgreSQL server binaries (initdb, pg_ctl): ' +
				'apt-get install postgresql, or set PG_BIN.'
		);
	}
	return found;
}

export class PostgresCluster {
	private constructor(
		private readonly bin: string,
		readonly dir: string,
		readonly port: number
	) {}

	/** The cluster's data directory, created and started. */
	static async create(): Promise<PostgresCluster> {
		const bin = binDir();
		const dir = mkdtempSync(join(tmpdir(), 'ramtavlan-pg-'));
		const port = await freePort();
		const cluster = new PostgresCluster(bin, dir, port);
		if (process.getuid?.() === 0) chownSync(dir, uidOf('postgres'), gidOf('postgres'));
		cluster.run('initdb', [
			'-D',
			join(dir, 'data'),
			'-A',
			'trust',
			'-U',
			'postgres',
			'-E',
			'UTF8',
			'--locale=C.UTF-8',
			'--no-sync'
		]);
		cluster.start();
		return cluster;
	}

	/** `postgres://` URL of a database on the cluster. */
	url(database = 'postgres'): string {
		return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
	}

	private run(program: string, args: string[]): void {
		const asRoot = process.getuid?.() === 0;
		const command = asRoot ? 'runuser' : join(this.bin, program);
		const argv = asRoot ? ['-u', 'postgres', '--', join(this.bin, program), ...args] : args;
		const result = spawnSync(command, argv, { encoding: 'utf8', cwd: this.dir });
		if (result.status !== 0) {
			throw new Error(`${program} failed: ${result.stderr || result.stdout}`);
		}
	}

	/** Starts the server and waits until it accepts connections. */
	start(): void {
		this.run('pg_ctl', [
			'-D',
			join(this.dir, 'data'),
			'-l',
			join(this.dir, 'log'),
			'-w',
			'-o',
			`-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1`,
			'start'
		]);
	}

	/** `pg_ctl stop -m immediate`: every backend is killed, nothing is shut down cleanly. */
	stopImmediately(): void {
		this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'immediate', 'stop']);
	}

	/** Stops the server (if running) and removes the cluster. */
	destroy(): void {
		try {
			this.stopImmediately();
		} catch {
			// Not running.
		}
		rmSync(this.dir, { recursive: true, force: true });
	}
}

function uidOf(user: string): number {
	return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
}
function gidOf(user: string): number {
	return Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
}
