// `npm test`: the unit and integration tests on PGlite first; then the PostgreSQL pass and
// the browser tests side by side. The two share nothing — the PostgreSQL pass works in
// databases of its own on TEST_DATABASE_URL, the browser tests against a server on an
// embedded database in a temporary directory — and both spend most of their time waiting
// (on sockets, a browser, child processes), so together they take little longer than the
// browser tests alone. The browser tests print as they go; the PostgreSQL pass's output is
// kept and printed whole when it ends, so the two do not interleave.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs `npm run <script>`, streaming its output, or into `logFile` when given.
 * @param {string} script
 * @param {string} [logFile]
 * @returns {Promise<number>}
 */
function run(script, logFile) {
	return new Promise((done) => {
		const stdio = logFile ? ['ignore', 'pipe', 'pipe'] : 'inherit';
		const child = spawn('npm', ['run', script], { stdio });
		if (logFile) {
			const log = createWriteStream(logFile);
			child.stdout?.pipe(log, { end: false });
			child.stderr?.pipe(log, { end: false });
			child.once('close', (code) => log.end(() => done(code ?? 1)));
		} else {
			child.once('close', (code) => done(code ?? 1));
		}
	});
}

const started = Date.now();
const seconds = () => `${Math.round((Date.now() - started) / 1000)} s`;

const unit = await run('test:unit');
if (unit !== 0) process.exit(unit);
console.log(
	`\n== PGlite pass done (${seconds()}); PostgreSQL pass and browser tests side by side\n`
);

const dir = mkdtempSync(join(tmpdir(), 'ramtavlan-test-'));
const postgresLog = join(dir, 'postgres.log');
const postgresRun = run('test:postgres', postgresLog).then((code) => {
	console.log(`\n== PostgreSQL pass done (${seconds()}, exit ${code}); its output:\n`);
	console.log(readFileSync(postgresLog, 'utf8'));
	return code;
});
// Both load the Vite config, whose plugins write the compiled messages and SvelteKit's
// generated files: the browser tests' build starts once Vitest has written them.
await Promise.race([
	postgresRun,
	new Promise((ready) => {
		const check = setInterval(() => {
			let log = '';
			try {
				log = readFileSync(postgresLog, 'utf8');
			} catch {
				// Not created yet.
			}
			if (/\bRUN\b|skipped/.test(log)) ready(clearInterval(check));
		}, 250);
		setTimeout(() => ready(clearInterval(check)), 30_000);
	})
]);
const [postgres, e2e] = await Promise.all([postgresRun, run('test:e2e')]);
rmSync(dir, { recursive: true, force: true });
console.log(
	`\n== npm test: PostgreSQL pass exit ${postgres}, browser tests exit ${e2e} (${seconds()})`
);
process.exit(postgres || e2e);
