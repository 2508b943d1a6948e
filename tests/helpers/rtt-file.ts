/** RTT Full CSV files in NHS England's published layout, written by tests and the bench. */
import { bandColumn } from '../../data-pipelines/import/rtt.ts';

export interface RttRow {
	period?: string;
	provider: string;
	commissioner: string;
	part: string;
	treatment: string;
	/** Counts by week band (0–104); others are 0. */
	bands: Record<number, number>;
	/** The Total column: the bands' sum unless given (null: left blank, as Part_2 may be). */
	total?: number | null;
	unknown?: number;
}

/** The published header: names and parents around the columns the import reads. */
export const RTT_HEADER = [
	'Period',
	'Provider Parent Org Code',
	'Provider Parent Name',
	'Provider Org Code',
	'Provider Org Name',
	'Commissioner Parent Org Code',
	'Commissioner Parent Name',
	'Commissioner Org Code',
	'Commissioner Org Name',
	'RTT Part Type',
	'RTT Part Description',
	'Treatment Function Code',
	'Treatment Function Name',
	...Array.from({ length: 105 }, (_, b) => bandColumn(b)),
	'Total',
	'Patients with unknown clock start date',
	'Total All'
];

/** One line of the file. */
export function rttLine(r: RttRow): string {
	const bands = Array.from({ length: 105 }, (_, b) => r.bands[b] ?? 0);
	const sum = bands.reduce((a, b) => a + b, 0);
	const total = r.total === undefined ? sum : r.total;
	return [
		r.period ?? 'RTT-June-2025',
		'Y56',
		'"NHS ENGLAND LONDON, REGION"',
		r.provider,
		`${r.provider} NHS TRUST`,
		'QMJ',
		'NHS NORTH CENTRAL LONDON ICB',
		r.commissioner,
		`NHS ${r.commissioner} ICB`,
		r.part,
		r.part.startsWith('Part_2') ? 'Incomplete Pathways' : 'Completed Pathways',
		r.treatment,
		'General Surgery Service',
		...bands,
		total ?? '',
		r.unknown ?? 0,
		(total ?? sum) + (r.unknown ?? 0)
	].join(',');
}

export function rttFile(rows: readonly RttRow[], header = RTT_HEADER): string {
	return `${[header.join(','), ...rows.map(rttLine)].join('\r\n')}\r\n`;
}
