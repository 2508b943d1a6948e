import type { Db } from '../lib/duckdb.ts';
import type { FileReading } from './read-events.ts';
import { OPTIONAL_CHECKS } from './validate.ts';

export interface Counts {
	read: number;
	accepted: number;
	duplicates: number;
	quarantined: number;
	/** Quarantined rows by rule; they add up to `quarantined`. */
	rules: Record<string, number>;
	/** Accepted rows with an optional value set to unknown, by rule. */
	warnings: Record<string, number>;
}

export interface FileReport extends Counts {
	file: string;
	format: string;
	missingColumns: string[];
	extraColumns: string[];
	notices: string[];
}

export interface QuarantineExample {
	file: string;
	line: number;
	rule: string;
	/** What is wrong, naming the column and what it may hold, and never a value from the row. */
	reason: string;
}

/** The run report: `read = accepted + duplicates + quarantined`, overall and for every file. */
export interface RunReport extends Counts {
	extractDate: string;
	dataPeriod: { from: string; to: string } | null;
	files: FileReport[];
	/**
	 * Input files recognised as something other than events and so not counted above: the optional
	 * capacity extract (published clinic slots). Capacity is not modelled yet; it is listed so that a
	 * reader knows the file was seen and why its rows are not in the reconciliation.
	 */
	otherFiles?: { file: string; kind: 'capacity'; bytes: number; note: string }[];
	/**
	 * The first quarantined rows, in file and line order, so a reader sees what went wrong. The
	 * report is served to the dashboard: no value of a row is quoted (quarantine.csv has them).
	 */
	examples: QuarantineExample[];
	pseudonymisation: { method: string; demoKey: boolean };
	/** Wall time of the whole run, publishing included. */
	seconds: number;
	/** Seconds spent in each step, in order. */
	timings: Record<string, number>;
	/** Seconds each modelled table took to build, within the modelling step. */
	modelTimings?: Record<string, number>;
	/** Seconds each part of publishing took: the pseudonyms, each table's files, the rest. */
	publishTimings?: Record<string, number>;
}

function emptyCounts(): Counts {
	return { read: 0, accepted: 0, duplicates: 0, quarantined: 0, rules: {}, warnings: {} };
}

const STATUS_FIELD = {
	accepted: 'accepted',
	duplicate: 'duplicates',
	quarantined: 'quarantined'
} as const;

/** Counts every classified row by file, status, rule and warning. */
export async function countRows(db: Db, readings: FileReading[]) {
	const total = emptyCounts();
	const byFile = new Map<string, Counts>(readings.map((r) => [r.file, emptyCounts()]));
	const statusRows = await db.all(`SELECT _file AS file, _status AS status, _rule AS rule,
  CAST(COUNT(*) AS DOUBLE) AS n
FROM classified GROUP BY ALL ORDER BY ALL`);
	for (const { file, status, rule, n } of statusRows as {
		file: string;
		status: keyof typeof STATUS_FIELD;
		rule: string | null;
		n: number;
	}[]) {
		for (const counts of [total, byFile.get(file)!]) {
			counts.read += n;
			counts[STATUS_FIELD[status]] += n;
			if (status === 'quarantined' && rule) counts.rules[rule] = (counts.rules[rule] ?? 0) + n;
		}
	}
	// One pass: a column per optional check, counting accepted rows with that bit of _warn set.
	const warningRows = await db.all(`SELECT _file AS file,
  ${OPTIONAL_CHECKS.map((c, i) => `CAST(SUM(CASE WHEN _warn & ${1 << i} <> 0 THEN 1 ELSE 0 END) AS DOUBLE) AS ${c.warning}`).join(',\n  ')}
FROM classified WHERE _status = 'accepted' AND _warn <> 0
GROUP BY _file ORDER BY _file`);
	for (const row of warningRows) {
		for (const { warning } of OPTIONAL_CHECKS) {
			const n = row[warning] as number;
			if (!n) continue;
			for (const counts of [total, byFile.get(row.file as string)!])
				counts.warnings[warning] = (counts.warnings[warning] ?? 0) + n;
		}
	}
	const files: FileReport[] = readings.map((r) => ({
		file: r.file,
		format: r.format,
		...byFile.get(r.file)!,
		missingColumns: r.missingColumns,
		extraColumns: r.extraColumns,
		notices: r.notices
	}));
	const examples =
		(await db.all(`SELECT _file AS file, _line AS line, _rule AS rule, _summary AS reason
FROM classified WHERE _status = 'quarantined' ORDER BY _file_no, _line LIMIT 20`)) as unknown as QuarantineExample[];
	return { total, files, examples };
}
