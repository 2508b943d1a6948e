/**
 * A pass-through HTTP proxy in front of the app that records every request and the bytes of
 * every response body, so tests measure what the browser fetched (worker requests included)
 * where it arrives: at the server.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Served {
	path: string;
	status: number;
	range: string | null;
	bytes: number;
}

export interface CountingProxy {
	url: string;
	served: Served[];
	reset(): void;
	close(): Promise<void>;
}

export async function startCountingProxy(targetPort: number): Promise<CountingProxy> {
	const served: Served[] = [];
	const server: Server = createServer((req, res) => {
		const upstream = httpRequest(
			{
				host: '127.0.0.1',
				port: targetPort,
				path: req.url,
				method: req.method,
				headers: req.headers
			},
			(answer) => {
				const entry: Served = {
					path: (req.url ?? '').split('?')[0],
					status: answer.statusCode ?? 0,
					range: (req.headers.range as string | undefined) ?? null,
					bytes: 0
				};
				served.push(entry);
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.on('data', (chunk: Buffer) => (entry.bytes += chunk.length));
				answer.pipe(res);
			}
		);
		upstream.on('error', () => {
			res.writeHead(502);
			res.end();
		});
		req.pipe(upstream);
	});
	await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		served,
		reset: () => void (served.length = 0),
		close: () => new Promise((done) => server.close(() => done()))
	};
}
