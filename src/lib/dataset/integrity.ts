/**
 * `/data/integrity.json`: what the server's check of the current version's files has found
 * (src/lib/server/integrity.ts), as the data quality page shows it.
 */

/** The state of the current version's files, as `/data/integrity.json` serves it. */
export interface IntegrityStatus {
	version: string;
	/** Files the manifest lists, itself included. */
	files: number;
	/** Files checked so far, and of those, found whole. */
	checked: number;
	verified: number;
	damaged: { file: string; problem: string }[];
	/** Every file has been checked. */
	complete: boolean;
	bytes: number;
	startedAt: string;
	finishedAt: string | null;
	/** Seconds the sweep took (while complete), and the rate it read at. */
	seconds: number | null;
	megabytesPerSecond: number | null;
}
