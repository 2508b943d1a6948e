/**
 * The capacity extract (README.md: the optional capacity extract): one row per published clinic slot in the data
 * window, as the simulation published them: slot_id, provider_code, clinic_code, specialty_code,
 * slot_time, duration_minutes, attendance_type, consultation_medium. A booked appointment's clinic_code
 * and appointment_time are those of its slot, so appointments join to slots on (clinic_code, time).
 *
 * The simulation hands over published groups, five int32 each: provider, specialty (world indices),
 * pool type, day, slot count. CSV is encoded by the events worker as the groups arrive (in publication
 * order); Parquet is expanded and written by DuckDB at the end from the compact groups.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { CONSULTATION_MEDIA } from '../lib/contract.ts';
import { formatDay } from './calendar.ts';
import { SLOT_MINUTES, slotClinic, slotMedium, slotMinute } from './slots.ts';

export const CAPACITY_COLUMNS = [
	'slot_id',
	'provider_code',
	'clinic_code',
	'specialty_code',
	'slot_time',
	'duration_minutes',
	'attendance_type',
	'consultation_medium'
] as const;

/** The clinic label of a pool: N new face to face, NV new remote, F follow-up, FV follow-up remote. */
export const CLINIC_LABELS = ['N', 'NV', 'F', 'FV'];

/** Fields of a published group. */
export const GROUP = 5;

/** Growable store of published groups. */
export class GroupStore {
	data = new Int32Array(GROUP * 4096);
	count = 0;

	add(provider: number, specialty: number, type: number, day: number, n: number): void {
		if ((this.count + 1) * GROUP > this.data.length) {
			const next = new Int32Array(this.data.length * 2);
			next.set(this.data);
			this.data = next;
		}
		const o = this.count++ * GROUP;
		this.data[o] = provider;
		this.data[o + 1] = specialty;
		this.data[o + 2] = type;
		this.data[o + 3] = day;
		this.data[o + 4] = n;
	}
}

const pad2 = (n: number) => (n < 10 ? '0' : '') + n;

/** Writes capacity CSV rows from published groups, as they arrive. */
export class CapacityCsv {
	private readonly fd: number;
	private readonly providers: string[];
	private readonly specialties: string[];
	private readonly days = new Map<number, [string, string]>();
	private readonly times: string[][];
	private readonly media: string[][];
	rows = 0;

	constructor(path: string, providers: string[], specialties: string[]) {
		this.fd = openSync(path, 'w');
		this.providers = providers;
		this.specialties = specialties;
		// Slot times and media repeat: pre-format them per pool type and index.
		this.times = SLOT_MINUTES.map((_, type) =>
			Array.from({ length: 512 }, (_, i) => {
				const m = slotMinute(type, i);
				return `T${pad2((m / 60) | 0)}:${pad2(m % 60)}:00`;
			})
		);
		this.media = SLOT_MINUTES.map((_, type) =>
			Array.from({ length: 5 }, (_, i) => CONSULTATION_MEDIA[slotMedium(type, i)])
		);
		writeSync(this.fd, CAPACITY_COLUMNS.join(',') + '\n');
	}

	encode(groups: Int32Array, count: number): void {
		let buffer = '';
		for (let g = 0; g < count; g++) {
			const o = g * GROUP;
			const provider = this.providers[groups[o]];
			const specialty = this.specialties[groups[o + 1]];
			const type = groups[o + 2];
			const day = groups[o + 3];
			const n = groups[o + 4];
			let dt = this.days.get(day);
			if (!dt) {
				const iso = formatDay(day);
				dt = [iso, iso.replace(/-/g, '')];
				this.days.set(day, dt);
			}
			const prefix = `${provider}-${specialty}-${CLINIC_LABELS[type]}`;
			const tail = `,${SLOT_MINUTES[type]},${type >= 2 ? 'follow_up' : 'first'},`;
			const times = this.times[type];
			const media = this.media[type];
			for (let i = 0; i < n; i++) {
				buffer +=
					`${prefix}-${dt[1]}-${i + 1},${provider},${prefix}${slotClinic(type, i) + 1},${specialty},` +
					`${dt[0]}${i < 512 ? times[i] : `T${pad2((slotMinute(type, i) / 60) | 0)}:${pad2(slotMinute(type, i) % 60)}:00`}${tail}${media[i % 5]}\n`;
			}
			this.rows += n;
			if (buffer.length > 1 << 22) {
				writeSync(this.fd, buffer);
				buffer = '';
			}
		}
		if (buffer) writeSync(this.fd, buffer);
	}

	close(): void {
		closeSync(this.fd);
	}
}
