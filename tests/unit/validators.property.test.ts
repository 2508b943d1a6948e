/**
 * Property tests (fast-check) for the pipeline's validators: the timestamp rule on native DuckDB,
 * header parsing, and whole runs over generated extracts that must reconcile and accept exactly
 * what a simple model of the contract's identity rules predicts.
 */
import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../data-pipelines/lib/duckdb.ts';
import { keyFromEnvironment } from '../../data-pipelines/pipeline/pseudonymise.ts';
import { parseHeader } from '../../data-pipelines/pipeline/read-events.ts';
import type { RunReport } from '../../data-pipelines/pipeline/report.ts';
import { runOrRefused } from '../helpers/run-or-refused.ts';
import { parseTimestampSql } from '../../data-pipelines/pipeline/validate.ts';
import { sqlString } from '../../src/lib/metrics/sql.ts';

const DEMO = keyFromEnvironment({});
let db: Db;
let dir: string;

beforeAll(async () => {
	db = await openDb({ threads: 1 });
	dir = await mkdtemp(join(tmpdir(), 'validators-'));
});
afterAll(async () => {
	db.close();
	await rm(dir, { recursive: true, force: true });
});

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysIn = (y: number, m: number) =>
	[31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];

interface Written {
	text: string;
	/** What the text means: year, month, day, hour, minute, second, microsecond. */
	parts: [number, number, number, number, number, number, number];
}

/** Any real calendar date, 0001-01-01 to 9999-12-31. */
const date = fc
	.record({ y: fc.integer({ min: 1, max: 9999 }), m: fc.integer({ min: 1, max: 12 }) })
	.chain(({ y, m }) =>
		fc.record({
			y: fc.constant(y),
			m: fc.constant(m),
			d: fc.integer({ min: 1, max: daysIn(y, m) })
		})
	);

/** A zone suffix: ignored, since times are local as written. */
const zone = fc.oneof(
	fc.constant(''),
	fc.constant('Z'),
	fc
		.tuple(
			fc.constantFrom('+', '-'),
			fc.integer({ min: 0, max: 23 }),
			fc.integer({ min: 0, max: 59 }),
			fc.boolean()
		)
		.map(([sign, h, m, colon]) => `${sign}${pad(h)}${colon ? ':' : ''}${pad(m)}`)
);

/** Any valid ISO 8601 date or timestamp in the contract's forms. */
const validTimestamp: fc.Arbitrary<Written> = fc
	.record({
		date,
		time: fc.option(
			fc.record({
				sep: fc.constantFrom('T', ' '),
				h: fc.integer({ min: 0, max: 23 }),
				mi: fc.integer({ min: 0, max: 59 }),
				s: fc.option(
					fc.record({
						s: fc.integer({ min: 0, max: 59 }),
						fraction: fc.option(
							fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 9 })
						)
					})
				)
			})
		),
		zone
	})
	.map(({ date: { y, m, d }, time, zone }) => {
		const day = `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
		if (!time) return { text: `${day}${zone}`, parts: [y, m, d, 0, 0, 0, 0] };
		const seconds = time.s
			? `:${pad(time.s.s)}${time.s.fraction ? `.${time.s.fraction}` : ''}`
			: '';
		// DuckDB keeps microseconds: further digits are cut off.
		const micros = Number((time.s?.fraction ?? '').slice(0, 6).padEnd(6, '0'));
		return {
			text: `${day}${time.sep}${pad(time.h)}:${pad(time.mi)}${seconds}${zone}`,
			parts: [y, m, d, time.h, time.mi, time.s?.s ?? 0, micros]
		};
	});

/** Dates and times in the right shape that do not exist. */
const impossibleTimestamp: fc.Arbitrary<string> = fc.oneof(
	// a day past the end of its month (30 February, 31 April, 29 February in a common year …)
	date.chain(({ y, m }) =>
		fc.integer({ min: daysIn(y, m) + 1, max: 99 }).map((d) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`)
	),
	date.map(({ y, m }) => `${pad(y, 4)}-${pad(m)}-00`),
	fc
		.tuple(
			fc.integer({ min: 1, max: 9999 }),
			fc.constantFrom(0, ...Array.from({ length: 87 }, (_, i) => 13 + i))
		)
		.map(([y, m]) => `${pad(y, 4)}-${pad(m)}-01`),
	// hours 24–99, minutes or seconds 60–99 (24:00 would move the event to the next day)
	date.chain(({ y, m, d }) =>
		fc
			.oneof(
				fc.integer({ min: 24, max: 99 }).map((h) => `${pad(h)}:00`),
				fc.integer({ min: 60, max: 99 }).map((mi) => `12:${pad(mi)}`),
				fc.integer({ min: 60, max: 99 }).map((s) => `12:30:${pad(s)}`)
			)
			.map((time) => `${pad(y, 4)}-${pad(m)}-${pad(d)}T${time}`)
	)
);

