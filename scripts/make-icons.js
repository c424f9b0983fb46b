// Renders the app icons in static/icons/ from the brand mark (three bars hanging from the
// top of a board, as in the header and favicon.svg): white bars on the brand teal. Run
// after changing the mark: `node scripts/make-icons.js`. The PNGs are committed, so
// building the app needs no browser.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const BRAND = '#1d4f4a';
const outDir = fileURLToPath(new URL('../static/icons/', import.meta.url));

/** The bars of favicon.svg in its 32-unit grid: x, width, height (all hang from y = 9). */
const BARS = [
	[6, 6, 14],
	[13.5, 6, 9],
	[21, 5, 11]
];
const GROUP = { x: 6, width: 20, height: 14 };

/**
 * @param {{ size: number; corner: number; barsWidth: number }} icon `corner` is the radius
 *   of the background as a share of the size (0 for a full square that a platform masks
 *   itself); `barsWidth` the share of the size the bars span.
 */
function iconSvg({ size, corner, barsWidth }) {
	const scale = (barsWidth * size) / GROUP.width;
	const left = (size - GROUP.width * scale) / 2;
	const top = (size - GROUP.height * scale) / 2;
	const bars = BARS.map(
		([x, width, height]) =>
			`<rect x="${left + (x - GROUP.x) * scale}" y="${top}" width="${width * scale}" ` +
			`height="${height * scale}" rx="${2 * scale}" fill="#fff"/>`
	).join('');
	return (
		`<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" ` +
		`viewBox="0 0 ${size} ${size}"><rect width="${size}" height="${size}" ` +
		`rx="${corner * size}" fill="${BRAND}"/>${bars}</svg>`
	);
}

/**
 * - `any`: a rounded tile, as on a desktop or a launcher that does not mask.
 * - maskable: full bleed; the bars span half the width, so they stay inside the central
 *   circle of 80 % that every mask keeps.
 * - Apple: full bleed (iOS rounds the corners itself and fills transparency with black).
 */
const ICONS = [
	{ file: 'icon-192.png', size: 192, corner: 0.1875, barsWidth: 0.62 },
	{ file: 'icon-512.png', size: 512, corner: 0.1875, barsWidth: 0.62 },
	{ file: 'icon-maskable-512.png', size: 512, corner: 0, barsWidth: 0.5 },
	{ file: 'apple-touch-icon.png', size: 180, corner: 0, barsWidth: 0.58 }
];

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: [
		'--no-sandbox',
		'--disable-gpu',
		'--disable-background-networking',
		'--disable-component-update',
		'--disable-sync',
		'--no-first-run'
	]
});
try {
	mkdirSync(outDir, { recursive: true });
	for (const icon of ICONS) {
		const page = await browser.newPage({
			viewport: { width: icon.size, height: icon.size },
			deviceScaleFactor: 1
		});
		await page.setContent(
			`<!doctype html><html><body style="margin:0">${iconSvg(icon)}</body></html>`
		);
		const png = await page.locator('svg').screenshot({ omitBackground: true });
		writeFileSync(outDir + icon.file, png);
		console.log(`static/icons/${icon.file} (${icon.size}×${icon.size})`);
		await page.close();
	}
} finally {
	await browser.close();
}
