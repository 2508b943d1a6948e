/** The browser bench's results as a short Markdown page: one table per page and size. */
import { markdownTable } from '../machine.ts';
import { formatBytes, formatMs, type BudgetCheck } from './budgets.ts';
import type { BenchResult, PageResult, SizeResult } from './run.ts';

const count = (n: number) => n.toLocaleString('en-GB');
const msOr = (t: number | null) => (t === null ? '–' : formatMs(t));
const bytesOr = (b: number | null) => (b === null ? '–' : formatBytes(b));
const ratio = (r: number | null) => (r === null ? '–' : `${r.toFixed(1)}×`);
const fetchSpan = (f: { firstStartMs: number; lastEndMs: number } | null) =>
	f ? `${formatMs(f.firstStartMs)} → ${formatMs(f.lastEndMs)}` : '–';

function budgetCells(checks: BudgetCheck[], name: string): [string, string] {
	const c = checks.find((b) => b.budget.startsWith(name));
	if (!c) return ['', ''];
	const limit = c.unit === 'ms' ? formatMs(c.limit) : formatBytes(c.limit);
	return [`≤ ${limit}`, c.met ? `**met** (${c.distance.slice(5)})` : `**not met**: ${c.distance}`];
}

function pageTable(r: PageResult): string {
	const b = (name: string) => budgetCells(r.budgets, name);
	const { cold, warm, changes, native } = r;
	const beyondEngine = (x: typeof cold) => x.bytes.total - x.bytes.engine;
	const rows: (string | number)[][] = [
		['time to first KPI', msOr(cold.firstKpiMs), msOr(warm.firstKpiMs), ...b('first KPI')],
		['DuckDB-WASM ready', msOr(cold.engineReadyMs), msOr(warm.engineReadyMs), '', ''],
		[
			'background loading done (a small dataset’s providers prefetched); the filter changes start after it',
			msOr(cold.settledMs),
			msOr(warm.settledMs),
			'',
			''
		],
		[
			'all charts drawn',
			msOr(cold.chartsDrawnMs),
			msOr(warm.chartsDrawnMs),
			...b('all charts drawn')
		],
		[
			'… Parquet requests on the main thread, first start → last end',
			fetchSpan(cold.parquetFetch),
			fetchSpan(warm.parquetFetch),
			'',
			''
		],
		[
			'… main thread blocked until drawn: long tasks, total (longest)',
			`${formatMs(cold.longTasks.totalMs)} (${formatMs(cold.longTasks.maxMs)})`,
			`${formatMs(warm.longTasks.totalMs)} (${formatMs(warm.longTasks.maxMs)})`,
			'',
			''
		],
		[
			`filter change → redrawn, p50 / p95 / max (${changes.count} changes)`,
			`${formatMs(changes.drawnMs.p50)} / ${formatMs(changes.drawnMs.p95)} / ${formatMs(changes.drawnMs.max)}`,
			'',
			...b('filter change p95')
		],
		[
			'… of which until the queries answered (view-ready mark), p50 / p95',
			changes.dataMs ? `${formatMs(changes.dataMs.p50)} / ${formatMs(changes.dataMs.p95)}` : '–',
			'',
			'',
			''
		],
		[
			`native DuckDB (${native.duckdb}, 1 thread), the same views' SQL, p50 / p95`,
			`${native.viewMs.p50.toFixed(1)} ms / ${native.viewMs.p95.toFixed(1)} ms`,
			'',
			'',
			''
		],
		[
			'WASM / native: filter change p50 (p95) ÷ native p50',
			`${ratio(r.ratio.drawnP50)} (${ratio(r.ratio.drawnP95)}); queries alone ${ratio(r.ratio.dataP50)}`,
			'',
			'',
			''
		],
		[
			'bytes fetched: total (requests)',
			`${formatBytes(cold.bytes.total)} (${cold.bytes.requests})`,
			`${formatBytes(warm.bytes.total)} (${warm.bytes.requests})`,
			'',
			''
		],
		[
			'… beyond the engine',
			formatBytes(beyondEngine(cold)),
			formatBytes(beyondEngine(warm)),
			...b('first load beyond the engine')
		],
		[
			'… engine (wasm + worker) / app JS / Parquet / other',
			[cold.bytes.engine, cold.bytes.appJs, cold.bytes.parquet, cold.bytes.other]
				.map(formatBytes)
				.join(' / '),
			[warm.bytes.engine, warm.bytes.appJs, warm.bytes.parquet, warm.bytes.other]
				.map(formatBytes)
				.join(' / '),
			'',
			''
		],
		[
			'Parquet read by ranges',
			`${r.rangeReads.ok ? 'yes' : '**NO**'}: first load ${r.rangeReads.parquetRequests} requests, ` +
				`${formatBytes(r.rangeReads.parquetBytesFetched)}; with the filter changes ` +
				`${r.rangeReads.sessionParquetRequests} range requests, all 206, ` +
				`${formatBytes(r.rangeReads.sessionParquetBytes)} of ${formatBytes(r.rangeReads.parquetBytesOnDisk)} on disk ` +
				`(${((100 * r.rangeReads.sessionParquetBytes) / r.rangeReads.parquetBytesOnDisk).toFixed(1)}%)`,
			'',
			'every request 206, fewer bytes than on disk',
			r.rangeReads.ok ? '**met**' : `**not met**: ${r.rangeReads.problems.join('; ')}`
		],
		[
			'peak JS heap, main thread: load / during the filter changes',
			`${bytesOr(cold.peakJsHeapBytes)} / ${bytesOr(changes.peakJsHeapBytes)}`,
			bytesOr(warm.peakJsHeapBytes),
			'',
			''
		],
		[
			"peak private memory of the page's renderer (JS, engine worker, wasm heap): load / during the filter changes",
			`${bytesOr(cold.peakRendererPrivateBytes)} / ${bytesOr(changes.peakRendererPrivateBytes)}`,
			'',
			'',
			''
		]
	];
	return markdownTable(['metric', 'cold', 'warm', 'budget', 'met / distance'], rows);
}

