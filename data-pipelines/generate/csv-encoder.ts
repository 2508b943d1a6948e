/**
 * Contract-v1 CSV from event records (see record.ts): each row is encoded straight into a byte
 * buffer (every value is ASCII) from look-up tables of pre-encoded codes, with no per-row strings.
 * Used in a worker thread (csv-worker.ts) so encoding and writing overlap the simulation.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import {
	AGE_BANDS,
	CARE_SETTINGS,
	CLINICAL_PRIORITIES,
	COLUMNS,
	CONSULTATION_MEDIA,
	EVENT_TYPES,
	PRIORITIES,
	REFERRAL_SOURCES,
	SEXES,
	STOP_REASONS
} from '../lib/contract.ts';
import { SECONDS_PER_DAY, formatDay } from './calendar.ts';
import { CLINIC_LABELS } from './capacity.ts';
import { ETHNICITIES } from './population.ts';
import { EV, IS_APPOINTMENT, STRIDE } from './record.ts';

/** What the encoder needs to know of the world: codes by index, and the day range. */
export interface Lookups {
	baseDay: number;
	/** Days (relative to baseDay) the timestamps may fall on. */
	firstDay: number;
	lastDay: number;
	providers: string[];
	commissioners: string[];
	practices: string[];
	specialties: string[];
	/** Digits of event ids. */
	idWidth: number;
}

/** Fake 10-digit local patient number: starts with 1, outside the NHS number ranges England issues. */
export function patientId(index: number): string {
	return `1${String(scramblePatient(index)).padStart(9, '0')}`;
}

/** A bijection of 0 … 10^9 − 1 (387420489 = 3^18 is coprime to 10^9), so ids do not reveal order. */
export function scramblePatient(index: number): number {
	return (index * 387420489 + 123456789) % 1000000000;
}

export function pathwayId(number: number): string {
	return `PW${String(number).padStart(9, '0')}`;
}

export function ascii(text: string): Uint8Array {
	return new Uint8Array(Buffer.from(text, 'latin1'));
}

const COMMA = 44;
const NEWLINE = 10;
const CHUNK_BYTES = 1 << 22;
const MAX_ROW_BYTES = 1024;

export class CsvEncoder {
	private readonly fd: number;
	private readonly dayBytes: Uint8Array;
	private readonly firstDay: number;
	private readonly counter: Uint8Array;
	private readonly tables;
	private out = new Uint8Array(CHUNK_BYTES);
	private pos = 0;
	rows = 0;
	encodeMs = 0;
	writeMs = 0;

	constructor(path: string, lookups: Lookups) {
		this.fd = openSync(path, 'w');
		this.firstDay = lookups.firstDay;
		const days = lookups.lastDay - lookups.firstDay + 1;
		this.dayBytes = new Uint8Array(days * 11);
		for (let d = 0; d < days; d++)
			this.dayBytes.set(ascii(formatDay(lookups.baseDay + lookups.firstDay + d) + 'T'), d * 11);
		this.counter = new Uint8Array(lookups.idWidth).fill(48);
		const specialtyPriority = lookups.specialties.flatMap((sp) =>
			PRIORITIES.map((pr) => ascii(`${sp},${pr},`))
		);
		this.tables = {
			types: EVENT_TYPES.map((t) => ascii(t + ',')),
			providerCommissioner: lookups.providers.map((p) =>
				lookups.commissioners.map((c) => ascii(`,${p},${c},`))
			),
			specialtyPriority,
			practices: lookups.practices.map((p) => ascii(p + ',')),
			referralTail: [false, true].map((rtt) =>
				CARE_SETTINGS.map((care) => REFERRAL_SOURCES.map((s) => ascii(`${rtt},${care},${s},`)))
			),
			nonReferralMiddle: ascii(',,,'),
			attendance: [ascii('first,'), ascii('follow_up,')],
			media: CONSULTATION_MEDIA.map((m) => ascii(m + ',')),
			clinicPrefix: lookups.providers.map((p) =>
				lookups.specialties.map((sp) => CLINIC_LABELS.map((label) => ascii(`${p}-${sp}-${label}`)))
			),
			cancelled: [ascii(',patient,'), ascii(',provider,')],
			noAppointment: ascii(',,,,,,'),
			stopReasons: STOP_REASONS.map((r) => ascii(r)),
			ages: AGE_BANDS.map((a) => ascii(`,${a},`)),
			sexes: SEXES.map((x) => ascii(x + ',')),
			ethnicities: ETHNICITIES.map((e) => ascii(e + ',')),
			deciles: Array.from({ length: 11 }, (_, i) => ascii(i + ',')),
			noDemographics: ascii(',,,,,'),
			clinicalPriorities: CLINICAL_PRIORITIES.map((c) => ascii(c))
		};
		this.put(ascii(COLUMNS.join(',') + '\n'));
	}

	private put(bytes: Uint8Array): void {
		this.out.set(bytes, this.pos);
		this.pos += bytes.length;
	}

	private flush(): void {
		const started = performance.now();
		let done = 0;
		while (done < this.pos) done += writeSync(this.fd, this.out, done, this.pos - done);
		this.pos = 0;
		this.writeMs += performance.now() - started;
	}

