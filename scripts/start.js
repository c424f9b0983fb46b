// `npm start`: builds when no build exists, then runs the production server. Migrations
// and the demo seed (embedded database only) run inside the server at start.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = `${root}build/server.js`;

if (
	!existsSync(entry) ||
	!existsSync(`${root}build/handler.js`) ||
	process.argv.includes('--build')
) {
	console.log('No build found: building (this takes a minute the first time)…');
	const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
	if (result.status !== 0) process.exit(result.status ?? 1);
}

process.env.NODE_ENV ??= 'production';
await import(entry);
