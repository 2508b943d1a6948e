import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachDataset, readManifest } from '../../data-pipelines/lib/dataset.ts';
import { openDb } from '../../data-pipelines/lib/duckdb.ts';
import { rejectedReportPath, runPipeline } from '../../data-pipelines/pipeline/run.ts';
import { AGGREGATES } from '../../src/lib/metrics/aggregates.ts';
import { runOrRefused } from '../helpers/run-or-refused.ts';
import { keyFromEnvironment } from '../../data-pipelines/pipeline/pseudonymise.ts';
import type { RunReport } from '../../data-pipelines/pipeline/report.ts';
import {
	overviewMetrics,
	waitingListSummary,
	type FirstView
} from '../../src/lib/metrics/index.ts';

const exec = promisify(execFile);
const FIXTURE = new URL('../fixtures/metrics/events.csv', import.meta.url).pathname;
const DEMO = keyFromEnvironment({});
let dir: string;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'pipeline-'));
});
afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

const HEADER =
	'event_id,event_type,event_time,pathway_id,patient_id,provider_code,commissioner_code,specialty_code,priority,appointment_id,appointment_time,attendance_type,consultation_medium,cancelled_by,stop_reason';
const REFERRAL = (id: string, pathway: string, date = '2025-01-06') =>
	`${id},referral_received,${date},${pathway},PAT-${pathway},RBD,15N,110,routine,,,,,,`;

interface Quarantined {
	line: number;
	rule: string;
	reason: string;
}

/** The quarantined rows of a run, as the operator's quarantine CSV has them. */
async function quarantineIn(path: string): Promise<Quarantined[]> {
	const db = await openDb();
	try {
		return (await db.all(`SELECT CAST(line AS INTEGER) AS line, rule, reason
FROM read_csv('${path}', header = true, all_varchar = true) ORDER BY CAST(line AS INTEGER)`)) as unknown as Quarantined[];
	} finally {
		db.close();
	}
}

let runs = 0;
/**
 * Runs the pipeline on one CSV written from `lines`; returns the report, with the quarantined
 * rows (from the dataset, or beside it when the run accepted nothing and published nothing).
 */
async function pipelineOn(
	lines: string[],
	name = 'events.csv'
): Promise<RunReport & { quarantine: Quarantined[]; published: boolean }> {
	const input = join(dir, `input-${++runs}`);
	const out = join(dir, `out-${runs}`);
	await rm(input, { recursive: true, force: true });
	await exec('mkdir', ['-p', input]);
	await writeFile(join(input, name), lines.length ? `${lines.join('\n')}\n` : '');
	const run = await runOrRefused({
		input,
		out,
		extractDate: '2025-07-31',
		key: DEMO,
		maxQuarantine: 1
	});
	if (!run.published) {
		// A refused run's report is written beside the dataset, as it was returned.
		expect(JSON.parse(await readFile(rejectedReportPath(out), 'utf8'))).toEqual(run.report);
	}
	return {
		...run.report,
		quarantine: await quarantineIn(run.quarantine),
		published: run.published
	};
}

function expectReconciled(report: RunReport) {
	expect(report.read).toBe(report.accepted + report.duplicates + report.quarantined);
	expect(Object.values(report.rules).reduce((a, b) => a + b, 0)).toBe(report.quarantined);
	for (const file of report.files) {
		expect(file.read).toBe(file.accepted + file.duplicates + file.quarantined);
	}
}

