/**
 * Columns decoded from Parquet (by hyparquet) turned into an Arrow table DuckDB-WASM can take in:
 * text as dictionary vectors (few distinct codes, many rows), dates as days since 1970.
 *
 * An aggregate's rows can be folded on the way: the published files keep breakdowns the
 * dashboard does not read (an appointment's attendance type and medium, a clock stop's reason),
 * so rows that differ only in those are alike once those columns are left out. Summing their
 * counts gives the same answer to every query, in a half to a third of the rows, and DuckDB-WASM
 * takes rows in at about a millisecond per thousand, the most of a provider's first view.
 *
 * Built straight from typed arrays with `makeData`, not Arrow's builders: the builders compile
 * their null checks with `new Function`, which the app's Content Security Policy forbids, and
 * typed arrays are faster anyway.
 */
import {
	Bool,
	DateDay,
	Dictionary,
	Int32,
	makeData,
	makeVector,
	Table,
	Utf8,
	type Vector
} from 'apache-arrow';
import type { ColumnType } from '../dataset/schema.ts';

const DAY_MS = 86_400_000;

/**
 * A column as codes: `codes[row]` indexes `values`, its distinct values in order of first
 * appearance (null among them when the column has nulls).
 */
export interface Coded {
	codes: Int32Array;
	values: unknown[];
}

function encode(values: ArrayLike<unknown>): Coded {
	const index = new Map<unknown, number>();
	const codes = new Int32Array(values.length);
	for (let i = 0; i < values.length; i++) {
		let v = values[i];
		// A Date (as hyparquet gives dates by default) by its day, so that equal days share a code.
		if (v instanceof Date) v = Math.round(v.getTime() / DAY_MS);
		else if (v === undefined) v = null;
		let code = index.get(v);
		if (code === undefined) index.set(v, (code = index.size));
		codes[i] = code;
	}
	return { codes, values: [...index.keys()] };
}

interface Validity {
	nullBitmap: Uint8Array;
	nullCount: number;
}

/** Which of the `rows` (codes of a column) are not null. */
function validity(rows: Int32Array, isNull: (code: number) => boolean): Validity {
	const nullBitmap = new Uint8Array(Math.ceil(rows.length / 8));
	let nullCount = 0;
	for (let i = 0; i < rows.length; i++) {
		if (isNull(rows[i])) nullCount++;
		else nullBitmap[i >> 3] |= 1 << (i & 7);
	}
	return { nullBitmap, nullCount };
}

function utf8Vector(strings: readonly string[]): Vector<Utf8> {
	const encoder = new TextEncoder();
	const encoded = strings.map((s) => encoder.encode(s));
	const valueOffsets = new Int32Array(strings.length + 1);
	for (let i = 0; i < encoded.length; i++)
		valueOffsets[i + 1] = valueOffsets[i] + encoded[i].length;
	const data = new Uint8Array(valueOffsets[strings.length]);
	encoded.forEach((bytes, i) => data.set(bytes, valueOffsets[i]));
	return makeVector(makeData({ type: new Utf8(), length: strings.length, valueOffsets, data }));
}

/** Each row's value of `values` as a 32-bit integer (nulls 0, marked in the validity). */
function int32s(rows: Int32Array, values: unknown[]): Int32Array {
	const table = Int32Array.from(values, (v) => (v === null ? 0 : Number(v)));
	const out = new Int32Array(rows.length);
	for (let i = 0; i < rows.length; i++) out[i] = table[rows[i]];
	return out;
}

function bits(rows: Int32Array, values: unknown[]): Uint8Array {
	const out = new Uint8Array(Math.ceil(rows.length / 8));
	for (let i = 0; i < rows.length; i++) if (values[rows[i]] === true) out[i >> 3] |= 1 << (i & 7);
	return out;
}

/** A column given as `rows` (codes into `values`): its length and which rows are null. */
const shape = (rows: Int32Array, values: unknown[]) => ({
	length: rows.length,
	...validity(rows, (c) => values[c] === null)
});

const BUILD: Record<ColumnType, (rows: Int32Array, values: unknown[]) => Vector> = {
	// Text: the codes themselves index a dictionary of the distinct values (null's slot empty).
	string: (rows, values) =>
		makeVector(
			makeData({
				type: new Dictionary(new Utf8(), new Int32()),
				...shape(rows, values),
				data: rows,
				dictionary: utf8Vector(values.map((v) => (v === null ? '' : String(v))))
			})
		),
	date: (rows, values) =>
		makeVector(
			makeData({ type: new DateDay(), ...shape(rows, values), data: int32s(rows, values) })
		),
	boolean: (rows, values) =>
		makeVector(makeData({ type: new Bool(), ...shape(rows, values), data: bits(rows, values) })),
	integer: (rows, values) =>
		makeVector(makeData({ type: new Int32(), ...shape(rows, values), data: int32s(rows, values) }))
};