/** Runs the pipeline's timestamp rule over `texts` on native DuckDB, one row each. */
async function parsed(texts: string[]) {
	const rows = await db.all(`SELECT i, year(ts) AS y, month(ts) AS m, day(ts) AS d, hour(ts) AS h,
  minute(ts) AS mi, second(ts) AS s, microsecond(ts) % 1000000 AS us
FROM (SELECT i, ${parseTimestampSql('t')} AS ts
      FROM (SELECT unnest(range(${texts.length})) AS i, unnest([${texts.map(sqlString).join(', ')}]::VARCHAR[]) AS t))
ORDER BY i`);
	return rows.map((r) => (r.y === null ? null : [r.y, r.m, r.d, r.h, r.mi, r.s, r.us]));
}

describe('the timestamp rule (parseTimestampSql on native DuckDB)', () => {
	it('reads every valid ISO 8601 date or timestamp as what it says, its zone ignored', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(validTimestamp, { minLength: 1, maxLength: 50 }),
				async (written) => {
					expect(await parsed(written.map((w) => w.text))).toEqual(written.map((w) => w.parts));
				}
			),
			{ numRuns: 40 }
		);
	});

	it('rejects every date or time that does not exist', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(impossibleTimestamp, { minLength: 1, maxLength: 50 }),
				async (texts) => {
					expect(await parsed(texts)).toEqual(texts.map(() => null));
				}
			),
			{ numRuns: 40 }
		);
	});

	it('reads nothing but a date from arbitrary text', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.string({ maxLength: 30 }), { minLength: 1, maxLength: 50 }),
				async (texts) => {
					const results = await parsed(texts);
					texts.forEach((text, i) => {
						if (results[i] !== null) expect(text).toMatch(/^\d{4}-\d{2}-\d{2}/);
					});
				}
			),
			{ numRuns: 40 }
		);
	});
});

