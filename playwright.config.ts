import { defineConfig, devices } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 4173);
const chromiumArgs = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync'
];

export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.e2e.ts',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	timeout: 30_000,
	reporter: process.env.CI ? 'line' : 'list',
	outputDir: 'test-results/e2e',
	// The server's output of the whole run must not name a client (docs/security.md).
	globalTeardown: './tests/e2e/global-teardown.ts',
	use: {
		baseURL: `http://localhost:${port}`,
		locale: 'sv-SE',
		timezoneId: 'Europe/Stockholm',
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: chromiumArgs
		},
		trace: 'retain-on-failure'
	},
	projects: [
		{
			name: 'tablet',
			use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 800 }, hasTouch: true }
		}
	],
	webServer: {
		command: 'node scripts/e2e-server.js',
		url: `http://localhost:${port}/healthz`,
		reuseExistingServer: false,
		timeout: 240_000,
		env: { PORT: String(port) }
	}
});
