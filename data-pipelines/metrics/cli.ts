import { parseArgs } from 'node:util';
import { attachDataset, readManifest } from '../lib/dataset.ts';
import { openDb } from '../lib/duckdb.ts';
import { UserError } from '../lib/errors.ts';
import {
	addDays,
	isIsoDate,
	overviewMetrics,
	monthsEnding,
	PERIOD_MONTHS,
	PERIOD_WEEKS,
	periodEndOnOrBefore,
	publishedUnknownClockStart,
	publishedWaitingList,
	RTT_STANDARD_PCT,
	waitsSeries,
	weekEndOnOrBefore,
	weeksEnding,
	isLongWaitWeeks,
	longWaiters,
	singleProvider,
	summariseLongWaiters,
	type LongWaiter,
	type Cadence,
	type MetricFilters,
	type OverviewMetrics,
	type OverviewSource,
	aggregateLevel,
	DEFAULT_PRICES,
	dnaHeadlineSql,
	dnaOutcomesByDay,
	levelTable,
	PRICE_SOURCE,
	type DnaHeadlineRow,
	type DnaPrices
} from '../../src/lib/metrics/index.ts';

export const METRICS_USAGE = `Usage: npm run metrics -- --data DIR [options] [--json]

Prints the headline waits, referral and DNA figures of a published dataset, worked out by the
same SQL the dashboard runs.

  --data DIR             a dataset folder published by npm run pipeline
  --as-of DATE           census date for the waiting list (default: the last week end, a
                         Sunday, on or before the data's last event date; the dashboard's default)
  --from DATE --to DATE  period for referrals and appointments, inclusive
                         (default: the 52 weeks, 364 days, ending on the census date)
  --source S             facts: work the figures out from the pathway and appointment tables
                         (default; any dates); weekly: from the weekly aggregates, as the dashboard
                         does (the census a Sunday, the period whole weeks)
  --provider CODE        only this provider (repeat for several)
  --commissioner CODE    only this commissioner (repeat for several)
  --specialty CODE       only this treatment function (repeat for several)
  --priority P           routine, urgent or two_week_wait (repeat for several)
  --series week|month    add the waiting list's trend (JSON "series"): a point per week end or
                         month end of --from to --to (default the 52 weeks or 12 months ending
                         on the census, --as-of or the last of that cadence in the data), and
                         Making Data Count SPC charts of the list and of the % within 18 weeks,
                         from the weekly or monthly aggregates, as the waits page draws them
  --target N             the % within 18 weeks target of the series (default ${RTT_STANDARD_PCT})
  --rebase DATE          start a new phase of SPC limits at DATE (repeat for several)
  --long-waiters WEEKS   add the one --provider's pathways waiting more than WEEKS weeks (1 to
                         104) at the census (JSON "longWaiters"), from its event-level tables, as
                         the long-waiters page lists them: pseudonymous reference, stage, weeks
                         waited and to the next threshold, next appointment, last validation
  --price-first GBP      the price of a first outpatient attendance, for the estimated cost of
                         slots lost to DNAs (JSON "dna"; default ${DEFAULT_PRICES.first})
  --price-follow-up GBP  the price of a follow-up attendance (default ${DEFAULT_PRICES.followUp}); the
                         defaults are ${PRICE_SOURCE}
  --json                 print JSON only (the names are stable: paste them into reports)
  --help                 show this help`;

function date(name: string, value: string | undefined): string | undefined {
	if (value !== undefined && !isIsoDate(value)) {
		throw new UserError(`invalid --${name} "${value}": expected a date written YYYY-MM-DD`);
	}
	return value;
}

const fmtCount = (n: number) => n.toLocaleString('en-GB');
const fmtPct = (n: number | null) => (n === null ? '–' : `${n.toFixed(1)}%`);
const fmtWeeks = (n: number | null) => (n === null ? '–' : `${n.toFixed(1)} weeks`);