	/** Encodes `count` records (sorted by time) and writes each full chunk. */
	encode(records: Int32Array, count: number): void {
		let started = performance.now();
		const t = this.tables;
		const dayBytes = this.dayBytes;
		const firstDay = this.firstDay;
		const counter = this.counter;
		const width = counter.length;
		let out = this.out;
		let pos = this.pos;
		const limit = out.length - MAX_ROW_BYTES;
		for (let k = 0; k < count; k++) {
			if (pos >= limit) {
				this.pos = pos;
				this.encodeMs += performance.now() - started;
				this.flush();
				started = performance.now();
				pos = 0;
				out = this.out;
			}
			const o = k * STRIDE;
			const time = records[o];
			const org = records[o + 3];
			const word = records[o + 4];
			const type = word & 31;
			const extra = (word >> 5) & 15;
			const provider = org & 255;
			const commissioner = (org >> 8) & 255;
			const specialty = (org >> 16) & 31;
			// event_id: "E" + an odometer of ASCII digits
			for (let d = width - 1; d >= 0; d--) {
				if (counter[d] === 57) counter[d] = 48;
				else {
					counter[d]++;
					break;
				}
			}
			out[pos++] = 69;
			for (let j = 0; j < width; j++) out[pos++] = counter[j];
			out[pos++] = COMMA;
			pos = copy(out, pos, t.types[type]);
			pos = stamp(out, pos, dayBytes, firstDay, time);
			out[pos++] = COMMA;
			const idStart = pos;
			out[pos++] = 80; // P
			out[pos++] = 87; // W
			pos = digits(out, pos, records[o + 1], 9);
			const idEnd = pos;
			out[pos++] = COMMA;
			out[pos++] = 49; // 1
			pos = digits(out, pos, scramblePatient(records[o + 2]), 9);
			pos = copy(out, pos, t.providerCommissioner[provider][commissioner]);
			const mid = t.specialtyPriority[specialty * 3 + ((org >> 21) & 3)];
			if (type === EV.referralReceived) {
				const source = (org >> 27) & 7;
				if (source === 0) pos = copy(out, pos, t.practices[records[o + 5]]);
				else out[pos++] = COMMA;
				pos = copy(out, pos, mid);
				pos = copy(out, pos, t.referralTail[(org >> 23) & 1][(org >> 24) & 7][source]);
			} else {
				out[pos++] = COMMA;
				pos = copy(out, pos, mid);
				pos = copy(out, pos, t.nonReferralMiddle);
			}
			if (IS_APPOINTMENT[type]) {
				const a = word >>> 24;
				const followUp = a & 1;
				const medium = (a >> 1) & 3;
				for (let j = idStart; j < idEnd; j++) out[pos++] = out[j];
				out[pos++] = 45; // -
				const w7 = records[o + 7];
				pos = digits(out, pos, w7 & 0xffff, 1);
				out[pos++] = COMMA;
				pos = stamp(out, pos, dayBytes, firstDay, records[o + 6]);
				out[pos++] = COMMA;
				pos = copy(out, pos, t.attendance[followUp]);
				pos = copy(out, pos, t.media[medium]);
				pos = copy(
					out,
					pos,
					t.clinicPrefix[provider][specialty][followUp * 2 + (medium === 0 ? 0 : 1)]
				);
				pos = digits(out, pos, (w7 >>> 16) + 1, 1);
				if (type === EV.cancelled) pos = copy(out, pos, t.cancelled[(a >> 3) & 1]);
				else {
					out[pos++] = COMMA;
					out[pos++] = COMMA;
				}
			} else pos = copy(out, pos, t.noAppointment);
			if (type === EV.clockStopped && extra) pos = copy(out, pos, t.stopReasons[extra - 1]);
			if (type === EV.referralReceived) {
				pos = copy(out, pos, t.ages[(word >> 9) & 15]);
				pos = copy(out, pos, t.sexes[(word >> 13) & 3]);
				pos = copy(out, pos, t.ethnicities[(word >> 15) & 31]);
				pos = copy(out, pos, t.deciles[(word >> 20) & 15]);
			} else pos = copy(out, pos, t.noDemographics);
			if ((type === EV.decisionToAdmit || type === EV.validated) && extra)
				pos = copy(out, pos, t.clinicalPriorities[extra - 1]);
			out[pos++] = NEWLINE;
		}
		this.pos = pos;
		this.rows += count;
		this.encodeMs += performance.now() - started;
	}

	close(): void {
		this.flush();
		closeSync(this.fd);
	}
}

function copy(out: Uint8Array, pos: number, src: Uint8Array): number {
	for (let j = 0; j < src.length; j++) out[pos++] = src[j];
	return pos;
}

/** Decimal digits of a non-negative integer, zero-padded to at least `width`. */
function digits(out: Uint8Array, pos: number, value: number, width: number): number {
	let n = 1;
	for (let v = value; v >= 10; v = Math.floor(v / 10)) n++;
	if (n < width) n = width;
	let v = value;
	for (let j = n - 1; j >= 0; j--) {
		const q = Math.floor(v / 10);
		out[pos + j] = 48 + (v - q * 10);
		v = q;
	}
	return pos + n;
}

function two(out: Uint8Array, pos: number, v: number): number {
	out[pos] = 48 + ((v / 10) | 0);
	out[pos + 1] = 48 + (v % 10);
	return pos + 2;
}

/** "YYYY-MM-DDTHH:MM:SS" of a relative time, the day part from the pre-encoded table. */
function stamp(
	out: Uint8Array,
	pos: number,
	dayBytes: Uint8Array,
	firstDay: number,
	t: number
): number {
	const day = Math.floor(t / SECONDS_PER_DAY);
	const second = t - day * SECONDS_PER_DAY;
	const from = (day - firstDay) * 11;
	for (let j = from; j < from + 11; j++) out[pos++] = dayBytes[j];
	pos = two(out, pos, (second / 3600) | 0);
	out[pos++] = 58;
	pos = two(out, pos, ((second / 60) | 0) % 60);
	out[pos++] = 58;
	return two(out, pos, second % 60);
}
