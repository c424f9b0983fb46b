/**
 * Does the time a failed sign-in takes tell whether the username exists? Measures the
 * server's work for a login with an unknown username against one with a known username and a
 * wrong password (docs/security.md, "Logins"), interleaved in random order:
 *
 *   node --import tsx bench/login-timing.ts
 *
 * The limits are raised so that nothing is refused (every attempt is judged, as the first few
 * of a real visitor are); the same queries still run. Environment: LOGIN_BENCH_SAMPLES (300
 * of each kind), BENCH_DATABASE_URL (a PostgreSQL server where a database may be created; the
 * default is an embedded PGlite in a temporary directory). Nothing is written to the
 * repository.
 */
import { hash } from '@node-rs/argon2';
import postgres from 'postgres';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { attemptLogin } from '../src/lib/server/auth/login';
import { DEFAULT_LOGIN_LIMITS } from '../src/lib/server/auth/login-limits';
import { createSessionStore } from '../src/lib/server/auth/session';
import { openDatabase } from '../src/lib/server/db/client';
import { organisation, staff, unit } from '../src/lib/server/db/schema';

const SAMPLES = Number(process.env.LOGIN_BENCH_SAMPLES ?? 300);
const WARM_UP = 20;

function quantile(values: number[], q: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function main() {
	const dataDir = mkdtempSync(join(tmpdir(), 'ramtavlan-login-bench-'));
	const serverUrl = process.env.BENCH_DATABASE_URL;
	let databaseUrl: string | undefined;
	let dropDatabase = async () => {};
	if (serverUrl) {
		const name = `ramtavlan_login_bench_${Date.now().toString(36)}`;
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
	const database = await openDatabase(databaseUrl ? { url: databaseUrl } : { dataDir });
	try {
		await database.migrate();
		const db = database.db;
		const [org] = await db.insert(organisation).values({ name: 'Mätkommun' }).returning();
		const [u] = await db
			.insert(unit)
			.values({ organisationId: org.id, name: 'Hemtjänst Mät' })
			.returning();
		const passwordHash = await hash('rätt-lösenord-för-mätning');
		const known = Array.from({ length: 20 }, (_, i) => `medarbetare${i}`);
		await db.insert(staff).values(
			known.map((username) => ({
				organisationId: org.id,
				unitId: u.id,
				username,
				name: username,
				role: 'worker',
				passwordHash
			}))
		);
		const sessions = createSessionStore(db);
		const limits = {
			...DEFAULT_LOGIN_LIMITS,
			accountMax: 1e9,
			pairFree: 1e9,
			addressFree: 1e9
		};

		let n = 0;
		const once = async (kind: 'unknown' | 'wrong') => {
			n++;
			const username = kind === 'unknown' ? `okand${n}` : known[n % known.length];
			const started = performance.now();
			const result = await attemptLogin(
				db,
				sessions,
				{
					username,
					password: `fel-lösenord-${n}`,
					address: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
					userAgent: 'bench'
				},
				{ limits }
			);
			const ms = performance.now() - started;
			if (result.ok || result.reason !== 'invalid') throw new Error(`unexpected ${kind} result`);
			return ms;
		};

		for (let i = 0; i < WARM_UP; i++) {
			await once('unknown');
			await once('wrong');
		}
		const order = [
			...Array<'unknown'>(SAMPLES).fill('unknown'),
			...Array<'wrong'>(SAMPLES).fill('wrong')
		].sort(() => Math.random() - 0.5);
		const times = { unknown: [] as number[], wrong: [] as number[] };
		for (const kind of order) times[kind].push(await once(kind));

		const unknownMedian = quantile(times.unknown, 0.5);
		const wrongMedian = quantile(times.wrong, 0.5);
		console.log(`Failed sign-ins, ${SAMPLES} of each kind, ${database.kind}:`);
		for (const [label, values] of [
			['unknown username', times.unknown],
			['wrong password  ', times.wrong]
		] as const) {
			console.log(
				`  ${label}  median ${quantile(values, 0.5).toFixed(1)} ms, ` +
					`p10 ${quantile(values, 0.1).toFixed(1)} ms, p90 ${quantile(values, 0.9).toFixed(1)} ms`
			);
		}
		const difference = wrongMedian - unknownMedian;
		console.log(
			`  difference of the medians: ${difference.toFixed(1)} ms ` +
				`(${((100 * difference) / wrongMedian).toFixed(1)} % of a wrong password)`
		);
	} finally {
		await database.close();
		await dropDatabase();
		rmSync(dataDir, { recursive: true, force: true });
	}
}

await main();
