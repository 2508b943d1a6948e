/**
 * Columns decoded from Parquet (by hyparquet) turned into an Arrow table DuckDB-WASM can take in:
 * text as dictionary vectors (few distinct codes, many rows), dates as days since 1970.
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

interface Validity {
	nullBitmap: Uint8Array;
	nullCount: number;
}

function validity(values: ArrayLike<unknown>): Validity {
	const nullBitmap = new Uint8Array(Math.ceil(values.length / 8));
	let nullCount = 0;
	for (let i = 0; i < values.length; i++) {
		if (values[i] == null) nullCount++;
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

function stringVector(values: ArrayLike<unknown>): Vector {
	const codes = new Map<string, number>();
	const indices = new Int32Array(values.length);
	for (let i = 0; i < values.length; i++) {
		const v = values[i];
		if (v == null) continue;
		const text = String(v);
		let code = codes.get(text);
		if (code === undefined) codes.set(text, (code = codes.size));
		indices[i] = code;
	}
	const type = new Dictionary(new Utf8(), new Int32());
	return makeVector(
		makeData({
			type,
			length: values.length,
			...validity(values),
			data: indices,
			dictionary: utf8Vector([...codes.keys()])
		})
	);
}

function dateVector(values: ArrayLike<unknown>): Vector {
	const days = new Int32Array(values.length);
	for (let i = 0; i < values.length; i++) {
		const v = values[i];
		if (v instanceof Date) days[i] = Math.round(v.getTime() / DAY_MS);
		else if (v != null) days[i] = Number(v);
	}
	return makeVector(
		makeData({ type: new DateDay(), length: values.length, ...validity(values), data: days })
	);
}

function boolVector(values: ArrayLike<unknown>): Vector {
	const bits = new Uint8Array(Math.ceil(values.length / 8));
	for (let i = 0; i < values.length; i++) if (values[i] === true) bits[i >> 3] |= 1 << (i & 7);
	return makeVector(
		makeData({ type: new Bool(), length: values.length, ...validity(values), data: bits })
	);
}

function intVector(values: ArrayLike<unknown>): Vector {
	const ints = new Int32Array(values.length);
	for (let i = 0; i < values.length; i++) if (values[i] != null) ints[i] = Number(values[i]);
	return makeVector(
		makeData({ type: new Int32(), length: values.length, ...validity(values), data: ints })
	);
}

const BUILD: Record<ColumnType, (values: ArrayLike<unknown>) => Vector> = {
	string: stringVector,
	date: dateVector,
	boolean: boolVector,
	integer: intVector
};

/** An Arrow table from named columns of equal length, typed by `types`. */
export function arrowTable(
	columns: Record<string, ArrayLike<unknown>>,
	types: Record<string, ColumnType>
): Table {
	const vectors: Record<string, Vector> = {};
	for (const [name, type] of Object.entries(types)) {
		const values = columns[name];
		if (!values) throw new Error(`column ${name} is missing from the data`);
		vectors[name] = BUILD[type](values);
	}
	return new Table(vectors);
}
