// `npm start`: builds when there is no build or the sources changed since the last one,
// then runs the production server. Migrations and the demo seed (embedded database only)
// run inside the server at start.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = join(root, 'build', 'server.js');
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

const stale =
	!existsSync(entry) ||
	!existsSync(join(root, 'build', 'handler.js')) ||
	newestChange([...SOURCES, ...CONFIGS]) > statSync(entry).mtimeMs;

if (stale || process.argv.includes('--build')) {
	console.log('Building the app (this takes a minute the first time)…');
	const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
	if (result.status !== 0) process.exit(result.status ?? 1);
}

process.env.NODE_ENV ??= 'production';
await import(entry);
