/** The built app (adapter-node, as users run it) serving one dataset, behind a counting proxy. */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCountingProxy, type CountingProxy } from '../../tests/e2e/counting-proxy.ts';

export interface AppServer {
	proxy: CountingProxy;
	close(): Promise<void>;
}

async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
	const { port } = server.address() as { port: number };
	await new Promise((done) => server.close(done));
	return port;
}

export async function startApp(dataset: string, build = 'build'): Promise<AppServer> {
	const port = await freePort();
	const child = spawn(process.execPath, [`${build}/index.js`], {
		env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', PATHWAY_INSIGHT_DATA: dataset },
		stdio: ['ignore', 'ignore', 'pipe']
	});
	let stderr = '';
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
		proxy,
		async close() {
			await proxy.close();
			child.kill();
			await exited;
		}
	};
}
