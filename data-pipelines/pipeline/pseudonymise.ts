/**
 * Keyed pseudonyms: HMAC-SHA256 (RFC 2104) of an identifier under a secret key, cut to 128 bits
 * and written as 32 hex digits. Computed inside DuckDB so the raw identifiers never leave it:
 * HMAC(K, m) = SHA256((K' ⊕ opad) ‖ SHA256((K' ⊕ ipad) ‖ m)), K' the key padded to 64 bytes.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../lib/duckdb.ts';

export const KEY_VARIABLE = 'PATHWAY_INSIGHT_KEY';
/** Public, so pseudonyms made with it protect nothing: for the demo data only. */
export const DEMO_KEY = 'pathway-insight-demo-key-not-secret';
const BLOCK = 64;

export interface PseudonymKey {
	key: Buffer;
	demo: boolean;
}

/** The key from the environment, or the demo key (the caller warns loudly). */
export function keyFromEnvironment(env: NodeJS.ProcessEnv = process.env): PseudonymKey {
	const secret = env[KEY_VARIABLE];
	if (secret && secret.length > 0) return { key: Buffer.from(secret, 'utf8'), demo: false };
	return { key: Buffer.from(DEMO_KEY, 'utf8'), demo: true };
}

function pads(key: Buffer): { ipad: string; opad: string } {
	const block = Buffer.alloc(BLOCK);
	(key.length > BLOCK ? createHash('sha256').update(key).digest() : key).copy(block);
	return {
		ipad: Buffer.from(block.map((b) => b ^ 0x36)).toString('hex'),
		opad: Buffer.from(block.map((b) => b ^ 0x5c)).toString('hex')
	};
}

/** Defines the SQL macro `pseudonym(text)` for this connection (in memory only, never written). */
export async function definePseudonym(db: Db, { key }: PseudonymKey): Promise<void> {
	const { ipad, opad } = pads(key);
	await db.run(`CREATE OR REPLACE TEMP MACRO pseudonym(value) AS
CASE WHEN value IS NULL THEN NULL ELSE
  left(sha256(unhex('${opad}') || unhex(sha256(unhex('${ipad}') || encode(value)))), 32)
END`);
}
