import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './tests/e2e/chromium.ts';
import { E2E_BENCHMARK, E2E_DATASET, E2E_PORT, E2E_PORT_NO_DATA } from './tests/e2e/paths.ts';

/** E2e tests drive the built app (adapter-node, as users get it) in real Chromium. */
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
		launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS }
	},
	webServer: [
		{
			command: `node build/index.js`,
			port: E2E_PORT,
			reuseExistingServer: false,
			env: {
				PORT: String(E2E_PORT),
				HOST: '127.0.0.1',
				PATHWAY_INSIGHT_DATA: E2E_DATASET,
				PATHWAY_INSIGHT_BENCHMARK: E2E_BENCHMARK
			}
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
