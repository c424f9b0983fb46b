/**
 * `npm run db:migrate` and `npm run db:seed -- --demo` as an operator runs them: against the
 * embedded database in DATA_DIR, or against the PostgreSQL test database when
 * TEST_DATABASE_URL is set (see tests/fixtures/test-db.ts).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/server/db/client';
import * as schema from '../../src/lib/server/db/schema';
import { createTestDatabase, type TestDatabase } from '../fixtures/test-db';

const root = resolve(import.meta.dirname, '../..');

let env: Record<string, string>;
let postgres: TestDatabase | undefined;
let dataDir: string | undefined;

beforeAll(async () => {
	const base = { ...process.env } as Record<string, string>;
	delete base.DATABASE_URL;
	delete base.DATA_DIR;
	if (process.env.TEST_DATABASE_URL) {
		// A fresh server-side database; the scripts migrate and seed it like any other.
		postgres = await createTestDatabase();
		env = { ...base, DATABASE_URL: postgres.url! };
	} else {
		// A child process cannot share an in-memory PGlite: use an empty data directory.
		dataDir = mkdtempSync(join(tmpdir(), 'ramtavlan-scripts-'));
		env = { ...base, DATA_DIR: join(dataDir, 'data') };
	}
});
afterAll(async () => {
	await postgres?.close();
	if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function run(script: string, args: string[] = []) {
	return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
		execFile(
			process.execPath,
			['--import', 'tsx', join('scripts', script), ...args],
			{ cwd: root, env, timeout: 60_000 },
			(error, stdout, stderr) => {
				const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
				done({ code, stdout, stderr });
			}
		);
	});
}

async function organisations() {
	const handle = await openDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR });
	try {
		return (await handle.db.select().from(schema.organisation)).map((o) => o.name);
	} finally {
		await handle.close();
	}
}

describe('database scripts', () => {
	it('db:migrate prepares the database and says where', async () => {
		const result = await run('migrate.ts');

		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/Migreringarna är klara/);
		expect(await organisations()).toEqual([]);
	}, 60_000);

	it('db:seed -- --demo seeds the demo into the empty database', async () => {
		const result = await run('seed.ts', ['--demo', '--today=2026-11-23']);

		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/Exempelkommun/);
		expect(result.stdout).toMatch(/ramtavlan-demo/);
		expect(await organisations()).toEqual(['Exempelkommun']);
	}, 60_000);

	it('db:seed refuses a database that is not empty, unless --if-empty says that is fine', async () => {
		const refused = await run('seed.ts', ['--demo']);
		const accepted = await run('seed.ts', ['--demo', '--if-empty']);

		expect(refused.code).toBe(1);
		expect(refused.stderr).toMatch('Databasen är inte tom; demo läggs bara in i en tom databas.');
		expect(accepted.code).toBe(0);
		expect(await organisations()).toEqual(['Exempelkommun']);
	}, 120_000);

	it('db:seed without --demo explains what it needs', async () => {
		const result = await run('seed.ts');

		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/--demo/);
	}, 60_000);
});
