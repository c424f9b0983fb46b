import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';

/**
 * SvelteKit leaves the service worker out of the app's tsconfig (it runs with the webworker
 * library, not the DOM), so `npm run check` never sees it; its own project is checked here.
 */
it('the service worker type-checks as a worker', () => {
	const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
	const result = spawnSync(
		process.execPath,
		[tsc, '--noEmit', '-p', 'tsconfig.service-worker.json'],
		{ encoding: 'utf8' }
	);
	expect(result.stdout + result.stderr).toBe('');
	expect(result.status).toBe(0);
});
