/**
 * `npm run db:migrate`: applies pending migrations from `drizzle/` to the database the app
 * would use — `DATABASE_URL` when set, otherwise the embedded PGlite in `DATA_DIR` (./data).
 */
import { openDatabase } from '../src/lib/server/db/client';
import { configFromEnv } from '../src/lib/server/config';

const config = configFromEnv();
const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite i ${config.dataDir}`;
const handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
try {
	await handle.migrate();
	console.log(`Migreringarna är klara: ${where}.`);
} catch (error) {
	console.error(`Migreringen misslyckades (${where}):`, error);
	process.exitCode = 1;
} finally {
	await handle.close();
}