function table(m: OverviewMetrics & { dna?: ReturnType<typeof dnaSection> }): string {
	const filters = Object.entries(m.filters).map(([k, v]) => `${k} ${[v].flat().join('|')}`);
	const rows: [string, string][] = [
		['Waiting list at', m.asOf],
		['Period', `${m.from} to ${m.to}`],
		['Filters', filters.length ? filters.join(', ') : 'none'],
		['Waiting list', fmtCount(m.waitingList.total)],
		['Within 18 weeks', fmtPct(m.waitingList.within18WeeksPct)],
		['Over 52 weeks', fmtCount(m.waitingList.over52Weeks)],
		['Over 65 weeks', fmtCount(m.waitingList.over65Weeks)],
		['Over 78 weeks', fmtCount(m.waitingList.over78Weeks)],
		['Over 104 weeks', fmtCount(m.waitingList.over104Weeks)],
		['Median wait', fmtWeeks(m.waitingList.medianWeeks)],
		['92nd percentile wait', fmtWeeks(m.waitingList.p92Weeks)],
		['Referrals received', fmtCount(m.referrals.received)],
		['Appointments attended', fmtCount(m.appointments.attended)],
		['Did not attend', fmtCount(m.appointments.dna)],
		['DNA rate (attended basis)', fmtPct(m.appointments.dnaRate)],
		...(m.dna
			? ([
					['DNA rate (all appointments)', fmtPct(m.dna.allAppointmentsBasisRate)],
					['Cancelled by patient', fmtPct(m.dna.patientCancellationRate)],
					['Cancelled by provider', fmtPct(m.dna.providerCancellationRate)],
					['  under 7 days before', fmtCount(m.dna.providerShortNoticeCancellations)],
					['Slots lost to DNAs', fmtCount(m.dna.lostSlots)],
					[
						'Estimated cost',
						`£${fmtCount(Math.round(m.dna.estimatedCost))} (£${m.dna.prices.first} first, £${m.dna.prices.followUp} follow-up)`
					]
				] as [string, string][])
			: [])
	];
	return rows.map(([k, v]) => `${k.padEnd(27)} ${v}`).join('\n');
}

function seriesTable(
	points: {
		periodEnd: string;
		waitingList: number;
		within18WeeksPct: number | null;
		over52Weeks: number;
		medianWeeks: number | null;
	}[]
): string {
	const head = `${'Period end'.padEnd(12)}${'Waiting'.padStart(10)}${'Within 18'.padStart(11)}${'Over 52'.padStart(9)}${'Median'.padStart(14)}`;
	return [
		head,
		...points.map(
			(p) =>
				`${p.periodEnd.padEnd(12)}${fmtCount(p.waitingList).padStart(10)}${fmtPct(p.within18WeeksPct).padStart(11)}${fmtCount(p.over52Weeks).padStart(9)}${fmtWeeks(p.medianWeeks).padStart(14)}`
		)
	].join('\n');
}

/** The long waiters, one line each (the first 50; --json has them all). */
function longWaitersTable(rows: LongWaiter[], weeks: number): string {
	const head = `${'Pathway'.padEnd(14)}${'Specialty'.padEnd(10)}${'Stage'.padEnd(22)}${'Weeks'.padStart(6)}  ${'Next appt'.padEnd(11)}Validated`;
	const lines = rows
		.slice(0, 50)
		.map(
			(r) =>
				`${r.pathwayRef.slice(0, 12).padEnd(14)}${(r.specialty ?? '–').padEnd(10)}${(r.stage ?? '–').padEnd(22)}${String(r.weeksWaited).padStart(6)}  ${(r.nextAppointment ?? '–').padEnd(11)}${r.lastValidated ?? '–'}`
		);
	const more =
		rows.length > 50 ? [`… and ${fmtCount(rows.length - 50)} more (--json lists them all)`] : [];
	return [
		`${fmtCount(rows.length)} pathways waiting over ${weeks} weeks`,
		head,
		...lines,
		...more
	].join('\n');
}

/**
 * A dataset of NHS England's published statistics (npm run import:rtt): its month's waiting list
 * (as at the month's last day), with referrals and appointments null, which it does not hold.
 */
