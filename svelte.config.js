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
		// and WebSocket upgrades are checked against ALLOWED_ORIGINS in
		// $lib/server/cross-site.ts and the realtime layer.
		// Scripts only from the app itself plus SvelteKit's own inline start-up script, which
		// gets a fresh nonce per page (a hash on prerendered pages). Styles may be inline:
		// Svelte's transitions and style directives write them. $lib/server/cross-site.ts adds
		// the app's own ws:/wss: origin to connect-src for browsers where 'self' does not cover
		// WebSockets (Safari before 16). docs/security.md lists what each directive is for.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self', 'data:'],
				'connect-src': ['self'],
				'worker-src': ['self'],
				'manifest-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		},
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
