import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { realtimeDevPlugin } from './src/lib/server/realtime/vite-plugin';

/**
 * Tests that run only where PostgreSQL is at hand (TEST_DATABASE_URL, the PostgreSQL
 * pass of `npm test`): the PostgreSQL crash stops a server of its own, several processes
 * share one PostgreSQL (PGlite serves one process), and the quick server
 * crash restarts its server five times, a moment each on PostgreSQL and seconds on PGlite.
 */
function postgresOnly(): string[] {
	if (process.env.TEST_DATABASE_URL) return [];
	const files = [
		'tests/faults/postgres-crash.spec.ts',
		'tests/faults/cluster.spec.ts',
		'tests/integration/cluster-ownership.spec.ts',
		'tests/integration/usage-summary-concurrency.spec.ts'
	];
	if (process.env.FAULTS !== 'full') files.push('tests/faults/server-crash.spec.ts');
	return files;
}

/**
 * Test files whose guarantees are times (a change arriving within 250 ms, an event loop never
 * busy for longer) or that kill, crash and flood servers: they run alone, after the others.
 */
const TIMING = ['tests/faults/**/*.spec.ts', 'tests/integration/realtime-isolation.spec.ts'];

export default defineConfig({
	plugins: [
		paraglideVitePlugin({
			project: './project.inlang',
			outdir: './src/lib/paraglide',
			strategy: ['cookie', 'baseLocale']
		}),
		sveltekit(),
		// `npm run dev` serves /yjs and /socket.io like production does.
		realtimeDevPlugin()
	],
	server: { port: 5173 },
	test: {
		expect: { requireAssertions: true },
		testTimeout: 20_000,
		hookTimeout: 60_000,
		pool: 'forks',
		// Most test files wait on sockets, child processes and the database more than they
		// compute: two at a time keep both cores busy. The files that measure time, or kill
		// and flood servers, run afterwards one at a time (the `timing` project).
		maxWorkers: 2,
		projects: [
			{
				extends: true,
				test: {
					name: 'server',
					environment: 'node',
					sequence: { groupOrder: 0 },
					// Every database test starts from one migrated database, built once here.
					globalSetup: ['tests/fixtures/global-setup.ts'],
					include: [
						'src/**/*.spec.ts',
						'tests/integration/**/*.spec.ts',
						'tests/faults/**/*.spec.ts',
						'tests/security/**/*.spec.ts'
					],
					exclude: ['src/**/*.svelte.spec.ts', ...TIMING, ...postgresOnly()]
				}
			},
			{
				extends: true,
				resolve: { conditions: ['browser'] },
				test: {
					name: 'components',
					environment: 'jsdom',
					sequence: { groupOrder: 0 },
					include: ['src/**/*.svelte.spec.ts']
				}
			},
			{
				extends: true,
				test: {
					name: 'timing',
					environment: 'node',
					sequence: { groupOrder: 1 },
					fileParallelism: false,
					maxWorkers: 1,
					globalSetup: ['tests/fixtures/global-setup.ts'],
					include: TIMING,
					exclude: postgresOnly()
				}
			}
		]
	}
});
