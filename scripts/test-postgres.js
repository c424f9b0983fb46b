// The database tests again, against the PostgreSQL server named by TEST_DATABASE_URL
// (CI starts one). Without it there is nothing to do here: the PGlite pass already ran.
import { spawnSync } from 'node:child_process';

if (!process.env.TEST_DATABASE_URL) {
	console.log('TEST_DATABASE_URL is not set: the PostgreSQL pass is skipped (PGlite ran).');
	process.exit(0);
}
const result = spawnSync('npx', ['vitest', 'run', 'tests/integration', 'src/lib/server'], {
	stdio: 'inherit'
});
process.exit(result.status ?? 1);
