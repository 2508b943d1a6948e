/**
 * The DNAs page's words: the names of the drivers and their values, and the sentences that say
 * what to notice (docs/definitions.md "DNAs").
 */
import { formatCount, formatPercent } from '$lib/format';
import type { DnaDriver } from '$lib/metrics/dnas';
import type { DnaCompareBy, DnaRateRow } from '$lib/metrics/dnas-view';
import { attributeLabel } from '$lib/reference/attributes';

export const DRIVER_NAMES: Record<Exclude<DnaDriver, 'slot'>, string> = {
	age: 'Age band',
	sex: 'Sex',
	imd: 'Deprivation (IMD decile)',
	ethnicity: 'Ethnicity',
	attendance: 'First or follow-up',
	medium: 'Consultation medium',
	lead_time: 'Booking lead time',
	earlier_dnas: 'Earlier DNAs at the provider (365 days)'
};

export const COMPARE_NAMES: Record<DnaCompareBy, { one: string; plural: string }> = {
	provider: { one: 'Provider', plural: 'Providers' },
	commissioner: { one: 'Commissioner', plural: 'Commissioners' },
	specialty: { one: 'Specialty', plural: 'Specialties' },
	clinic: { one: 'Clinic', plural: 'Clinics' }
};

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

const ORDER: Partial<Record<DnaDriver, readonly string[]>> = {
	lead_time: ['0-7', '8-14', '15-28', '29-56', '57+'],
	earlier_dnas: ['0', '1', '2', '3+'],
	attendance: ['first', 'follow_up'],
	medium: ['face_to_face', 'telephone', 'video']
};

const VALUE_NAMES: Record<string, string> = {
	first: 'First',
	follow_up: 'Follow-up',
	face_to_face: 'Face to face',
	telephone: 'Telephone',
	video: 'Video'
};

/** A driver's value in words; age 0–17 says "was not brought", the safeguarding term. */
export function driverLabel(driver: DnaDriver, value: string | null): string {
	if (value === null) return 'Not recorded';
	if (driver === 'age' || driver === 'sex' || driver === 'imd' || driver === 'ethnicity') {
		const label = attributeLabel(driver, value);
		return driver === 'age' && value === '0-17' ? `${label} (was not brought)` : label;
	}
	if (driver === 'lead_time') return `${value.replace('-', '–')} days`;
	if (driver === 'earlier_dnas') return value === '1' ? '1 earlier DNA' : `${value} earlier DNAs`;
	if (driver === 'slot') {
		const [day, hour] = value.split('-');
		return `${WEEKDAYS[Number(day) - 1] ?? day} ${hour}:00`;
	}
	return VALUE_NAMES[value] ?? value;
}

export interface DriverTableRow {
	label: string;
	attended: number;
	dna: number;
	volume: number;
	rate: number | null;
}

/** A driver's rows in their natural order, each with its rate (null: no appointments). */
export function driverTable(driver: DnaDriver, rows: readonly DnaRateRow[]): DriverTableRow[] {
	const order = ORDER[driver];
	const key = (v: string | null) =>
		v === null ? Infinity : order ? order.indexOf(v) : Number.isFinite(Number(v)) ? Number(v) : v;
	return [...rows]
		.sort((a, b) => {
			const ka = key(a.value);
			const kb = key(b.value);
			return typeof ka === 'number' && typeof kb === 'number'
				? ka - kb
				: String(ka).localeCompare(String(kb));
		})
		.reduce<DriverTableRow[]>((out, r) => {
			// Values that read alike (unknown and not recorded) are one row.
			const label = driverLabel(driver, r.value);
			const row = out.find((o) => o.label === label);
			if (row) {
				row.attended += r.attended;
				row.dna += r.dna;
			} else out.push({ label, attended: r.attended, dna: r.dna, volume: 0, rate: null });
			return out;
		}, [])
		.map((r) => ({
			...r,
			volume: r.attended + r.dna,
			rate: r.attended + r.dna > 0 ? (100 * r.dna) / (r.attended + r.dna) : null
		}));
}

/** The weekday × hour grid: a row per hour with a rate for each weekday. */
export function slotGrid(rows: readonly DnaRateRow[]) {
	const hours = [...new Set(rows.map((r) => r.value?.split('-')[1]).filter(Boolean))].sort();
	const cell = new Map(rows.map((r) => [r.value, r]));
	return {
		days: WEEKDAYS,
		rows: hours.map((hour): Record<string, string | number | null> => ({
			hour: `${hour}:00`,
			...Object.fromEntries(
				WEEKDAYS.map((_, i) => {
					const r = cell.get(`${i + 1}-${hour}`);
					return [
						`d${i + 1}`,
						r && r.attended + r.dna > 0 ? (100 * r.dna) / (r.attended + r.dna) : null
					];
				})
			),
			volume: WEEKDAYS.reduce((n, _, i) => {
				const r = cell.get(`${i + 1}-${hour}`);
				return n + (r ? r.attended + r.dna : 0);
			}, 0)
		}))
	};
}

/** The share of DNAs by patients with at least one earlier DNA at the provider, in words. */
export function repeatShare(rows: readonly DnaRateRow[]): { share: number | null; text: string } {
	const dnas = rows.reduce((n, r) => n + r.dna, 0);
	const repeat = rows
		.filter((r) => r.value !== null && r.value !== '0')
		.reduce((n, r) => n + r.dna, 0);
	if (dnas === 0) return { share: null, text: 'No DNAs in this view.' };
	const share = (100 * repeat) / dnas;
	return {
		share,
		text: `${formatPercent(share)} of DNAs (${formatCount(repeat)} of ${formatCount(dnas)}) were by patients who had already missed an appointment at the same provider in the 365 days before.`
	};
}
