// Builds the app when there is no build or the sources changed since the last one: used by
// `npm start` and `npm run cluster`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
/** The production server (adapter-node's handler, the realtime layer and src/server.ts). */
export const serverEntry = join(root, 'build', 'server.js');
const SOURCES = ['src', 'static', 'messages', 'project.inlang/settings.json', 'package.json'];
const CONFIGS = ['svelte.config.js', 'vite.config.ts', 'package-lock.json'];

/** The newest modification time under the given paths (generated code excluded). */
function newestChange(paths) {
	let newest = 0;
	const visit = (path) => {
		if (!existsSync(path) || path.endsWith(join('src', 'lib', 'paraglide'))) return;
		const stat = statSync(path);
		if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
		else newest = Math.max(newest, stat.mtimeMs);
	};
	for (const path of paths) visit(join(root, path));
	return newest;
}

/** Builds unless the build is newer than every source; `force` builds anyway. */
export function ensureBuild(force = false) {
	const stale =
		!existsSync(serverEntry) ||
		!existsSync(join(root, 'build', 'handler.js')) ||
		newestChange([...SOURCES, ...CONFIGS]) > statSync(serverEntry).mtimeMs;
	if (!stale && !force) return;
	console.log('Building the app (this takes a minute the first time)…');
	const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
	if (result.status !== 0) process.exit(result.status ?? 1);
}
