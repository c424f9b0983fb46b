// The database tests again, against the PostgreSQL server named by TEST_DATABASE_URL
// (CI starts one). Without it there is nothing to do here: the PGlite pass already ran.
import { spawnSync } from 'node:child_process';

if (!process.env.TEST_DATABASE_URL) {
	console.log('TEST_DATABASE_URL is not set: the PostgreSQL pass is skipped (PGlite ran).');
	process.exit(0);
}
const suites = [
	'tests/integration',
	'tests/security',
	'src/lib/server',
	// The quick forms of the fault tests that need PostgreSQL (see vite.config.ts).
	'tests/faults/server-crash.spec.ts',
	'tests/faults/postgres-crash.spec.ts'
];
const result = spawnSync('npx', ['vitest', 'run', ...suites], { stdio: 'inherit' });
process.exit(result.status ?? 1);
