/**
 * The schema and the committed migrations must agree: a change to schema.ts without its
 * generated migration in drizzle/ would leave production databases behind the code.
 *
 * drizzle-kit generates into a temporary copy of drizzle/; if the copy gains a file, the
 * schema has drifted (fix: `npm run db:generate` and commit the new migration).
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../../..');
const drizzleKit = join(root, 'node_modules/drizzle-kit/bin.cjs');
const temp = mkdtempSync(join(tmpdir(), 'ramtavlan-drift-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Every file under `dir`, relative to it. */
function filesIn(dir: string): string[] {
	return readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) => relative(dir, join(entry.parentPath, entry.name)))
		.sort();
}

/** Runs `drizzle-kit generate` for schema.ts into `out` (a copy of some migrations). */
async function generateInto(out: string) {
	// drizzle-kit joins `out` to the working directory, so it must be relative.
	await promisify(execFile)(
		process.execPath,
		[
			drizzleKit,
			'generate',
			'--dialect',
			'postgresql',
			'--schema',
			'./src/lib/server/db/schema.ts',
			'--out',
			relative(root, out)
		],
		{ cwd: root, timeout: 60_000 }
	);
}

describe('schema drift', () => {
	it('drizzle/ holds every change of schema.ts: generating again produces nothing', async () => {
		const out = join(temp, 'committed');
		cpSync(join(root, 'drizzle'), out, { recursive: true });
		const before = filesIn(out);

		await generateInto(out);

		expect(before.some((f) => f.endsWith('.sql'))).toBe(true);
		expect(filesIn(out)).toEqual(before);
	}, 60_000);

	it('the check notices a difference: without migrations, generating writes one', async () => {
		const out = join(temp, 'empty');

		await generateInto(out);

		expect(filesIn(out).filter((f) => f.endsWith('.sql'))).toHaveLength(1);
	}, 60_000);
});
