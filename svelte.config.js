import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ out: 'build' }),
		// SvelteKit checks the Origin of form posts itself; JSON endpoints and WebSocket
		// upgrades are checked against the same allowlist in hooks.server.ts and realtime/.
		csrf: { checkOrigin: true },
		typescript: {
			config(config) {
				config.include.push(
					'../tests/**/*.ts',
					'../scripts/**/*.ts',
					'../bench/**/*.ts',
					'../*.ts'
				);
			}
		}
	}
};

export default config;