/** A CSV header cell as an RFC 4180 writer puts it: quoted when it must be. */
const csvCell = (name: string, delimiter = ',', always = false) =>
	always || name.includes(delimiter) || /["\r\n]/.test(name) || name !== name.trim()
		? `"${name.replaceAll('"', '""')}"`
		: name;

describe('parseHeader', () => {
	const names = fc.array(fc.string({ unit: 'grapheme', maxLength: 12 }), {
		minLength: 1,
		maxLength: 12
	});

	it('round-trips any header names through RFC 4180 quoting (names trimmed)', () => {
		fc.assert(
			fc.property(
				names,
				fc.boolean(),
				fc.constantFrom(',', ';', '\t', '|'),
				(header, always, delimiter) => {
					const line = header.map((n) => csvCell(n, delimiter, always)).join(delimiter);
					expect(parseHeader(line, delimiter)).toEqual(header.map((n) => n.trim()));
					// A byte order mark before the header and the rest of the file after it change nothing.
					expect(parseHeader(`\uFEFF${line}\r\nE1,referral_received`, delimiter)).toEqual(
						header.map((n) => n.trim())
					);
				}
			),
			{ numRuns: 300 }
		);
	});
});

// ---------------------------------------------------------------------------------------------
// Whole runs over generated extracts.

const HEADER =
	'event_id,event_type,event_time,pathway_id,patient_id,provider_code,commissioner_code,specialty_code,priority,clinic_code';

/** A referral for its own pathway: valid, or broken in one of the ways a row rule catches. */
const referral = (id: string, day: number, broken: string | null, clinic = '') => {
	const time = broken === 'date' ? '2025-02-30' : `2025-01-${pad(day)}`;
	const provider = broken === 'code' ? 'R-BD' : 'RBD';
	const patient = broken === 'empty' ? '' : `N-${id}`;
	const priority = broken === 'value' ? 'soon' : 'routine';
	return `${id},referral_received,${time},P-${id},${patient},${provider},15N,110,${priority},${clinic}`;
};

const BROKEN = ['date', 'code', 'empty', 'value'] as const;
const RULE_OF: Record<(typeof BROKEN)[number], string> = {
	date: 'invalid_date',
	code: 'invalid_code',
	empty: 'missing_value',
	value: 'invalid_value'
};

/** One event_id's rows: valid copies, a conflicting copy, rows broken by a row rule. */
const eventRows = fc.record({
	copies: fc.integer({ min: 0, max: 3 }),
	conflict: fc.boolean(),
	broken: fc.array(fc.constantFrom(...BROKEN), { maxLength: 2 })
});

let runs = 0;
/** A run's report and its quarantine CSV (beside the dataset when no event was accepted). */
async function runOn(lines: string[]): Promise<{ report: RunReport; quarantine: string }> {
	const n = ++runs;
	const input = join(dir, `input-${n}.csv`);
	await writeFile(input, lines.join(''));
	const out = join(dir, `out-${n}`);
	return runOrRefused({ input, out, extractDate: '2025-07-31', key: DEMO, maxQuarantine: 1 });
}

async function quarantinedLines(path: string): Promise<{ line: number; rule: string }[]> {
	const rows = await db.all(`SELECT CAST(line AS INTEGER) AS line, rule
FROM read_csv(${sqlString(path)}, header = true, all_varchar = true)
ORDER BY 1`);
	return rows as { line: number; rule: string }[];
}

// Each property runs the whole pipeline a dozen times, publishing every aggregate at three levels:
// on a busy 2-core machine that takes more than the default minute (this is not a speed test).
describe('a run over a generated extract', { timeout: 240_000 }, () => {
	it('reconciles, and accepts and counts exactly what the identity model predicts', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc
					.array(eventRows, { minLength: 1, maxLength: 12 })
					.chain((events) =>
						fc.tuple(
							fc.constant(events),
							fc.shuffledSubarray([...Array(80).keys()], { minLength: 80 })
						)
					),
				async ([events, order]) => {
					const rows: string[] = [];
					const model = { accepted: 0, duplicates: 0, rules: {} as Record<string, number> };
					const count = (rule: string, n = 1) => (model.rules[rule] = (model.rules[rule] ?? 0) + n);
					events.forEach((e, i) => {
						const id = `E${i}`;
						for (let c = 0; c < e.copies; c++) rows.push(referral(id, 6, null));
						if (e.conflict) rows.push(referral(id, 7, null));
						for (const b of e.broken) rows.push(referral(id, 6, b));
						// The model: rows a rule breaks are quarantined under it and take no part in
						// identity; of the valid copies, identical ones are one event and its duplicates,
						// different ones all conflict.
						for (const b of e.broken) count(RULE_OF[b]);
						const valid = e.copies + (e.conflict ? 1 : 0);
						if (e.conflict && e.copies > 0) count('conflict', valid);
						else if (valid > 0) {
							model.accepted += 1;
							model.duplicates += valid - 1;
						}
					});
					// Shuffle the rows: order in the file must not change the outcome.
					const shuffled = order.filter((i) => i < rows.length).map((i) => rows[i]);
					const { report } = await runOn([`${HEADER}\n`, ...shuffled.map((r) => `${r}\n`)]);
					expect(report.read).toBe(rows.length);
					expect(report.read).toBe(report.accepted + report.duplicates + report.quarantined);
					expect(report.accepted).toBe(model.accepted);
					expect(report.duplicates).toBe(model.duplicates);
					expect(report.rules).toEqual(model.rules);
				}
			),
			{ numRuns: 12 }
		);
	});

	it('gives each quarantined row its line, whatever blank lines, line endings, quoted line breaks and unreadable rows come before it', async () => {
		const value = fc.string({
			unit: fc.constantFrom('a', 'B', ' ', ',', '"', '\n', '\r\n', '\r', 'é', '😀'),
			maxLength: 8
		});
		const item = fc.oneof(
			{ weight: 1, arbitrary: fc.constant({ blank: true as const }) },
			{
				weight: 4,
				arbitrary: fc.record({
					kind: fc.constantFrom('ok', 'ok', 'future', 'ragged', 'spaces'),
					clinic: value,
					quote: fc.boolean()
				})
			}
		);
		await fc.assert(
			fc.asyncProperty(
				fc.array(item, { minLength: 1, maxLength: 15 }),
				fc.constantFrom('\n', '\r\n', 'mixed'),
				async (items, ending) => {
					const lines: string[] = [];
					const expected: { line: number; rule: string }[] = [];
					let line = 1;
					let records = 0;
					const eol = (i: number) => (ending === 'mixed' ? (i % 2 ? '\r\n' : '\n') : ending);
					lines.push(`${HEADER}${eol(0)}`);
					items.forEach((it, i) => {
						line++;
						if ('blank' in it) {
							lines.push(eol(i + 1));
							return;
						}
						records++;
						const id = `E${i}`;
						const clinic =
							it.quote || /[",\r\n]/.test(it.clinic)
								? `"${it.clinic.replaceAll('"', '""')}"`
								: it.clinic;
						const row =
							it.kind === 'ragged'
								? `${id},referral_received,${clinic}`
								: it.kind === 'spaces'
									? '   '
									: referral(id, 6, null, clinic).replace(
											'2025-01-06',
											it.kind === 'future' ? '2025-08-06' : '2025-01-06'
										);
						lines.push(`${row}${eol(i + 1)}`);
						if (it.kind === 'future') expected.push({ line, rule: 'future_event_time' });
						if (it.kind === 'ragged' || it.kind === 'spaces') {
							expected.push({ line, rule: 'malformed_row' });
						}
					});
					const { report, quarantine } = await runOn(lines);
					expect(report.read).toBe(records);
					expect(report.quarantined).toBe(expected.length);
					expect(await quarantinedLines(quarantine)).toEqual(expected);
				}
			),
			{ numRuns: 20 }
		);
	});
});
