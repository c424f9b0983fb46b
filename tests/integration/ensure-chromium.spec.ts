import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CHROMIUM, planChromium } from '../../scripts/chromium-plan.js';

/** A fresh Debian machine, run as root: everything allows installing. */
const fresh = {
	path: DEFAULT_CHROMIUM,
	exists: false,
	overridden: false,
	isLinux: true,
	isRoot: true,
	hasAptGet: true,
	installed: false
};

const errorOf = (plan: ReturnType<typeof planChromium>): string => {
	if (typeof plan === 'string') throw new Error(`expected an error, got ${plan}`);
	return plan.error;
};

describe('planChromium', () => {
	it('runs the tests when the browser is there, whoever and wherever we are', () => {
		expect(planChromium({ ...fresh, exists: true })).toBe('ok');
		expect(planChromium({ ...fresh, exists: true, isRoot: false, hasAptGet: false })).toBe('ok');
		expect(planChromium({ ...fresh, exists: true, overridden: true, path: '/opt/c/chrome' })).toBe(
			'ok'
		);
		expect(planChromium({ ...fresh, exists: true, isLinux: false })).toBe('ok');
	});

	it('installs with apt-get as root on Linux when the default browser is missing', () => {
		expect(planChromium(fresh)).toBe('install');
	});

	it('installs only once: still missing afterwards is an error', () => {
		const error = errorOf(planChromium({ ...fresh, installed: true }));
		expect(error).toContain(DEFAULT_CHROMIUM);
		expect(error).toContain('CHROMIUM_PATH');
	});

	it('never installs for a missing CHROMIUM_PATH, even as root', () => {
		const error = errorOf(planChromium({ ...fresh, overridden: true, path: '/nonexistent' }));
		expect(error).toContain('CHROMIUM_PATH=/nonexistent');
		expect(error).toContain(DEFAULT_CHROMIUM);
	});

	it('tells someone who is not root which command to run', () => {
		expect(errorOf(planChromium({ ...fresh, isRoot: false }))).toBe(
			'Browser tests need Chromium at /usr/bin/chromium: run "sudo apt-get install -y chromium" or set CHROMIUM_PATH.'
		);
	});

	it('does not suggest apt-get where there is none', () => {
		const error = errorOf(planChromium({ ...fresh, hasAptGet: false }));
		expect(error).not.toContain('apt-get');
		expect(error).toContain('CHROMIUM_PATH');
	});

	it('asks for CHROMIUM_PATH off Linux', () => {
		const error = errorOf(planChromium({ ...fresh, isLinux: false, hasAptGet: false }));
		expect(error).not.toContain('apt-get');
		expect(error).toContain('CHROMIUM_PATH');
	});

	it('says everything in one line', () => {
		const cases = [
			{ ...fresh, installed: true },
			{ ...fresh, overridden: true },
			{ ...fresh, isRoot: false },
			{ ...fresh, hasAptGet: false },
			{ ...fresh, isLinux: false }
		];
		for (const facts of cases) expect(errorOf(planChromium(facts))).not.toContain('\n');
	});
});

describe('scripts/ensure-chromium.js', () => {
	/** CHROMIUM_PATH is always set here, so the script can never reach apt-get. */
	const run = (chromiumPath: string) =>
		spawnSync(process.execPath, ['scripts/ensure-chromium.js'], {
			env: { ...process.env, CHROMIUM_PATH: chromiumPath },
			encoding: 'utf8'
		});

	it('is silent and succeeds when the browser is there', () => {
		const result = run(process.execPath);
		expect(result.status).toBe(0);
		expect(result.stdout + result.stderr).toBe('');
	});

	it('stops with one line on stderr when CHROMIUM_PATH names nothing', () => {
		const result = run('/nonexistent/chromium');
		expect(result.status).toBe(1);
		expect(result.stdout).toBe('');
		expect(result.stderr.trim().split('\n')).toHaveLength(1);
		expect(result.stderr).toContain('CHROMIUM_PATH=/nonexistent/chromium');
	});

	it('refuses a directory', () => {
		expect(run('/usr/bin').status).toBe(1);
	});
});
