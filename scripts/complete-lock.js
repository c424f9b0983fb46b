// Completes package-lock.json with the optional platform packages (rollup-android-arm64,
// sdk-win32-x64, …) that the npm registry mirror of our build machines does not serve, so
// `npm install` leaves them out of the lock and `npm ci` then refuses it. Each added entry
// names its os/cpu, so npm skips it on every other platform without fetching anything.
// Run after changing dependencies: `npm install && node scripts/complete-lock.js`.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const OS = [
	'android',
	'darwin',
	'freebsd',
	'linux',
	'openbsd',
	'openharmony',
	'win32',
	'sunos',
	'aix',
	'netbsd'
];
/** @type {Record<string, string>} */
const CPU = {
	arm: 'arm',
	arm64: 'arm64',
	x64: 'x64',
	ia32: 'ia32',
	loong64: 'loong64',
	ppc64: 'ppc64',
	riscv64: 'riscv64',
	s390x: 's390x'
};

/**
 * os, cpu and libc of a platform package, from its name (`…-linux-arm64-musl`).
 * @param {string} name
 * @returns {{ os: string; cpu: string; libc: string | undefined } | null}
 */
export function platformOf(name) {
	const tokens = (name.split('/').pop() ?? '').split('-');
	const os = tokens.find((t) => OS.includes(t));
	const cpu = tokens.map((t) => CPU[t]).find(Boolean);
	if (!os || !cpu) return null;
	const libc =
		tokens.includes('musl') || tokens.includes('musleabihf')
			? 'musl'
			: tokens.includes('gnu') || tokens.includes('gnueabihf')
				? 'glibc'
				: undefined;
	return { os, cpu, libc };
}

/**
 * @typedef {{ version?: string; dev?: boolean; optional?: boolean; os?: string[]; cpu?: string[]; libc?: string[]; optionalDependencies?: Record<string, string> }} LockEntry
 * @param {{ packages: Record<string, LockEntry> }} lock
 * @returns {string[]} the entries added
 */
export function completeLock(lock) {
	const packages = lock.packages;
	const added = [];
	for (const [path, entry] of Object.entries(packages)) {
		for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
			const nested = `${path ? path + '/' : ''}node_modules/${name}`;
			if (packages[nested] || packages[`node_modules/${name}`]) continue;
			const platform = platformOf(name);
			if (!platform) continue;
			packages[`node_modules/${name}`] = {
				version,
				...(entry.dev ? { dev: true } : {}),
				optional: true,
				os: [platform.os],
				cpu: [platform.cpu],
				...(platform.libc ? { libc: [platform.libc] } : {})
			};
			added.push(`${name}@${version}`);
		}
	}
	lock.packages = Object.fromEntries(
		Object.entries(packages).sort(([a], [b]) => a.localeCompare(b, 'en'))
	);
	return added;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const file = new URL('../package-lock.json', import.meta.url);
	const lock = JSON.parse(readFileSync(file, 'utf8'));
	const added = completeLock(lock);
	writeFileSync(file, JSON.stringify(lock, null, '\t') + '\n');
	console.log(
		added.length
			? `added ${added.length} platform entries:\n  ${added.join('\n  ')}`
			: 'lock file complete'
	);
}