describe('runPipeline on good input', () => {
	it('accepts every row of the hand-worked fixture and publishes the tables', async () => {
		const out = join(dir, 'good');
		const { report, manifest } = await runPipeline({
			input: FIXTURE,
			out,
			extractDate: '2025-07-31',
			key: DEMO
		});
		expect(report).toMatchObject({
			read: 32,
			accepted: 32,
			duplicates: 0,
			quarantined: 0,
			rules: {}
		});
		expect(manifest.schemaVersion).toBe(4);
		expect(manifest.tables.pathways.rows).toBe(14);
		expect(manifest.tables.appointments.rows).toBe(11);
		expect(Object.keys(manifest.tables)).toEqual([
			'pathways',
			'appointments',
			'stage_intervals',
			'pathway_reviews',
			...AGGREGATES.map((a) => a.name).flatMap((name) => [
				name,
				`${name}_commissioner`,
				`${name}_national`
			])
		]);
		expect(AGGREGATES.map((a) => a.name).slice(0, 6)).toEqual([
			'waiting_list_weekly',
			'clock_flows_weekly',
			'appointments_weekly',
			'stage_flows_weekly',
			'waiting_list_monthly',
			'clock_flows_monthly'
		]);
		expect(manifest.dataPeriod).toEqual({ from: '2023-04-22', to: '2025-07-05' });
		expect(manifest.pseudonymisation.demoKey).toBe(true);
	});

	it('publishes each event-level table as one file per provider and each aggregate at three levels, all in the manifest', async () => {
		const out = join(dir, 'layout');
		const { manifest } = await runPipeline({
			input: FIXTURE,
			out,
			extractDate: '2025-07-31',
			key: DEMO
		});
		expect(manifest.tables.pathways).toMatchObject({
			kind: 'facts',
			partitionedBy: 'provider',
			rows: 14,
			files: [
				{ file: 'pathways/provider=RBD/pathways.parquet', partition: 'RBD', rows: 13 },
				{ file: 'pathways/provider=RTH/pathways.parquet', partition: 'RTH', rows: 1 }
			]
		});
		expect(manifest.tables.appointments.files.map((f) => [f.partition, f.rows])).toEqual([
			['RBD', 9],
			['RTH', 2]
		]);
		expect(manifest.tables.waiting_list_weekly).toMatchObject({
			kind: 'aggregate',
			partitionedBy: 'provider',
			files: [
				{
					file: 'aggregates/waiting_list_weekly/provider=RBD/waiting_list_weekly.parquet',
					partition: 'RBD'
				},
				{
					file: 'aggregates/waiting_list_weekly/provider=RTH/waiting_list_weekly.parquet',
					partition: 'RTH'
				}
			]
		});
		const commissioners = manifest.tables.waiting_list_weekly_commissioner;
		expect(commissioners).toMatchObject({ kind: 'aggregate', partitionedBy: 'commissioner' });
		expect(commissioners.files.length).toBeGreaterThan(0);
		for (const f of commissioners.files) {
			expect(f.file).toBe(
				`aggregates/waiting_list_weekly_commissioner/commissioner=${f.partition}/waiting_list_weekly_commissioner.parquet`
			);
		}
		expect(manifest.tables.waiting_list_weekly_national).toMatchObject({
			kind: 'aggregate',
			partitionedBy: null,
			files: [{ file: 'aggregates/waiting_list_weekly_national.parquet', partition: null }]
		});
		// Every level counts the same waiting list.
		expect(manifest.tables.waiting_list_weekly_national.rows).toBeLessThanOrEqual(
			manifest.tables.waiting_list_weekly.rows
		);
		const db = await openDb();
		try {
			for (const [name, table] of Object.entries(manifest.tables)) {
				expect(table.rows, name).toBe(table.files.reduce((n, f) => n + f.rows, 0));
				expect(table.bytes, name).toBe(table.files.reduce((n, f) => n + f.bytes, 0));
				for (const f of table.files) {
					const bytes = await readFile(join(out, f.file));
					expect(bytes.length, f.file).toBe(f.bytes);
					expect(createHash('sha256').update(bytes).digest('hex'), f.file).toBe(f.sha256);
					const column = `${table.partitionedBy}_code`;
					const where =
						table.partitionedBy === null
							? 'false'
							: f.partition === null
								? `${column} IS NOT NULL`
								: `${column} IS DISTINCT FROM '${f.partition}'`;
					const [row] = await db.all(`SELECT CAST(COUNT(*) AS DOUBLE) AS n,
  CAST(COUNT(*) FILTER (WHERE ${where}) AS DOUBLE) AS others
FROM read_parquet('${join(out, f.file)}')`);
					expect(row.n, f.file).toBe(f.rows);
					expect(row.others, `${f.file}: rows of other partitions`).toBe(0);
				}
			}
		} finally {
			db.close();
		}
	});

	it('publishes a table with no rows as one empty file that still has its columns', async () => {
		// Appointments of a pathway whose referral is not in the extract: no pathway to publish.
		const input = join(dir, 'empty-input');
		await mkdir(input, { recursive: true });
		await writeFile(
			join(input, 'events.csv'),
			`${HEADER}\nE1,appointment_booked,2025-03-10,P1,PAT-P1,RBD,,,,A1,2025-04-01T09:00,first,face_to_face,,\n`
		);
		const out = join(dir, 'empty');
		const { manifest } = await runPipeline({ input, out, extractDate: '2025-07-31', key: DEMO });
		expect(manifest.tables.pathways.files).toMatchObject([
			{ file: 'pathways/pathways.parquet', partition: null, rows: 0 }
		]);
		const db = await openDb();
		try {
			await attachDataset(db, out, await readManifest(out));
			const [row] = await db.all(waitingListSummary({ asOf: '2025-07-31' }));
			expect(row.total).toBe(0);
		} finally {
			db.close();
		}
	});

	it('publishes first-view.json: the default overview, the same as from the pathways', async () => {
		const out = join(dir, 'good');
		const view = JSON.parse(await readFile(join(out, 'first-view.json'), 'utf8')) as FirstView;
		// The data ends on Saturday 5 July 2025: the census is the Sunday before.
		expect(view.overview.period).toEqual({
			asOf: '2025-06-29',
			from: '2024-07-01',
			to: '2025-06-29'
		});
		expect(view.overview.options.priority).toEqual(['routine', 'two_week_wait', 'urgent']);
		const db = await openDb();
		try {
			await attachDataset(db, out, await readManifest(out));
			const facts = await overviewMetrics((sql) => db.all(sql), view.overview.period);
			expect(view.overview.data.metrics).toEqual(facts);
			expect(facts.waitingList.total).toBeGreaterThan(0);
			const bands = view.overview.data.bands.reduce((n, b) => n + b.pathways, 0);
			expect(bands).toBe(facts.waitingList.total);
		} finally {
			db.close();
		}
	});

	it('writes byte-identical Parquet when run twice on the same input', async () => {
		const a = await runPipeline({
			input: FIXTURE,
			out: join(dir, 'same-a'),
			extractDate: '2025-07-31',
			key: DEMO
		});
		const b = await runPipeline({
			input: FIXTURE,
			out: join(dir, 'same-b'),
			extractDate: '2025-07-31',
			key: DEMO
		});
		for (const [name, table] of Object.entries(a.manifest.tables)) {
			expect(table.files.length, name).toBeGreaterThan(0);
			expect(b.manifest.tables[name].files, name).toEqual(table.files);
		}
	});

	it('publishes no raw patient, pathway or appointment id in any Parquet column', async () => {
		const db = await openDb();
		try {
			const raw = (await readFile(FIXTURE, 'utf8'))
				.split('\n')
				.slice(1)
				.filter(Boolean)
				.flatMap((line) => {
					const cells = line.split(',');
					return [cells[3], cells[4], cells[10]].filter(Boolean);
				});
			const { manifest } = await runPipeline({
				input: FIXTURE,
				out: join(dir, 'good-ids'),
				extractDate: '2025-07-31',
				key: DEMO
			});
			const files = Object.values(manifest.tables).flatMap((t) => t.files.map((f) => f.file));
			// Every file: 3 event-level tables for each of the 2 providers, one file of reviews (the
			// fixture validates no pathway and makes no decision to admit: one empty file), and each
			// aggregate at its 3 levels (a file per provider and per commissioner with rows in it:
			// RTH stops no clock in the fixture; appointments have a file for no known commissioner).
			expect(manifest.tables.pathway_reviews.files.map((f) => f.file)).toEqual([
				'pathway_reviews/pathway_reviews.parquet'
			]);
			// Each aggregate of appointments has a file for no known commissioner.
			const ofAppointments = AGGREGATES.filter(
				(a) => a.name === 'appointments_weekly' || a.name.startsWith('dna_')
			).length;
			expect(files.length).toBe(3 * 2 + 1 + AGGREGATES.length * 5 - 2 * 2 + ofAppointments);
			for (const file of files) {
				const path = join(dir, 'good-ids', file);
				const [{ hits }] = await db.all(`SELECT CAST(COUNT(*) AS DOUBLE) AS hits
FROM (SELECT unnest(map_values(map_from_entries(list_transform(
        json_keys(to_json(t)), k -> {'k': k, 'v': json_extract_string(to_json(t), '$.' || k)})))) AS v
      FROM read_parquet('${path}') t)
WHERE v IN (SELECT unnest([${[...new Set(raw)].map((r) => `'${r}'`).join(', ')}]))`);
				expect(hits, file).toBe(0);
			}
		} finally {
			db.close();
		}
	});

	it('changes every pseudonym when the key changes', async () => {
		const secret = keyFromEnvironment({ PATHWAY_INSIGHT_KEY: 'a-real-secret' });
		expect(secret.demo).toBe(false);
		const a = await runPipeline({
			input: FIXTURE,
			out: join(dir, 'key-a'),
			extractDate: '2025-07-31',
			key: secret
		});
		const b = await runPipeline({
			input: FIXTURE,
			out: join(dir, 'key-b'),
			extractDate: '2025-07-31',
			key: DEMO
		});
		for (const name of ['pathways', 'appointments', 'stage_intervals']) {
			const shas = (m: typeof a.manifest) => m.tables[name].files.map((f) => f.sha256);
			expect(shas(a.manifest), name).not.toEqual(shas(b.manifest));
			for (const sha of shas(a.manifest)) expect(shas(b.manifest), name).not.toContain(sha);
		}
	});
});

