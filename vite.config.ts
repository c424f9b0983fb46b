import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { realtimeDevPlugin } from './src/lib/server/realtime/vite-plugin';

/**
 * Fault tests that run only where PostgreSQL is at hand (TEST_DATABASE_URL, the PostgreSQL
 * pass of `npm test`): the PostgreSQL crash stops a server of its own, and the quick server
 * crash restarts its server five times, a moment each on PostgreSQL and seconds on PGlite.
 */
function faultsOnPostgresOnly(): string[] {
	if (process.env.TEST_DATABASE_URL) return [];
	const files = ['tests/faults/postgres-crash.spec.ts'];
	if (process.env.FAULTS !== 'full') files.push('tests/faults/server-crash.spec.ts');
	return files;
}

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
		projects: [
			{
				extends: true,
				test: {
					name: 'server',
					environment: 'node',
					// Every database test starts from one migrated database, built once here.
					globalSetup: ['tests/fixtures/global-setup.ts'],
					include: [
						'src/**/*.spec.ts',
						'tests/integration/**/*.spec.ts',
						'tests/faults/**/*.spec.ts',
						'tests/security/**/*.spec.ts'
					],
					exclude: ['src/**/*.svelte.spec.ts', ...faultsOnPostgresOnly()]
				}
			},
			{
				extends: true,
				resolve: { conditions: ['browser'] },
				test: {
					name: 'components',
					environment: 'jsdom',
					include: ['src/**/*.svelte.spec.ts']
				}
			}
		]
	}
});
