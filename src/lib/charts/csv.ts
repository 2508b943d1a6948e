/** CSV for board papers and spreadsheets: RFC 4180 quoting, raw (unformatted) numbers. */
import { downloadBlob } from './export.ts';

export interface CsvColumn<Row> {
	key: keyof Row & string;
	label: string;
}

function cell(value: unknown): string {
	if (value === null || value === undefined) return '';
	const text = String(value);
	return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv<Row>(columns: readonly CsvColumn<Row>[], rows: readonly Row[]): string {
	const lines = [columns.map((c) => cell(c.label)).join(',')];
	for (const row of rows) lines.push(columns.map((c) => cell(row[c.key])).join(','));
	return `${lines.join('\r\n')}\r\n`;
}

/** Offers `text` to the user as a file download. */
export function downloadText(
	filename: string,
	text: string,
	type = 'text/csv;charset=utf-8'
): void {
	downloadBlob(filename, new Blob([text], { type }));
}