describe('runPipeline on bad input', () => {
	it('quarantines every row of a file missing a required column, naming the column', async () => {
		const header = HEADER.replace(',event_time', '');
		const report = await pipelineOn([header, REFERRAL('E1', 'P1').replace(',2025-01-06', '')]);
		expect(report).toMatchObject({
			read: 1,
			accepted: 0,
			quarantined: 1,
			rules: { missing_column: 1 }
		});
		expect(report.examples[0]).toMatchObject({
			line: 2,
			reason: 'column "event_time" is missing from the file header: it is required on every event'
		});
		expect(report.files[0].missingColumns).toContain('event_time');
		expectReconciled(report);
	});

	it('quarantines referrals when a column only referrals need is missing, and keeps the rest', async () => {
		const header = HEADER.replace(',priority', '');
		const report = await pipelineOn([
			header,
			'E1,referral_received,2025-01-06,P1,N1,RBD,15N,110,,,,,,',
			'E2,appointment_booked,2025-01-07,P1,N1,RBD,,,A1,2025-02-01T09:00,first,video,,'
		]);
		expect(report).toMatchObject({
			read: 2,
			accepted: 1,
			quarantined: 1,
			rules: { missing_column: 1 }
		});
		expect(report.examples[0].reason).toBe(
			'column "priority" is missing from the file header: it is required on referral_received'
		);
		expectReconciled(report);
	});

	it('quarantines a bad date with the value, line and the format expected', async () => {
		const report = await pipelineOn([
			HEADER,
			REFERRAL('E1', 'P1'),
			REFERRAL('E2', 'P2', '2025-02-30')
		]);
		expect(report).toMatchObject({
			read: 2,
			accepted: 1,
			quarantined: 1,
			rules: { invalid_date: 1 }
		});
		// The run report, which the dashboard serves, names the column and what it may hold; the
		// operator's quarantine.csv quotes the value too.
		const why =
			'there is no such date or time (months run 01–12, days to the end of the month, hours 00–23, minutes and seconds 00–59)';
		expect(report.examples[0]).toEqual({
			file: 'events.csv',
			line: 3,
			rule: 'invalid_date',
			reason: `invalid event_time: ${why}`
		});
		expect(report.quarantine).toEqual([
			{ line: 3, rule: 'invalid_date', reason: `invalid event_time "2025-02-30": ${why}` }
		]);
		expectReconciled(report);
	});

	it('quarantines an unknown event type', async () => {
		const report = await pipelineOn([
			HEADER,
			REFERRAL('E1', 'P1'),
			REFERRAL('E2', 'P1').replace('referral_received', 'referal_recieved')
		]);
		expect(report).toMatchObject({
			read: 2,
			accepted: 1,
			quarantined: 1,
			rules: { invalid_event_type: 1 }
		});
		expect(report.examples[0].reason).toMatch(
			/^unknown event_type: expected one of the 17 contract event types/
		);
		expect(report.quarantine[0].reason).toMatch(
			/^unknown event_type "referal_recieved": expected one of the 17 contract event types/
		);
		expectReconciled(report);
	});

	it('reads an empty file as no rows, with a notice, and publishes nothing from it alone', async () => {
		const report = await pipelineOn([]);
		expect(report).toMatchObject({ read: 0, accepted: 0, duplicates: 0, quarantined: 0 });
		expect(report.published).toBe(false);
		expect(report.files[0].notices).toEqual(['the file is empty: no header and no rows']);
		expectReconciled(report);
	});

	it('accepts the first copy of an exact duplicate and counts the rest as duplicates', async () => {
		const report = await pipelineOn([
			HEADER,
			REFERRAL('E1', 'P1'),
			REFERRAL('E1', 'P1'),
			REFERRAL('E1', 'P1')
		]);
		expect(report).toMatchObject({ read: 3, accepted: 1, duplicates: 2, quarantined: 0 });
		expectReconciled(report);
	});

	it('quarantines both rows of a conflict: one event_id, different content', async () => {
		const report = await pipelineOn([
			HEADER,
			REFERRAL('E1', 'P1'),
			REFERRAL('E1', 'P1', '2025-01-07')
		]);
		expect(report).toMatchObject({ read: 2, accepted: 0, quarantined: 2, rules: { conflict: 2 } });
		expect(report.published).toBe(false);
		expect(report.examples[1].reason).toBe(
			'the event_id is used by 2 rows with different content: all are quarantined (first on line 2 of events.csv)'
		);
		expect(report.quarantine[1].reason).toBe(
			'event_id "E1" is used by 2 rows with different content: all are quarantined (first on line 2 of events.csv)'
		);
		expectReconciled(report);
	});

	it('quarantines contradictions: a stop before its start, a second referral, an outcome before its booking', async () => {
		const report = await pipelineOn([
			HEADER,
			REFERRAL('E1', 'P1', '2025-03-01'),
			'E2,clock_stopped,2025-02-01,P1,PAT-P1,RBD,,,,,,,,,non_admitted_treatment',
			REFERRAL('E3', 'P1', '2025-03-05'),
			'E4,appointment_booked,2025-03-10,P1,PAT-P1,RBD,,,,A1,2025-04-01T09:00,first,face_to_face,,',
			'E5,appointment_attended,2025-03-09,P1,PAT-P1,RBD,,,,A1,2025-04-01T09:00,first,face_to_face,,'
		]);
		expect(report).toMatchObject({
			read: 5,
			accepted: 2,
			quarantined: 3,
			rules: { contradiction: 3 }
		});
		const second =
			'a second referral_received for this pathway: it was already received on line 2 of events.csv';
		expect(report.examples.map((e) => [e.line, e.reason])).toEqual([
			[3, 'clock_stopped is dated before the clock started'],
			[4, second],
			[6, 'appointment_attended is dated before its booking']
		]);
		expect(report.quarantine.map((e) => [e.line, e.reason])).toEqual([
			[3, 'clock_stopped on 2025-02-01 is before the clock started on 2025-03-01'],
			[4, second],
			[6, 'appointment_attended on 2025-03-09 is dated before its booking on 2025-03-10']
		]);
		expectReconciled(report);
	});

	it('quarantines an event dated after the extract date, but not a future appointment slot', async () => {
		const report = await pipelineOn([
			HEADER,
			REFERRAL('E1', 'P1', '2025-08-01'),
			REFERRAL('E2', 'P2'),
			'E3,appointment_booked,2025-07-01,P2,PAT-P2,RBD,,,,A1,2025-09-01T09:00,first,face_to_face,,'
		]);
		expect(report).toMatchObject({
			read: 3,
			accepted: 2,
			quarantined: 1,
			rules: { future_event_time: 1 }
		});
		expect(report.examples[0].reason).toBe('event_time is after the extract date 2025-07-31');
		expect(report.quarantine[0].reason).toBe(
			'event_time "2025-08-01" is after the extract date 2025-07-31'
		);
	});

	it('keeps a row with an invalid optional value, as unknown, and counts a warning', async () => {
		const report = await pipelineOn([
			`${HEADER},ethnicity`,
			`${REFERRAL('E1', 'P1')},Q`.replace(',Q', ',?'),
			`${REFERRAL('E2', 'P2')},A`
		]);
		expect(report).toMatchObject({
			read: 2,
			accepted: 2,
			quarantined: 0,
			warnings: { invalid_ethnicity: 1 }
		});
	});

	it('trims spaces around values and reads a value of spaces as missing', async () => {
		const report = await pipelineOn([
			HEADER,
			'E1, referral_received ,2025-01-06,P1 ,PAT-1,RBD,  15N,110,routine,,,,,,',
			'E2,referral_received,2025-01-06,P2,PAT-2,RBD,15N,110,   ,,,,,,'
		]);
		expect(report).toMatchObject({ read: 2, accepted: 1, quarantined: 1 });
		expect(report.examples[0].reason).toContain('priority');
	});

	it('recognises a capacity extract beside the events by its header and does not read it as events', async () => {
		const input = join(dir, 'with-capacity');
		await exec('mkdir', ['-p', input]);
		await writeFile(
			join(input, 'events.csv'),
			`${HEADER}\n${REFERRAL('E1', 'P1')}\n${REFERRAL('E2', 'P2')}\n`
		);
		await writeFile(
			join(input, 'capacity.csv'),
			'slot_id,provider_code,clinic_code,specialty_code,slot_time,duration_minutes,attendance_type,consultation_medium\n' +
				'S1,RBD,RBD-110-A,110,2025-01-13T09:00:00,20,first,face_to_face\n'
		);
		const { report } = await runPipeline({
			input,
			out: join(dir, 'with-capacity-out'),
			extractDate: '2025-07-31',
			key: DEMO
		});
		expect(report).toMatchObject({ read: 2, accepted: 2, quarantined: 0 });
		expect(report.files.map((f) => f.file)).toEqual(['events.csv']);
		expect(report.otherFiles).toEqual([
			expect.objectContaining({ file: 'capacity.csv', kind: 'capacity' })
		]);
		await expect(
			runPipeline({ input: join(input, 'capacity.csv'), out: join(dir, 'only-capacity-out') })
		).rejects.toThrow(/only a capacity extract/);
	});

	it('reads NDJSON, quarantining a broken line by its number', async () => {
		const input = join(dir, 'events.ndjson');
		const good = {
			event_id: 'E1',
			event_type: 'referral_received',
			event_time: '2025-01-06',
			pathway_id: 'P1',
			patient_id: 'N1',
			provider_code: 'RBD',
			commissioner_code: '15N',
			specialty_code: '110',
			priority: 'routine'
		};
		await writeFile(input, `${JSON.stringify(good)}\n{"event_id": "E2", oops\n`);
		const { report } = await runPipeline({
			input,
			out: join(dir, 'ndjson'),
			extractDate: '2025-07-31',
			key: DEMO,
			maxQuarantine: 1
		});
		expect(report).toMatchObject({
			read: 2,
			accepted: 1,
			quarantined: 1,
			rules: { malformed_row: 1 }
		});
		expect(report.examples[0]).toMatchObject({
			line: 2,
			reason: expect.stringMatching(
				/^the line is not valid JSON: each line must be one complete JSON object/
			)
		});
	});
});

