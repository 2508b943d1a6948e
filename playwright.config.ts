import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';
import { E2E_DATASET, E2E_PORT, E2E_PORT_NO_DATA } from './tests/e2e/paths.ts';

/**
 * E2e tests drive the built app (adapter-node, as users get it) in real Chromium. On this kind of
 * machine that is Debian's chromium; set CHROMIUM_PATH to use another, or unset it and remove
 * /usr/bin/chromium to let Playwright use its own browser.
 */
const chromium =
	process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.spec.ts',
	globalSetup: './tests/e2e/global-setup.ts',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	timeout: 60_000,
	reporter: process.env.CI ? [['list']] : [['list']],
	use: {
		viewport: { width: 1280, height: 900 },
		launchOptions: {
			executablePath: chromium,
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--no-first-run',
				// Any host but this machine fails to resolve: a request leaving the app cannot succeed.
				'--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1'
			]
		}
	},
	webServer: [
		{
			command: `node build/index.js`,
			port: E2E_PORT,
			reuseExistingServer: false,
			env: { PORT: String(E2E_PORT), HOST: '127.0.0.1', PATHWAY_INSIGHT_DATA: E2E_DATASET }
		},
		{
			command: `node build/index.js`,
			port: E2E_PORT_NO_DATA,
			reuseExistingServer: false,
			env: {
				PORT: String(E2E_PORT_NO_DATA),
				HOST: '127.0.0.1',
				PATHWAY_INSIGHT_DATA: `${E2E_DATASET}-does-not-exist`
			}
		}
	]
});