/**
 * The groups of rows alike in every coded column: each row's group, and how many groups. Codes
 * are combined into one number while that stays exact (always, for the dashboard's few codes per
 * column), otherwise into text.
 */
function groupRows(keys: Coded[], length: number): { group: Int32Array; count: number } {
	const group = new Int32Array(length);
	const codes = keys.map((k) => k.codes);
	const sizes = keys.map((k) => Math.max(1, k.values.length));
	const exact = sizes.reduce((n, s) => n * s, 1) <= Number.MAX_SAFE_INTEGER;
	const ids = new Map<number | string, number>();
	for (let i = 0; i < length; i++) {
		let key: number | string;
		if (exact) {
			key = 0;
			for (let j = 0; j < codes.length; j++) key = key * sizes[j] + codes[j][i];
		} else key = codes.map((c) => c[i]).join(',');
		let id = ids.get(key);
		if (id === undefined) ids.set(key, (id = ids.size));
		group[i] = id;
	}
	return { group, count: ids.size };
}

/**
 * Columns made ready for Arrow, in plain arrays and typed arrays only, so a worker can hand them
 * over (the typed arrays transferred, not copied): each key column as codes into its distinct
 * values, each count as 32-bit integers.
 */
export interface Folded {
	length: number;
	keys: Record<string, Coded>;
	counts: Record<string, Int32Array>;
}

/** The typed arrays of `folded`, to transfer to another thread. */
export const foldedBuffers = (folded: Folded): ArrayBuffer[] =>
	[
		...Object.values(folded.keys).map((k) => k.codes.buffer),
		...Object.values(folded.counts).map((c) => c.buffer)
	] as ArrayBuffer[];

/**
 * Codes the columns, typed by `types`, of equal length. With `counts` (columns of additive
 * counts), rows alike in every other column become one row with their counts summed, in order
 * of first appearance; a null count adds nothing. A column in `constants` has that value in
 * every row and is not read from `columns` (a file's partition: its provider, say).
 */
export function foldColumns(
	columns: Record<string, ArrayLike<unknown>>,
	types: Record<string, ColumnType>,
	counts: readonly string[] = [],
	constants: Record<string, string> = {}
): Folded {
	const names = Object.keys(types);
	const read = names.filter((n) => !(n in constants));
	for (const name of read)
		if (!columns[name]) throw new Error(`column ${name} is missing from the data`);
	for (const name of counts)
		if (types[name] !== 'integer') throw new Error(`count ${name} is not an integer column`);
	const length = columns[read[0]]?.length ?? 0;
	const constant = (value: string, rows: number): Coded => ({
		codes: new Int32Array(rows),
		values: [value]
	});
	const keyNames = read.filter((n) => !counts.includes(n));
	const coded = Object.fromEntries(keyNames.map((n) => [n, encode(columns[n])]));
	if (counts.length === 0) {
		for (const [name, value] of Object.entries(constants)) coded[name] = constant(value, length);
		return { length, keys: coded, counts: {} };
	}
	const { group, count } = groupRows(Object.values(coded), length);
	// Each group's first row stands for its key columns; the counts are summed into it.
	const first = new Int32Array(count).fill(-1);
	for (let i = 0; i < length; i++) if (first[group[i]] === -1) first[group[i]] = i;
	const keys: Record<string, Coded> = {};
	for (const name of keyNames) {
		const { codes, values } = coded[name];
		const rows = new Int32Array(count);
		for (let g = 0; g < count; g++) rows[g] = codes[first[g]];
		keys[name] = { codes: rows, values };
	}
	for (const [name, value] of Object.entries(constants)) keys[name] = constant(value, count);
	const sums: Record<string, Int32Array> = {};
	for (const name of counts) {
		const values = columns[name];
		const sum = new Int32Array(count);
		for (let i = 0; i < length; i++) {
			const v = values[i];
			if (v != null) sum[group[i]] += Number(v);
		}
		sums[name] = sum;
	}
	return { length: count, keys, counts: sums };
}

/** The Arrow table of folded columns, in the order of `types`. */
export function arrowFromFolded(folded: Folded, types: Record<string, ColumnType>): Table {
	const vectors: Record<string, Vector> = {};
	for (const name of Object.keys(types)) {
		const key = folded.keys[name];
		const count = folded.counts[name];
		if (key) vectors[name] = BUILD[types[name]](key.codes, key.values);
		else if (count)
			vectors[name] = makeVector(
				makeData({ type: new Int32(), length: folded.length, data: count })
			);
		else throw new Error(`column ${name} is missing from the data`);
	}
	return new Table(vectors);
}

/** An Arrow table from named columns: {@link foldColumns}, then {@link arrowFromFolded}. */
export function arrowTable(
	columns: Record<string, ArrayLike<unknown>>,
	types: Record<string, ColumnType>,
	counts: readonly string[] = []
): Table {
	return arrowFromFolded(foldColumns(columns, types, counts), types);
}
