/**
 * How every browser run here launches Chromium: the e2e tests (playwright.config.ts) and the
 * browser bench. On this kind of machine that is Debian's chromium; set CHROMIUM_PATH to use
 * another, or unset it and remove /usr/bin/chromium to let Playwright use its own browser.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH =
	process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
	// Any host but this machine fails to resolve: a request leaving the app cannot succeed.
	'--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1'
];