describe('pipeline CLI', () => {
	const cli = (...args: string[]) =>
		exec(process.execPath, ['data-pipelines/bin/pipeline.ts', ...args]).then(
			(r) => ({ code: 0, ...r }),
			(e) => ({ code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string })
		);

	it('gives a one-line error and a non-zero exit for a missing input', async () => {
		const r = await cli('--input', join(dir, 'nowhere.csv'), '--out', join(dir, 'x'));
		expect(r.code).not.toBe(0);
		expect(
			r.stderr
				.trim()
				.split('\n')
				.filter((l) => !l.startsWith('WARNING'))
		).toEqual([
			`pipeline: cannot read input "${join(dir, 'nowhere.csv')}": no such file or folder`
		]);
	});

	it('prints only the run report on stdout with --json, and warns about the demo key on stderr', async () => {
		const r = await cli(
			'--input',
			FIXTURE,
			'--out',
			join(dir, 'cli'),
			'--extract-date',
			'2025-07-31',
			'--json'
		);
		expect(r.code).toBe(0);
		expect(JSON.parse(r.stdout)).toMatchObject({
			read: 32,
			accepted: 32,
			duplicates: 0,
			quarantined: 0
		});
		expect(r.stderr).toMatch(/WARNING: PATHWAY_INSIGHT_KEY is not set/);
	});
});
