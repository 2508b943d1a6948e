/**
 * `npm run import:rtt`: a file written in the published RTT Full CSV layout, with figures worked
 * out by hand, through the import and `npm run metrics`; and malformed files refused by row and
 * column.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { zipSync, strToU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRtt, periodMonth } from '../../data-pipelines/import/rtt.ts';
import { rttFile, RTT_HEADER, type RttRow } from '../helpers/rtt-file.ts';

const exec = promisify(execFile);
let dir: string;

/**
 * Part_2 (incomplete) by band: RBD/15N/C_110 0:3 10:2 20:1 60:1 (unknown start 1); RTH/11J/C_100
 * 5:2 17:1 18:1 104:1 (Total blank); RTH/11J/X02 0:1 52:2. Beside them a Part_2A subset, a C_999
 * total row and a Part_1A completed row, none of which is in the list.
 * All: N = 15; within 18 weeks 9 (60%); over 52: 4, over 65, 78 and 104: 1 each;
 * median: p·N = 7.5, bands 0 (4) and 5 (2) hold 6, band 10 holds 2: 10 + 1.5 / 2 = 10.75;
 * 92nd: p·N = 13.8, below band 60 are 13: 60 + 0.8 / 1 = 60.8.
 * RTH: N = 8, within 18 weeks 4 (50%), over 52: 3, median 17 + (4 − 3) / 1 = 18.
 */
const ROWS: RttRow[] = [
	{
		provider: 'RBD',
		commissioner: '15N',
		part: 'Part_2',
		treatment: 'C_110',
		bands: { 0: 3, 10: 2, 20: 1, 60: 1 },
		unknown: 1
	},
	{ provider: 'RBD', commissioner: '15N', part: 'Part_2A', treatment: 'C_110', bands: { 20: 1 } },
	{
		provider: 'RBD',
		commissioner: '15N',
		part: 'Part_2',
		treatment: 'C_999',
		bands: { 0: 3, 10: 2, 20: 1, 60: 1 },
		unknown: 1
	},
	{
		provider: 'RTH',
		commissioner: '11J',
		part: 'Part_2',
		treatment: 'C_100',
		bands: { 5: 2, 17: 1, 18: 1, 104: 1 },
		total: null
	},
	{ provider: 'RTH', commissioner: '11J', part: 'Part_1A', treatment: 'C_100', bands: { 3: 5 } },
	{ provider: 'RTH', commissioner: '11J', part: 'Part_2', treatment: 'X02', bands: { 0: 1, 52: 2 } }
];

const metrics = async (data: string, args: string[] = []) =>
	JSON.parse(
		(
			await exec(process.execPath, [
				'data-pipelines/bin/metrics.ts',
				'--data',
				data,
				'--json',
				...args
			])
		).stdout
	);

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'rtt-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('periodMonth', () => {
	it.each([
		['RTT-June-2025', '2025-06'],
		['rtt-september-2024', '2024-09'],
		['2025-01', '2025-01'],
		['RTT-Juno-2025', null],
		['', null]
	])('%s is %s', (text, month) => expect(periodMonth(text)).toBe(month));
});

