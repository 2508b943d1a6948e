/**
 * Writes the event store as contract-v1 CSV: rows sorted by event_time, ties in generation order (so a
 * booking always precedes its outcome), event ids numbered in that order.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import {
	AGE_BANDS,
	CLINICAL_PRIORITIES,
	COLUMNS,
	CONSULTATION_MEDIA,
	EVENT_TYPES,
	PRIORITIES,
	REFERRAL_SOURCES,
	SEXES,
	STOP_REASONS
} from '../lib/contract.ts';
import { EV, IS_APPOINTMENT, eventAppt, eventExtra, eventSeq, eventType } from './events.ts';
import type { EventStore, PathwayStore } from './events.ts';
import { formatDay, SECONDS_PER_DAY } from './calendar.ts';
import { ETHNICITIES, sourceCode } from './world.ts';
import type { World } from './world.ts';

/** Column order of the generated CSV: the contract's canonical order. */
export const CSV_COLUMNS = COLUMNS;

/** RFC 4180: quote a field only if it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
	return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const CLINIC_LETTERS = 'ABCDEFGV';
const GP = sourceCode('gp');

/** Fake 10-digit local patient number: starts with 1, outside the NHS number ranges England issues (4, 6, 7). */
export function patientId(index: number): string {
	return `1${String(scramblePatient(index)).padStart(9, '0')}`;
}

/** A bijection of 0 … 10^9 − 1 (387420489 = 3^18 is coprime to 10^9), so ids do not reveal pool order. */
function scramblePatient(index: number): number {
	return (index * 387420489 + 123456789) % 1000000000;
}

export function pathwayId(number: number): string {
	return `PW${String(number).padStart(9, '0')}`;
}

/** Indices of events sorted by (time, index), packed as time × 2^bits + index when that fits a double. */
function sortOrder(events: EventStore): { order: Float64Array | Uint32Array; bits: number } {
	const n = events.length;
	const d = events.data;
	let minTime = Infinity;
	let maxTime = -Infinity;
	for (let i = 0; i < n; i++) {
		const t = d[i * 4];
		if (t < minTime) minTime = t;
		if (t > maxTime) maxTime = t;
	}
	if (n === 0) return { order: new Uint32Array(0), bits: 0 };
	const bits = Math.max(1, Math.ceil(Math.log2(n + 1)));
	const scale = 2 ** bits;
	if ((maxTime - minTime + 1) * scale < 2 ** 53) {
		const keys = new Float64Array(n);
		for (let i = 0; i < n; i++) keys[i] = (d[i * 4] - minTime) * scale + i;
		keys.sort();
		return { order: keys, bits };
	}
	const order = new Uint32Array(n);
	for (let i = 0; i < n; i++) order[i] = i;
	order.sort((x, y) => d[x * 4] - d[y * 4] || x - y);
	return { order, bits: 0 };
}

export interface WriteInput {
	path: string;
	events: EventStore;
	pathways: PathwayStore;
	world: World;
	baseDay: number;
}

const CHUNK_BYTES = 1 << 22;
const MAX_ROW_BYTES = 1024;
const COMMA = 44;
const NEWLINE = 10;

function ascii(text: string): Uint8Array {
	return new Uint8Array(Buffer.from(text, 'latin1'));
}

function copy(out: Uint8Array, pos: number, src: Uint8Array, from: number, to: number): number {
	for (let j = from; j < to; j++) out[pos++] = src[j];
	return pos;
}

function copyWithin(out: Uint8Array, pos: number, from: number, to: number): number {
	for (let j = from; j < to; j++) out[pos++] = out[j];
	return pos;
}

/** Decimal digits of a non-negative integer, zero-padded to at least `width`. */
function writeDigits(out: Uint8Array, pos: number, value: number, width: number): number {
	let digits = 1;
	for (let v = value; v >= 10; v = Math.floor(v / 10)) digits++;
	if (digits < width) digits = width;
	let v = value;
	for (let j = digits - 1; j >= 0; j--) {
		const q = Math.floor(v / 10);
		out[pos + j] = 48 + (v - q * 10);
		v = q;
	}
	return pos + digits;
}

function copyAll(out: Uint8Array, pos: number, src: Uint8Array): number {
	for (let j = 0; j < src.length; j++) out[pos++] = src[j];
	return pos;
}

function twoDigits(out: Uint8Array, pos: number, v: number): number {
	out[pos] = 48 + ((v / 10) | 0);
	out[pos + 1] = 48 + (v % 10);
	return pos + 2;
}

