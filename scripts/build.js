// `npm run build`: the SvelteKit app (client and server) and then the production entry.
// One build id for the whole build: the client and server bundles must agree on it, and
// the config is evaluated more than once during a build.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = {
	...process.env,
	RAMTAVLAN_BUILD_ID: process.env.RAMTAVLAN_BUILD_ID ?? String(Date.now())
};

for (const [command, args] of [
	['npx', ['vite', 'build']],
	['node', ['scripts/build-server.js']]
]) {
	const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
	if (result.status !== 0) process.exit(result.status ?? 1);
}
