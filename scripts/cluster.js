// `npm run cluster -- 3`: three app processes on one PostgreSQL behind a small round-robin
// balancer on PORT (default 3000), the processes on the ports after it. DATABASE_URL names the
// PostgreSQL; without it, one is started in DATA_DIR/cluster-postgres (kept between runs) from
// the PostgreSQL server binaries on this machine. The demo organisation is seeded into an empty
// database (SEED_DEMO=false to leave it out). Ctrl-C stops everything. Kill one process
// (its pid is printed) to watch another take its boards over.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startBalancer } from './balancer.js';
import { ensureBuild, root, serverEntry } from './ensure-build.js';

const count = Number(process.argv[2] ?? 3);
if (!Number.isInteger(count) || count < 1 || count > 16) {
	console.error(`usage: npm run cluster -- <processes, 1–16>; not "${process.argv[2]}"`);
	process.exit(2);
}
const port = Number(process.env.PORT ?? 3000);
let stopping = false;
const origin = process.env.ORIGIN ?? `http://localhost:${port}`;

/** The PostgreSQL server binaries: PG_BIN, `pg_config --bindir` or the newest installed. */
function pgBin() {
	const candidates = [process.env.PG_BIN];
	try {
		candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
	} catch {
		// No pg_config on the PATH.
	}
	if (existsSync('/usr/lib/postgresql')) {
		for (const v of readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))) {
			candidates.push(`/usr/lib/postgresql/${v}/bin`);
		}
	}
	return candidates.find((dir) => dir && existsSync(join(dir, 'pg_ctl')));
}

/** A PostgreSQL of the cluster's own, started (and created the first time); null without binaries. */
function localPostgres() {
	const bin = pgBin();
	if (!bin) return null;
	const dir = resolve(process.env.DATA_DIR ?? join(root, 'data'), 'cluster-postgres');
	const data = join(dir, 'data');
	const pgPort = Number(process.env.CLUSTER_PG_PORT ?? 55432);
	mkdirSync(dir, { recursive: true });
	// PostgreSQL refuses to run as root: as root, its binaries run as the postgres user.
	const asRoot = process.getuid?.() === 0;
	if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), 0);
	const run = (tool, args) => {
		const [command, argv] = asRoot
			? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]]
			: [join(bin, tool), args];
		const result = spawnSync(command, argv, { stdio: ['ignore', 'ignore', 'inherit'] });
		if (result.status !== 0) throw new Error(`${tool} failed (exit ${result.status})`);
	};
	if (!existsSync(join(data, 'PG_VERSION'))) {
		console.log(`Creating a PostgreSQL cluster in ${data}`);
		run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8']);
	}
	run('pg_ctl', [
		'-D',
		data,
		'-l',
		join(dir, 'postgres.log'),
		'-w',
		'-o',
		`-p ${pgPort} -k ${dir} -c listen_addresses=127.0.0.1`,
		'start'
	]);
	console.log(`PostgreSQL on port ${pgPort} (${data})`);
	return {
		url: `postgres://postgres@127.0.0.1:${pgPort}/postgres`,
		stop: () => run('pg_ctl', ['-D', data, '-m', 'fast', 'stop'])
	};
}

let database = process.env.DATABASE_URL ? { url: process.env.DATABASE_URL, stop() {} } : null;
if (!database) {
	database = localPostgres();
	if (!database) {
		console.error(
			'A cluster needs PostgreSQL: set DATABASE_URL, or install the PostgreSQL server ' +
				'(apt-get install postgresql) so one is started here.'
		);
		process.exit(1);
	}
}

ensureBuild();
const secret = process.env.CLUSTER_SECRET ?? randomBytes(24).toString('base64url');
const children = [];
for (let i = 1; i <= count; i++) {
	const own = port + i;
	const child = spawn(process.execPath, [serverEntry], {
		cwd: root,
		stdio: ['ignore', 'pipe', 'pipe'],
		env: {
			...process.env,
			NODE_ENV: 'production',
			PORT: String(own),
			ORIGIN: origin,
			DATABASE_URL: database.url,
			SEED_DEMO: process.env.SEED_DEMO ?? 'true',
			CLUSTER_SECRET: secret,
			INTERNAL_URL: `http://127.0.0.1:${own}`
		}
	});
	const prefix = (stream, out) =>
		stream.on('data', (chunk) => {
			for (const line of String(chunk).split('\n')) if (line) out.write(`[${i}] ${line}\n`);
		});
	prefix(child.stdout, process.stdout);
	prefix(child.stderr, process.stderr);
	child.once('exit', (code, signal) => {
		if (!stopping) console.log(`[${i}] process ${child.pid} ended (${signal ?? code})`);
	});
	console.log(`[${i}] pid ${child.pid}, port ${own}`);
	children.push(child);
}

const balancer = await startBalancer({
	port,
	host: process.env.HOST ?? '127.0.0.1',
	backends: children.map((_, i) => ({ host: '127.0.0.1', port: port + i + 1 }))
});
console.log(`Ramtavlan: ${count} processes behind ${origin}`);

async function stop() {
	if (stopping) return;
	stopping = true;
	await balancer.close();
	await Promise.all(
		children.map(
			(child) =>
				new Promise((done) => {
					if (child.exitCode !== null || child.signalCode !== null) return done(undefined);
					child.once('exit', () => done(undefined));
					child.kill('SIGTERM');
				})
		)
	);
	database.stop();
	process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
