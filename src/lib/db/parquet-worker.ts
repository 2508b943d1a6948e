/**
 * A Parquet worker: decodes aggregate files (parquet-decode.ts) off the main thread, which stays
 * free to draw, and hands the folded columns back with their typed arrays transferred.
 */
import { foldedBuffers } from './arrow-columns.ts';
import { parquetDecoder, type DecodeRequest } from './parquet-decode.ts';

const decode = parquetDecoder();

self.addEventListener('message', async (event: MessageEvent<{ id: number } & DecodeRequest>) => {
	const { id, ...request } = event.data;
	try {
		const decoded = await decode(request);
		const transfer = decoded.folded ? foldedBuffers(decoded.folded) : [];
		self.postMessage({ id, decoded }, { transfer });
	} catch (error) {
		self.postMessage({
			id,
			error: error instanceof Error ? error.message : String(error),
			status: (error as { status?: number }).status
		});
	}
});
