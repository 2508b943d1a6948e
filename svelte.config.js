import { readFile, rename, writeFile } from 'node:fs/promises';
import nodeAdapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

const OUT = 'build';

/**
 * adapter-node, with one change to the server it writes: `node build/index.js` listens on
 * 127.0.0.1 (this machine only) unless HOST says otherwise, where adapter-node's own default is
 * every interface. A dashboard of patient data is reachable from the network only when its
 * operator chooses, by setting HOST (say HOST=0.0.0.0) behind their own proxy.
 */
function loopbackAdapter(options) {
	const adapter = nodeAdapter(options);
	return {
		...adapter,
		name: 'pathway-insight-node',
		async adapt(builder) {
			await adapter.adapt(builder);
			const index = `${options.out}/index.js`;
			const code = await readFile(index, 'utf8');
			if (!code.includes("env('HOST', '0.0.0.0')"))
				throw new Error(
					`adapter-node's ${index} no longer reads HOST as expected: check svelte.config.js`
				);
			await rename(index, `${options.out}/server.js`);
			await rename(`${index}.map`, `${options.out}/server.js.map`).catch(() => {});
			await writeFile(
				index,
				`// Written by svelte.config.js: listen on this machine only unless HOST says otherwise.\n` +
					`process.env.HOST ??= '127.0.0.1';\nawait import('./server.js');\n`
			);
		}
	};
}

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: loopbackAdapter({ out: OUT, precompress: true }),
		// Nothing may load from outside the app (NHS networks, air-gapped hosts): the browser
		// refuses any request to another origin, from the page or from the engine's worker.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self', 'wasm-unsafe-eval'],
				'worker-src': ['self', 'blob:'],
				'connect-src': ['self'],
				'img-src': ['self', 'data:', 'blob:'],
				'style-src': ['self', 'unsafe-inline'],
				'font-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
