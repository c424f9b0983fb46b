// What scripts/ensure-chromium.js does about the browser the Playwright tests use, as a
// pure function of what it found, so every case is tested without touching the machine.

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/**
 * @typedef {object} ChromiumFacts
 * @property {string} path the browser the tests will launch (`CHROMIUM_PATH` or the default)
 * @property {boolean} exists whether an executable file is there
 * @property {boolean} overridden whether `CHROMIUM_PATH` chose the path
 * @property {boolean} isLinux
 * @property {boolean} isRoot
 * @property {boolean} hasAptGet whether `apt-get` is on the PATH
 * @property {boolean} [installed] whether `apt-get install chromium` has already run
 */

/**
 * `'ok'` to run the tests, `'install'` to install Chromium with apt-get first, or one line
 * saying what to do. Installing is only tried where it cannot surprise anyone: as root on a
 * Debian-like system, for the default path, and once. A path chosen with `CHROMIUM_PATH` is
 * never "fixed" by installing something else.
 * @param {ChromiumFacts} facts
 * @returns {'ok' | 'install' | { error: string }}
 */
export function planChromium({ path, exists, overridden, isLinux, isRoot, hasAptGet, installed }) {
	if (exists) return 'ok';
	if (overridden) {
		return {
			error:
				`Browser tests need Chromium, but CHROMIUM_PATH=${path} is not an executable file: ` +
				`point CHROMIUM_PATH at Chromium, or unset it to use ${DEFAULT_CHROMIUM}.`
		};
	}
	if (installed) {
		return {
			error:
				`Browser tests need Chromium at ${path}, and "apt-get install -y chromium" did not ` +
				`put it there (see apt-get's output above): install it by hand or set CHROMIUM_PATH.`
		};
	}
	if (!isLinux) {
		return {
			error: `Browser tests need Chromium: set CHROMIUM_PATH to a Chromium or Chrome executable.`
		};
	}
	if (!hasAptGet) {
		return {
			error:
				`Browser tests need Chromium at ${path}: install it with your package manager ` +
				`or set CHROMIUM_PATH.`
		};
	}
	if (!isRoot) {
		return {
			error:
				`Browser tests need Chromium at ${path}: run "sudo apt-get install -y chromium" ` +
				`or set CHROMIUM_PATH.`
		};
	}
	return 'install';
}