async function publishedMetrics(
	values: {
		data?: string;
		json?: boolean;
		provider?: string[];
		commissioner?: string[];
		specialty?: string[];
		priority?: string[];
		series?: string;
	},
	manifest: Awaited<ReturnType<typeof readManifest>>
): Promise<number> {
	if (values.priority?.length)
		throw new UserError('--priority: published RTT statistics are not split by priority');
	if (values.series)
		throw new UserError(
			'--series: a published RTT file holds one month; import more months to see a trend'
		);
	const filters: MetricFilters = {
		provider: values.provider,
		commissioner: values.commissioner,
		specialty: values.specialty
	};
	const asOf = manifest.dataPeriod!.to;
	const db = await openDb();
	try {
		await attachDataset(db, values.data!, manifest);
		const [[row], [unknown]] = await Promise.all([
			db.all(publishedWaitingList(filters)),
			db.all(publishedUnknownClockStart(filters))
		]);
		const result = {
			kind: 'rtt-published',
			month: manifest.month,
			asOf,
			from: manifest.dataPeriod!.from,
			to: asOf,
			filters: Object.fromEntries(Object.entries(filters).filter(([, v]) => v?.length)),
			waitingList: {
				total: row.total,
				within18WeeksPct: row.within_18_weeks_pct,
				over52Weeks: row.over_52_weeks,
				over65Weeks: row.over_65_weeks,
				over78Weeks: row.over_78_weeks,
				over104Weeks: row.over_104_weeks,
				medianWeeks: row.median_weeks,
				p92Weeks: row.p92_weeks,
				unknownClockStart: unknown.n
			},
			referrals: null,
			appointments: null,
			dna: null
		};
		process.stdout.write(
			values.json
				? `${JSON.stringify(result)}\n`
				: `Published RTT statistics, ${manifest.month} (waiting list at ${asOf})\n` +
						`Waiting list                ${fmtCount(row.total as number)}\n` +
						`Within 18 weeks             ${fmtPct(row.within_18_weeks_pct as number | null)}\n` +
						`Over 52 weeks               ${fmtCount(row.over_52_weeks as number)}\n` +
						`Median wait                 ${fmtWeeks(row.median_weeks as number | null)}\n` +
						`92nd percentile wait        ${fmtWeeks(row.p92_weeks as number | null)}\n` +
						`Unknown clock start         ${fmtCount(unknown.n as number)} (not in the figures above)\n`
		);
	} finally {
		db.close();
	}
	return 0;
}

/** A price given on the command line: pounds, 0 or more. */
function priceArg(name: string, value: string | undefined, fallback: number): number {
	if (value === undefined) return fallback;
	const n = Number(value);
	if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100_000) {
		throw new UserError(`invalid --${name} "${value}": expected a price in pounds, 0 to 100000`);
	}
	return n;
}

/** The JSON \`dna\` section: the DNAs page's headline for the period and filters. */
function dnaSection(row: DnaHeadlineRow, prices: DnaPrices) {
	return {
		attendedBasisRate: row.attended_basis_rate,
		allAppointmentsBasisRate: row.all_appointments_basis_rate,
		patientCancellationRate: row.patient_cancellation_rate,
		providerCancellationRate: row.provider_cancellation_rate,
		providerShortNoticeCancellations: row.provider_short_notice,
		dnaCount: row.dna,
		lostSlots: row.lost_slots,
		estimatedCost: row.estimated_cost,
		allAppointments: row.all_appointments,
		prices: { first: prices.first, followUp: prices.followUp, source: PRICE_SOURCE }
	};
}

