/**
 * `npm run db:seed -- --demo`: migrates, then seeds the demo organisation (DESIGN.md §5) into
 * the database the app would use (`DATABASE_URL`, else PGlite in `DATA_DIR`, default ./data).
 *
 * The demo only goes into an empty database: a database that already holds an organisation is
 * left alone and the command exits with 1, or with 0 when `--if-empty` says that is expected.
 * `--today=YYYY-MM-DD` seeds relative to another day (stable screenshots).
 */
import { parseArgs } from 'node:util';
import { isValidIsoDate } from '../src/lib/domain/periods';
import { openDatabase } from '../src/lib/server/db/client';
import { migrateAndSeed } from '../src/lib/server/db/migrate';
import { DEMO_PASSWORD } from '../src/lib/server/db/seed-demo';
import { configFromEnv } from '../src/lib/server/config';

const USAGE = 'Användning: npm run db:seed -- --demo [--if-empty] [--today=YYYY-MM-DD]';

function fail(message: string): never {
	console.error(message);
	process.exit(1);
}

let args: { demo?: boolean; 'if-empty'?: boolean; today?: string; help?: boolean };
try {
	args = parseArgs({
		options: {
			demo: { type: 'boolean' },
			'if-empty': { type: 'boolean' },
			today: { type: 'string' },
			help: { type: 'boolean', short: 'h' }
		}
	}).values;
} catch (error) {
	fail(`${(error as Error).message}\n${USAGE}`);
}
if (args.help) {
	console.log(USAGE);
	process.exit(0);
}
if (!args.demo) fail(`Ange --demo: det är den enda data som kan läggas in.\n${USAGE}`);
if (args.today !== undefined && !isValidIsoDate(args.today)) {
	fail(`--today ska vara ett datum (YYYY-MM-DD), inte "${args.today}".`);
}

const config = configFromEnv();
const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite i ${config.dataDir}`;
const handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
try {
	const { seeded } = await migrateAndSeed(handle, { demo: true, today: args.today });
	if (seeded) {
		console.log(
			`Demo-organisationen Exempelkommun är inlagd: ${where}. ` +
				`Logga in som t.ex. anna, maria eller admin med lösenordet ${DEMO_PASSWORD}.`
		);
	} else if (args['if-empty']) {
		console.log('Databasen är inte tom; demo läggs bara in i en tom databas. Inget ändrat.');
	} else {
		console.error('Databasen är inte tom; demo läggs bara in i en tom databas.');
		process.exitCode = 1;
	}
} catch (error) {
	console.error(`Demodata kunde inte läggas in (${where}):`, error);
	process.exitCode = 1;
} finally {
	await handle.close();
}
