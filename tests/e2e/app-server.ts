/**
 * The built app (adapter-node, as users run it) serving one dataset on a port of its own, behind
 * a counting proxy: for e2e tests that need a dataset of their own (damaged, republished) and
 * for the browser bench.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCountingProxy, type CountingProxy } from './counting-proxy.ts';

export interface AppServer {
	/** The app's own address. */
	url: string;
	proxy: CountingProxy;
	/** What the server printed on stdout (adapter-node says where it listens). */
	stdout(): string;
	close(): Promise<void>;
}

export async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
	const { port } = server.address() as { port: number };
	await new Promise((done) => server.close(done));
	return port;
}

export async function startApp(
	dataset: string,
	{ build = 'build', env = { HOST: '127.0.0.1' } }: { build?: string; env?: NodeJS.ProcessEnv } = {}
): Promise<AppServer> {
	const port = await freePort();
	const base: NodeJS.ProcessEnv = { ...process.env };
	delete base.HOST;
	const child = spawn(process.execPath, [`${build}/index.js`], {
		env: { ...base, ...env, PORT: String(port), PATHWAY_INSIGHT_DATA: dataset },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const exited = new Promise<void>((done) => child.once('exit', () => done()));
	for (let tries = 0; ; tries++) {
		if (child.exitCode !== null)
			throw new Error(`the app stopped at start (status ${child.exitCode}): ${stderr.trim()}`);
		// Any answer will do: a missing dataset is for the page to report.
		const up = await fetch(`http://127.0.0.1:${port}/data/manifest.json`).then(
			() => true,
			() => false
		);
		if (up) break;
		if (tries > 100) {
			child.kill();
			throw new Error(`the app did not answer on port ${port} within 10 s: ${stderr.trim()}`);
		}
		await sleep(100);
	}
	const proxy = await startCountingProxy(port);
	return {
		url: `http://127.0.0.1:${port}`,
		proxy,
		stdout: () => stdout,
		async close() {
			await proxy.close();
			child.kill();
			await exited;
		}
	};
}
