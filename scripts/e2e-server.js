// Starts the production build on a fresh embedded database for the browser tests, so every
// run begins from the seeded demo. Always builds first, so the tests see the current code.
// Everything the server prints also goes to test-results/e2e-server.log, which the run's
// teardown searches for client data (tests/e2e/global-teardown.ts).
import { closeSync, mkdirSync, mkdtempSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER_LOG = fileURLToPath(new URL('../test-results/e2e-server.log', import.meta.url));

mkdirSync(dirname(SERVER_LOG), { recursive: true });
const log = openSync(SERVER_LOG, 'w');
for (const stream of [process.stdout, process.stderr]) {
	const write = stream.write.bind(stream);
	// Written at once (not buffered), so a server stopped by a signal leaves a complete log.
	stream.write = (chunk, ...rest) => {
		try {
			writeSync(log, typeof chunk === 'string' ? chunk : Buffer.from(chunk));
		} catch {
			// The log is for the check after the run; the console output matters more.
		}
		return write(chunk, ...rest);
	};
}
process.on('exit', () => closeSync(log));

process.env.DATA_DIR = mkdtempSync(join(tmpdir(), 'ramtavlan-e2e-'));
process.env.SEED_DEMO = 'true';
delete process.env.DATABASE_URL;
if (!process.env.E2E_SKIP_BUILD) process.argv.push('--build');
await import('./start.js');
