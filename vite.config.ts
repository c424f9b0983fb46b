import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { realtimeDevPlugin } from './src/lib/server/realtime/vite-plugin';

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
					include: ['src/**/*.spec.ts', 'tests/integration/**/*.spec.ts'],
					exclude: ['src/**/*.svelte.spec.ts']
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
