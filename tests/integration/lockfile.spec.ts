import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { completeLock, platformOf } from '../../scripts/complete-lock.js';

describe('package-lock.json', () => {
	it('lists every optional platform package, so `npm ci` accepts it on a fresh machine', () => {
		const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
		expect(completeLock(lock)).toEqual([]);
	});

	it('reads os, cpu and libc from platform package names', () => {
		expect(platformOf('@rollup/rollup-linux-arm64-musl')).toEqual({
			os: 'linux',
			cpu: 'arm64',
			libc: 'musl'
		});
		expect(platformOf('@rollup/rollup-win32-x64-msvc')).toEqual({
			os: 'win32',
			cpu: 'x64',
			libc: undefined
		});
		expect(platformOf('@rollup/rollup-linux-arm-gnueabihf')).toEqual({
			os: 'linux',
			cpu: 'arm',
			libc: 'glibc'
		});
		expect(platformOf('fsevents')).toBeNull();
	});
});
