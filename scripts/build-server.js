// Bundles src/server.ts (and the realtime layer it mounts) into build/server.js beside
// adapter-node's handler. Packages stay external and load from node_modules.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

await build({
	entryPoints: [`${root}src/server.ts`],
	outfile: `${root}build/server.js`,
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node24',
	packages: 'external',
	alias: { $lib: `${root}src/lib` },
	sourcemap: true,
	logLevel: 'warning'
});
console.log('built build/server.js');
