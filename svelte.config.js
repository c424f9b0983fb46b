import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ out: 'build' }),
		// Set once per build by scripts/build.js, so client and server bundles agree.
		version: { name: process.env.RAMTAVLAN_BUILD_ID ?? String(Date.now()) },
		// SvelteKit checks the Origin of form posts itself (on by default); JSON endpoints
		// and WebSocket upgrades are checked against ALLOWED_ORIGINS in hooks.server.ts and
		// the realtime layer.
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
