/**
 * `npm run metrics -- --series week|month`: the waiting list's trend from the weekly or monthly
 * aggregates, each point equal to the census the pathway table gives for that day, with the SPC
 * charts the waits page draws.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyFromEnvironment } from '../../data-pipelines/pipeline/pseudonymise.ts';
import { runPipeline } from '../../data-pipelines/pipeline/run.ts';

const exec = promisify(execFile);
const FIXTURE = new URL('../fixtures/metrics/events.csv', import.meta.url).pathname;
let dir: string;

const metrics = async (args: string[]) =>
	JSON.parse(
		(
			await exec(process.execPath, [
				'data-pipelines/bin/metrics.ts',
				'--data',
				join(dir, 'data'),
				'--json',
				...args
			])
		).stdout
	);

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'series-'));
	await runPipeline({
		input: FIXTURE,
		out: join(dir, 'data'),
		extractDate: '2025-07-31',
		key: keyFromEnvironment({})
	});
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('metrics --series', () => {
	it('month: a point at each of the 12 month ends to the census, each the census of that day', async () => {
		const out = await metrics(['--series', 'month', '--as-of', '2025-06-30']);
		expect(out.series.cadence).toBe('month');
		expect(out.series.points.map((p: { periodEnd: string }) => p.periodEnd)).toEqual([
			'2024-07-31',
			'2024-08-31',
			'2024-09-30',
			'2024-10-31',
			'2024-11-30',
			'2024-12-31',
			'2025-01-31',
			'2025-02-28',
			'2025-03-31',
			'2025-04-30',
			'2025-05-31',
			'2025-06-30'
		]);
		for (const point of out.series.points) {
			const { waitingList } = await metrics(['--as-of', point.periodEnd]);
			expect(point, point.periodEnd).toEqual({
				periodEnd: point.periodEnd,
				waitingList: waitingList.total,
				within18WeeksPct: waitingList.within18WeeksPct,
				over52Weeks: waitingList.over52Weeks,
				medianWeeks: waitingList.medianWeeks,
				p92Weeks: waitingList.p92Weeks
			});
		}
		const { waitingList, within18WeeksPct } = out.series.spc;
		expect(waitingList.target).toBeNull();
		expect(waitingList.assurance).toBeNull();
		expect(within18WeeksPct.target).toBe(92);
		expect(waitingList.points).toHaveLength(12);
		expect(Object.keys(waitingList.points[0]).sort()).toEqual(
			['lowerLimit', 'mean', 'periodEnd', 'rule', 'special', 'upperLimit', 'value'].sort()
		);
		expect([
			'common_cause',
			'special_cause_improvement',
			'special_cause_concern',
			'special_cause_neutral_high',
			'special_cause_neutral_low'
		]).toContain(waitingList.variation);
	});

	it('week: 52 week ends by default; --from/--to, --target and --rebase are honoured', async () => {
		const out = await metrics(['--series', 'week', '--as-of', '2025-06-29']);
		expect(out.series.points).toHaveLength(52);
		expect(out.series.points.at(-1).periodEnd).toBe('2025-06-29');
		const ranged = await metrics([
			'--series',
			'week',
			'--from',
			'2025-01-06',
			'--to',
			'2025-06-29',
			'--target',
			'65',
			'--rebase',
			'2025-04-01'
		]);
		expect(ranged.series.points[0].periodEnd).toBe('2025-01-12');
		expect(ranged.series.points).toHaveLength(25);
		expect(ranged.series.spc.within18WeeksPct.target).toBe(65);
		const means = new Set(
			ranged.series.spc.waitingList.points.map((p: { mean: number }) => p.mean)
		);
		expect(means.size).toBe(2);
		const rebased = ranged.series.spc.waitingList.points.find(
			(p: { periodEnd: string }) => p.periodEnd === '2025-04-06'
		);
		expect(rebased.mean).not.toBe(ranged.series.spc.waitingList.points[0].mean);
	});

	it('refuses a cadence or target it does not know, with a one-line message', async () => {
		await expect(metrics(['--series', 'year'])).rejects.toMatchObject({
			stderr: expect.stringContaining('invalid --series "year": expected week or month')
		});
		await expect(metrics(['--series', 'week', '--target', '120'])).rejects.toMatchObject({
			stderr: expect.stringContaining('invalid --target "120"')
		});
	});
});