describe('import:rtt of a hand-worked file', () => {
	let data: string;
	beforeAll(async () => {
		const input = join(dir, 'full.csv');
		await writeFile(input, rttFile(ROWS));
		data = join(dir, 'published');
		const result = await importRtt({ input, out: data });
		expect(result.month).toBe('2025-06');
		expect(result.rows).toBe(6);
		expect(result.totalRowsDropped).toBe(1);
	});

	it('publishes a dataset of kind rtt-published for its month', async () => {
		const manifest = JSON.parse(await readFile(join(data, 'manifest.json'), 'utf8'));
		expect(manifest).toMatchObject({
			kind: 'rtt-published',
			month: '2025-06',
			dataPeriod: { from: '2025-06-01', to: '2025-06-30' }
		});
		expect(Object.keys(manifest.tables).sort()).toEqual([
			'rtt_bands',
			'rtt_list',
			'rtt_list_commissioner',
			'rtt_list_national',
			'rtt_unknown_clock_start'
		]);
		// The dashboard's list: one file per provider and per commissioner, as the aggregates are.
		const partitions = (name: string) =>
			manifest.tables[name].files.map((f: { partition: string | null }) => f.partition);
		expect(manifest.tables.rtt_list.partitionedBy).toBe('provider');
		expect(partitions('rtt_list').length).toBeGreaterThan(1);
		expect(manifest.tables.rtt_list_commissioner.partitionedBy).toBe('commissioner');
		expect(partitions('rtt_list_national')).toEqual([null]);
	});

	it('npm run metrics gives the hand-worked waiting list as at the month’s last day', async () => {
		const out = await metrics(data);
		expect(out).toMatchObject({
			kind: 'rtt-published',
			month: '2025-06',
			asOf: '2025-06-30',
			referrals: null,
			appointments: null
		});
		const wl = out.waitingList;
		expect([wl.total, wl.over52Weeks, wl.over65Weeks, wl.over78Weeks, wl.over104Weeks]).toEqual([
			15, 4, 1, 1, 1
		]);
		expect(wl.within18WeeksPct).toBeCloseTo(60, 10);
		expect(wl.medianWeeks).toBeCloseTo(10.75, 10);
		expect(wl.p92Weeks).toBeCloseTo(60.8, 10);
		expect(wl.unknownClockStart).toBe(1);
	});

	it('filters by provider, commissioner and specialty (C_110 as 110)', async () => {
		const rth = (await metrics(data, ['--provider', 'RTH'])).waitingList;
		expect([rth.total, rth.over52Weeks, rth.unknownClockStart]).toEqual([8, 3, 0]);
		expect(rth.within18WeeksPct).toBeCloseTo(50, 10);
		expect(rth.medianWeeks).toBeCloseTo(18, 10);
		const surgery = (await metrics(data, ['--specialty', '110'])).waitingList;
		expect(surgery.total).toBe(7);
		expect(surgery.within18WeeksPct).toBeCloseTo((5 / 7) * 100, 10);
		expect((await metrics(data, ['--commissioner', '11J'])).waitingList.total).toBe(8);
		await expect(metrics(data, ['--priority', 'urgent'])).rejects.toMatchObject({
			stderr: expect.stringContaining('not split by priority')
		});
	});

	it('reads the published .zip that holds the CSV', async () => {
		const zip = join(dir, 'full.zip');
		await writeFile(
			zip,
			zipSync({ '20250630-RTT-June-2025-full-extract.csv': strToU8(rttFile(ROWS)) })
		);
		await importRtt({ input: zip, out: join(dir, 'from-zip') });
		expect((await metrics(join(dir, 'from-zip'))).waitingList.total).toBe(15);
	});
});

describe('import:rtt refuses a malformed file, naming the row and column', () => {
	const refused = async (name: string, text: string) => {
		const input = join(dir, name);
		await writeFile(input, text);
		const run = exec(process.execPath, [
			'data-pipelines/bin/import-rtt.ts',
			'--input',
			input,
			'--out',
			join(dir, `out-${name}`)
		]);
		await expect(run).rejects.toMatchObject({ code: 2 });
		return (await run.catch((e) => e)).stderr as string;
	};

	it('a count that is not a number', async () => {
		const lines = rttFile(ROWS).split('\r\n');
		// Row 3's band 5 ("Gt 05 To 06 Weeks SUM 1"): 13 columns before the bands, one of them
		// a quoted name holding a comma (two pieces when split on commas).
		const cells = lines[3].split(',');
		cells[13 + 1 + 5] = '2x';
		lines[3] = cells.join(',');
		const stderr = await refused('bad-count.csv', lines.join('\r\n'));
		expect(stderr).toMatch(
			/bad-count\.csv row 3 \(line 4\), column "Gt 05 To 06 Weeks SUM 1": not a count \(a whole number, or blank\) \(found "2x"\)/
		);
	});
	it('a column missing', async () => {
		const header = RTT_HEADER.map((h) => (h === 'RTT Part Type' ? 'Part' : h));
		const stderr = await refused('no-part.csv', rttFile(ROWS, header));
		expect(stderr).toContain('is not an RTT Full CSV: it has no column "RTT Part Type"');
	});
	it('two months in one file', async () => {
		const stderr = await refused(
			'two-months.csv',
			rttFile([...ROWS, { ...ROWS[0], period: 'RTT-July-2025' }])
		);
		expect(stderr).toContain('holds 2 months (2025-06, 2025-07)');
	});
	it('a Total that is not the sum of its bands', async () => {
		const stderr = await refused('bad-total.csv', rttFile([ROWS[0], { ...ROWS[5], total: 4 }]));
		expect(stderr).toMatch(/row 2 \(line 3\), column "Total": not the sum of the week bands \(3\)/);
	});
	it('an unknown part', async () => {
		const stderr = await refused('bad-part.csv', rttFile([{ ...ROWS[0], part: 'Part_9' }]));
		expect(stderr).toMatch(/row 1 \(line 2\), column "RTT Part Type": not one of Part_1A/);
	});
});