/** "YYYY-MM-DDTHH:MM:SS" of a relative time, day part from the precomputed table. */
function writeStamp(
	out: Uint8Array,
	pos: number,
	dayBytes: Uint8Array,
	firstDay: number,
	t: number
): number {
	const day = Math.floor(t / SECONDS_PER_DAY);
	const second = t - day * SECONDS_PER_DAY;
	const from = (day - firstDay) * 11;
	pos = copy(out, pos, dayBytes, from, from + 11);
	pos = twoDigits(out, pos, (second / 3600) | 0);
	out[pos++] = 58;
	pos = twoDigits(out, pos, ((second / 60) | 0) % 60);
	out[pos++] = 58;
	return twoDigits(out, pos, second % 60);
}

/**
 * Writes the CSV through a buffered file stream. Rows are encoded straight into 4 MB byte chunks (all
 * values are ASCII) and each full chunk is one stream write; resolves to the number of data rows.
 */
export async function writeEventsCsv(input: WriteInput): Promise<number> {
	const { events, pathways, world, baseDay } = input;
	const n = events.length;
	const ev = events.data;
	const pw = pathways.data;

	let maxTime = 0;
	let minTime = n === 0 ? 0 : Infinity;
	for (let i = 0; i < n; i++) {
		const t = ev[i * 4];
		if (t < minTime) minTime = t;
		if (ev[i * 4 + 2] > maxTime) maxTime = ev[i * 4 + 2];
		if (t > maxTime) maxTime = t;
	}
	const firstDay = Math.floor(minTime / SECONDS_PER_DAY);
	const lastDay = Math.floor(maxTime / SECONDS_PER_DAY);
	// "YYYY-MM-DDT" for every day in range, 11 bytes each.
	const dayBytes = new Uint8Array((lastDay - firstDay + 1) * 11);
	for (let d = firstDay; d <= lastDay; d++)
		dayBytes.set(ascii(formatDay(baseDay + d) + 'T'), (d - firstDay) * 11);

	const commissionerOf = Uint8Array.from(world.practices.map((p) => p.commissioner));
	const organisations = world.providers.map((prov) =>
		world.commissioners.map((c) => ascii(`,${csvField(prov.code)},${csvField(c.code)},`))
	);
	const specialtyPriority = world.specialties.flatMap((sp) =>
		PRIORITIES.map((pr) => ascii(`${csvField(sp.code)},${pr},`))
	);
	const typeBytes = EVENT_TYPES.map((t) => ascii(t + ','));
	const practiceBytes = world.practices.map((p) => ascii(csvField(p.code) + ','));
	const referralTail = [true, false].map((rtt) =>
		REFERRAL_SOURCES.map((s) => ascii(`${rtt},acute,${s},`))
	);
	const nonReferralMiddle = ascii(',,,');
	const attendance = [ascii('first,'), ascii('follow_up,')];
	const mediums = CONSULTATION_MEDIA.map((m) => ascii(m + ','));
	const clinicPrefix = world.providers.map((prov) =>
		world.specialties.map((s) => ascii(csvField(`${prov.code}-${s.code}-`)))
	);
	const clinicLetters = ascii(CLINIC_LETTERS);
	const cancelled = [ascii(',patient,'), ascii(',provider,')];
	const noAppointment = ascii(',,,,,,');
	const stopReasons = STOP_REASONS.map((r) => ascii(r));
	const ages = AGE_BANDS.map((a) => ascii(`,${a},`));
	const sexes = SEXES.map((x) => ascii(x + ','));
	const ethnicities = ETHNICITIES.map((e) => ascii(e + ','));
	const deciles = Array.from({ length: 11 }, (_, i) => ascii(i + ','));
	const noDemographics = ascii(',,,,,');
	const clinicalPriorities = CLINICAL_PRIORITIES.map((c) => ascii(c));

	// Gather the events into time order first: one pass of independent random reads is far faster than
	// the same reads scattered through the encoding loop.
	const sorted = new Int32Array(n * 4);
	{
		const order = sortOrder(events);
		const keys = order.order;
		const scale = order.bits ? 2 ** order.bits : 0;
		for (let k = 0; k < n; k++) {
			const key = keys[k];
			const o = (scale ? key - Math.floor(key / scale) * scale : key) * 4;
			const w = k * 4;
			sorted[w] = ev[o];
			sorted[w + 1] = ev[o + 1];
			sorted[w + 2] = ev[o + 2];
			sorted[w + 3] = ev[o + 3];
		}
	}
	const width = Math.max(9, String(n).length);
	const counter = new Uint8Array(width).fill(48);

	/**
	 * Encodes rows from `next` on into `out` until it is nearly full; returns the end offset. A plain
	 * synchronous loop over packed arrays: the hot path of an ICB-sized run.
	 */
	let next = 0;
	const fill = (out: Uint8Array, start: number): number => {
		let pos = start;
		const limit = out.length - MAX_ROW_BYTES;
		let k = next;
		for (; k < n && pos < limit; k++) {
			const o = k * 4;
			const word = sorted[o + 3];
			const type = eventType(word);
			const extra = eventExtra(word);
			const po = sorted[o + 1] * 4;
			const org = pw[po + 2];
			const provider = org & 7;
			const practice = (org >> 3) & 1023;
			const specialty = (org >> 13) & 31;

			// event_id: "E" + an odometer of ASCII digits
			for (let d = width - 1; d >= 0; d--) {
				if (counter[d] === 57) counter[d] = 48;
				else {
					counter[d]++;
					break;
				}
			}
			out[pos++] = 69;
			pos = copyAll(out, pos, counter);
			out[pos++] = COMMA;
			pos = copyAll(out, pos, typeBytes[type]);
			pos = writeStamp(out, pos, dayBytes, firstDay, sorted[o]);
			out[pos++] = COMMA;
			const idStart = pos;
			out[pos++] = 80; // P
			out[pos++] = 87; // W
			pos = writeDigits(out, pos, pw[po], 9);
			const idEnd = pos;
			out[pos++] = COMMA;
			out[pos++] = 49; // 1
			pos = writeDigits(out, pos, scramblePatient(pw[po + 1]), 9);
			pos = copyAll(out, pos, organisations[provider][commissionerOf[practice]]);
			const mid = specialtyPriority[specialty * PRIORITIES.length + ((org >> 18) & 3)];
			if (type === EV.referralReceived) {
				const source = (org >> 20) & 7;
				if (source === GP) pos = copyAll(out, pos, practiceBytes[practice]);
				else out[pos++] = COMMA;
				pos = copyAll(out, pos, mid);
				pos = copyAll(out, pos, referralTail[(org >> 23) & 1 ? 0 : 1][source]);
			} else {
				out[pos++] = COMMA;
				pos = copyAll(out, pos, mid);
				pos = copyAll(out, pos, nonReferralMiddle);
			}
			if (IS_APPOINTMENT[type]) {
				const a = eventAppt(word);
				pos = copyWithin(out, pos, idStart, idEnd);
				out[pos++] = 45; // -
				pos = writeDigits(out, pos, eventSeq(word), 1);
				out[pos++] = COMMA;
				pos = writeStamp(out, pos, dayBytes, firstDay, sorted[o + 2]);
				out[pos++] = COMMA;
				pos = copyAll(out, pos, attendance[a & 1]);
				pos = copyAll(out, pos, mediums[(a >> 1) & 3]);
				pos = copyAll(out, pos, clinicPrefix[provider][specialty]);
				out[pos++] = clinicLetters[(a >> 3) & 7];
				if (type === EV.cancelled) pos = copyAll(out, pos, cancelled[a & 64 ? 1 : 0]);
				else {
					out[pos++] = COMMA;
					out[pos++] = COMMA;
				}
			} else {
				pos = copyAll(out, pos, noAppointment);
			}
			if (type === EV.clockStopped && extra) pos = copyAll(out, pos, stopReasons[extra - 1]);
			if (type === EV.referralReceived) {
				const demo = pw[po + 3];
				pos = copyAll(out, pos, ages[demo & 15]);
				pos = copyAll(out, pos, sexes[(demo >> 4) & 3]);
				pos = copyAll(out, pos, ethnicities[(demo >> 6) & 31]);
				pos = copyAll(out, pos, deciles[(demo >> 11) & 15]);
			} else {
				pos = copyAll(out, pos, noDemographics);
			}
			if ((type === EV.decisionToAdmit || type === EV.validated) && extra)
				pos = copyAll(out, pos, clinicalPriorities[extra - 1]);
			out[pos++] = NEWLINE;
		}
		next = k;
		return pos;
	};

	// A deep stream buffer lets the next chunk be encoded while the previous ones are written.
	const stream = createWriteStream(input.path, { highWaterMark: 8 * CHUNK_BYTES });
	const failed = new Promise<never>((_, reject) => stream.once('error', reject));
	failed.catch(() => undefined);
	const header = ascii(CSV_COLUMNS.join(',') + '\n');
	let first = true;
	while (first || next < n) {
		const out = new Uint8Array(CHUNK_BYTES);
		const start = first ? copyAll(out, 0, header) : 0;
		first = false;
		const used = fill(out, start);
		if (!stream.write(out.subarray(0, used))) await Promise.race([once(stream, 'drain'), failed]);
	}
	stream.end();
	await Promise.race([once(stream, 'finish'), failed]);
	return n;
}
