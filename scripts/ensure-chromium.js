// Runs before the browser tests (`npm run test:e2e`): makes sure the Chromium they launch is
// there, installing Debian's package when that is safe (as root, with apt-get), and
// otherwise stops with one line saying what to do, instead of every test failing on
// "executable doesn't exist". Silent when Chromium is already there.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { DEFAULT_CHROMIUM, planChromium } from './chromium-plan.js';

/** @param {string} path */
function isExecutableFile(path) {
	try {
		accessSync(path, constants.X_OK);
		return statSync(path).isFile();
	} catch {
		return false;
	}
}

/** @param {string} command */
function onPath(command) {
	return (process.env.PATH ?? '')
		.split(delimiter)
		.some((dir) => dir !== '' && isExecutableFile(join(dir, command)));
}

/**
 * apt-get's output is kept back unless it fails: a successful install needs no screenful of
 * package names, a failed one needs the reason.
 * @param {string[]} args
 */
function aptGet(args) {
	const result = spawnSync('apt-get', args, {
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
		encoding: 'utf8',
		maxBuffer: 64 * 1024 * 1024
	});
	if (result.status !== 0) {
		const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}`;
		process.stderr.write(output.trim().split('\n').slice(-10).join('\n') + '\n');
	}
	return result.status === 0;
}

const overridden = process.env.CHROMIUM_PATH !== undefined;
const path = process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM;
const facts = {
	path,
	overridden,
	isLinux: process.platform === 'linux',
	isRoot: process.getuid?.() === 0,
	hasAptGet: onPath('apt-get'),
	exists: isExecutableFile(path),
	installed: false
};

let plan = planChromium(facts);
if (plan === 'install') {
	console.log(`Installing Chromium for the browser tests (apt-get install chromium) …`);
	// Old package lists may still do if the update fails, so the install is tried anyway.
	aptGet(['update', '-qq']);
	aptGet(['install', '-y', '-qq', 'chromium']);
	plan = planChromium({ ...facts, installed: true, exists: isExecutableFile(path) });
	if (plan === 'ok') console.log(`Chromium installed at ${path}.`);
}
if (plan !== 'ok') {
	console.error(plan === 'install' ? `Chromium is missing at ${path}.` : plan.error);
	process.exit(1);
}