/** How England was made, region by region, when it was (`--sizes england`). */
function regionLines(d: SizeResult['dataset']): string[] {
	if (!d.regions?.length) return [];
	const made = d.regions.some((r) => r.seconds.publish > 0);
	const rows = d.regions.map((r) => [
		r.region,
		count(r.events),
		formatBytes(r.parquetBytes),
		r.seconds.generate ? `${r.seconds.generate.toFixed(0)} s` : 'cached',
		r.seconds.publish ? `${r.seconds.publish.toFixed(0)} s` : 'cached',
		bytesOr(r.peakRssBytes)
	]);
	return [
		'All seven regions, each generated for a year as CSV, put through `npm run pipeline` on its own ' +
			'(its CSV deleted once published) and then joined by `npm run merge`' +
			(made ? ':' : ' (in an earlier run; the times are from that run or not kept):'),
		'',
		markdownTable(
			['region', 'events', 'published', 'generate', 'pipeline', 'peak RSS so far (bench process)'],
			rows
		),
		''
	];
}

export function markdownReport(result: BenchResult): string {
	const m = result.machine;
	const js = result.budgets.find((b) => b.budget.startsWith('app JS'))!;
	const lines = [
		`# Dashboard in the browser (${m.date.slice(0, 10)})`,
		'',
		`${m.cpus} cores (${m.cpu}), ${m.memoryGiB} GiB; Node ${m.node}, Chromium ${m.chromium} (headless, ` +
			`Playwright ${m.playwright}), DuckDB-WASM ${m.duckdbWasm}, native DuckDB ${m.duckdbNode}; ` +
			`load average ${result.load.before} before, ${result.load.after} after. ` +
			`Medians of ${result.options.loads} cold loads (a fresh browser context each) and the warm load after each ` +
			`(same context); ${result.options.changes} filter changes after the first cold load, each ${result.options.thinkMs ?? 0} ms after the last view was drawn (a person reading it), timed in the page from the ` +
			'change event to the new view drawn and painted. Times from navigation start. The native baseline runs the ' +
			'same SQL for the same views on one thread against the same Parquet files.',
		'',
		`**App JS** (every route, gzip -9, the DuckDB worker apart): ${formatBytes(result.appJs.gzipBytes)} in ` +
			`${result.appJs.files} files; budget ≤ ${formatBytes(js.limit)}: ${js.met ? `**met** (${js.distance.slice(5)})` : `**not met**: ${js.distance}`}. ` +
			`DuckDB worker ${formatBytes(result.appJs.engineWorkerGzipBytes)} gzip.`,
		''
	];
	for (const size of result.sizes) {
		const d = size.dataset;
		for (const page of size.pages) {
			lines.push(
				`## ${page.page}, ${size.size}`,
				'',
				`${count(d.events)} events published as ${d.parquetFiles} Parquet file(s), ${formatBytes(d.parquetBytes)}.`,
				'',
				...regionLines(d),
				pageTable(page),
				''
			);
			const notes = page.budgets.filter((b) => b.note).map((b) => `- ${b.budget}: ${b.note}`);
			if (notes.length) lines.push(...notes, '');
		}
	}
	const ran = new Set(result.options.sizes);
	if (!ran.has('england') && !ran.has('england-x7'))
		lines.push(
			'England: not run. `--sizes england` generates and publishes all seven regions for a year, one at a time ' +
				'(about 380M events, an hour and a half on 2 cores the first time), and merges them; `--sizes england-x7` ' +
				'copies the published North East and Yorkshire slice to seven regions instead, in minutes. ' +
				'The England budget (filter change p95 ≤ 250 ms) has no figure here.',
			''
		);
	if (result.failures.length)
		lines.push('**FAILED**', '', ...result.failures.map((f) => `- ${f}`), '');
	return lines.join('\n');
}