export async function metricsCli(argv: string[]): Promise<number> {
	let values;
	try {
		({ values } = parseArgs({
			args: argv,
			options: {
				data: { type: 'string' },
				'as-of': { type: 'string' },
				from: { type: 'string' },
				to: { type: 'string' },
				provider: { type: 'string', multiple: true },
				commissioner: { type: 'string', multiple: true },
				specialty: { type: 'string', multiple: true },
				priority: { type: 'string', multiple: true },
				source: { type: 'string', default: 'facts' },
				series: { type: 'string' },
				target: { type: 'string' },
				rebase: { type: 'string', multiple: true },
				'long-waiters': { type: 'string' },
				'price-first': { type: 'string' },
				'price-follow-up': { type: 'string' },
				json: { type: 'boolean', default: false },
				help: { type: 'boolean', default: false }
			}
		}));
	} catch (error) {
		throw new UserError(`${(error as Error).message} (see --help)`);
	}
	if (values.help) {
		process.stdout.write(`${METRICS_USAGE}\n`);
		return 0;
	}
	if (!values.data) throw new UserError('--data is required (see --help)');
	const manifest = await readManifest(values.data);
	if (manifest.kind === 'rtt-published') return publishedMetrics(values, manifest);
	const source = values.source as OverviewSource;
	if (source !== 'facts' && source !== 'weekly') {
		throw new UserError(`invalid --source "${values.source}": expected facts or weekly`);
	}
	const dataEnd = manifest.dataPeriod?.to;
	const asOf = date('as-of', values['as-of']) ?? (dataEnd ? weekEndOnOrBefore(dataEnd) : undefined);
	if (!asOf) throw new UserError(`the dataset in "${values.data}" has no events: give --as-of`);
	const to = date('to', values.to) ?? asOf;
	const from = date('from', values.from) ?? addDays(to, 1 - 7 * PERIOD_WEEKS);
	if (from > to) throw new UserError(`--from ${from} is after --to ${to}`);
	const filters: MetricFilters = {
		provider: values.provider,
		commissioner: values.commissioner,
		specialty: values.specialty,
		priority: values.priority
	};
	const cadence = values.series as Cadence | undefined;
	if (cadence !== undefined && cadence !== 'week' && cadence !== 'month') {
		throw new UserError(`invalid --series "${values.series}": expected week or month`);
	}
	const target = values.target === undefined ? RTT_STANDARD_PCT : Number(values.target);
	if (!Number.isFinite(target) || target < 0 || target > 100) {
		throw new UserError(`invalid --target "${values.target}": expected a percentage, 0 to 100`);
	}
	const rebase = (values.rebase ?? []).map((d) => date('rebase', d)!);
	const prices: DnaPrices = {
		first: priceArg('price-first', values['price-first'], DEFAULT_PRICES.first),
		followUp: priceArg('price-follow-up', values['price-follow-up'], DEFAULT_PRICES.followUp)
	};
	const longWaitWeeks =
		values['long-waiters'] === undefined ? undefined : Number(values['long-waiters']);
	if (longWaitWeeks !== undefined) {
		if (!isLongWaitWeeks(longWaitWeeks))
			throw new UserError(
				`invalid --long-waiters "${values['long-waiters']}": expected a whole number of weeks, 1 to 104`
			);
		if (!singleProvider(filters))
			throw new UserError("--long-waiters lists one provider's pathways: give one --provider");
	}
	const db = await openDb();
	try {
		await attachDataset(db, values.data, manifest);
		let metrics;
		try {
			const overview = await overviewMetrics(
				(sql) => db.all(sql),
				{ asOf, from, to, filters },
				source
			);
			const [dna] = await db.all(
				dnaHeadlineSql(
					source === 'weekly'
						? {
								table: levelTable('dna_outcomes_weekly', aggregateLevel(filters)),
								column: 'week_end',
								from: addDays(from, 6),
								to,
								filters
							}
						: {
								table: 'appointment_days',
								cte: dnaOutcomesByDay(),
								column: 'day',
								from,
								to,
								filters
							},
					prices
				)
			);
			metrics = { ...overview, dna: dnaSection(dna as unknown as DnaHeadlineRow, prices) };
		} catch (error) {
			// The weekly roll-ups refuse a census or period that is not whole weeks, saying why.
			if (error instanceof RangeError) throw new UserError(`--source weekly: ${error.message}`);
			throw error;
		}
		if (longWaitWeeks !== undefined) {
			const rows = await longWaiters((sql) => db.all(sql), {
				asOf,
				weeks: longWaitWeeks,
				filters
			});
			const list = {
				asOf,
				weeks: longWaitWeeks,
				provider: singleProvider(filters),
				summary: summariseLongWaiters(rows, asOf),
				rows
			};
			process.stdout.write(
				values.json
					? `${JSON.stringify({ ...metrics, longWaiters: list })}\n`
					: `${table(metrics)}\n\n${longWaitersTable(list.rows, longWaitWeeks)}\n`
			);
			return 0;
		}
		if (!cadence) {
			process.stdout.write(values.json ? `${JSON.stringify(metrics)}\n` : `${table(metrics)}\n`);
			return 0;
		}
		const census = periodEndOnOrBefore(cadence, values['as-of'] ?? dataEnd ?? asOf);
		const range =
			values.from || values.to
				? { from, to }
				: cadence === 'week'
					? weeksEnding(census, PERIOD_WEEKS)
					: monthsEnding(census, PERIOD_MONTHS);
		const { charts: _charts, ...series } = await waitsSeries((sql) => db.all(sql), {
			cadence,
			...range,
			filters,
			target,
			rebase
		});
		process.stdout.write(
			values.json
				? `${JSON.stringify({ ...metrics, series })}\n`
				: `${table(metrics)}\n\n${seriesTable(series.points)}\n`
		);
	} finally {
		db.close();
	}
	return 0;
}
