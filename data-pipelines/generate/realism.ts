/**
 * Realism figures of a generated event log, computed directly from its rows (independently of the
 * product's metric SQL) to check the generator against the ranges of docs/definitions.md "The demo data".
 * Census = the last event date; the period is the year ending on it.
 */
import { dayOf } from './calendar.ts';

export interface Realism {
	census: string;
	rows: number;
	referralsInPeriod: number;
	appointmentsInPeriod: number;
	waitingList: number;
	within18WeeksPct: number;
	/** Simple median of days waited / 7. */
	medianWeeks: number;
	/** NHS England's interpolated median and 92nd percentile (weekly bands). */
	medianWeeksNhs: number;
	p92WeeksNhs: number;
	over52WeeksPct: number;
	dnaRatePct: number;
	dnaRateHesPct: number;
	patientCancelPct: number;
	providerCancelPct: number;
	followUpToFirst: number;
	remoteSharePct: number;
	admittedStopSharePct: number;
	asiRateUnderCapacityPct: number;
}

function dayNumber(stamp: string): number {
	return dayOf(Number(stamp.slice(0, 4)), Number(stamp.slice(5, 7)), Number(stamp.slice(8, 10)));
}

/** Splits one CSV line (RFC 4180 quoting, no embedded line breaks). */
export function splitCsvLine(line: string): string[] {
	if (!line.includes('"')) return line.split(',');
	const out: string[] = [];
	let field = '';
	let quoted = false;
	for (let i = 0; i < line.length; i++) {
		const c = line[i];
		if (quoted) {
			if (c === '"' && line[i + 1] === '"') {
				field += '"';
				i++;
			} else if (c === '"') quoted = false;
			else field += c;
		} else if (c === '"') quoted = true;
		else if (c === ',') {
			out.push(field);
			field = '';
		} else field += c;
	}
	out.push(field);
	return out;
}

const UNDER_CAPACITY = new Set(['110', '120', '130', '502']);

/** NHS England percentile: linear interpolation inside the weekly band (docs/definitions.md "Median and 92nd percentile wait"). */
function nhsPercentile(bandCounts: number[], total: number, p: number): number {
	const target = p * total;
	let below = 0;
	for (let b = 0; b < bandCounts.length; b++) {
		const nb = bandCounts[b];
		if (below + nb >= target && nb > 0) return b + (target - below) / nb;
		below += nb;
	}
	return bandCounts.length;
}

/** Accumulates rows (the header first) and computes the figures. */
export class RealismMeter {
	private header: string[] | null = null;
	private readonly col: Record<string, number> = {};
	/** RTT clock starts by pathway. */
	private readonly referral = new Map<string, number>();
	/** Every referral's day, RTT or not (docs/definitions.md "Referrals received"). */
	private readonly referralDays: number[] = [];
	private readonly stop = new Map<string, number>();
	/** Appointment outcomes: slot day, and a code (0 attended first, 1 attended follow-up, 2 DNA, 3 patient cancel, 4 provider cancel) + 8 if remote. */
	private apptDay: number[] = [];
	private apptCode: number[] = [];
	private readonly stops: { day: number; reason: string }[] = [];
	private readonly asi: { day: number; specialty: string }[] = [];
	private readonly bookings: { day: number; specialty: string }[] = [];
	private census = -Infinity;
	private rows = 0;

	add(line: string): void {
		if (line === '') return;
		const f = splitCsvLine(line);
		const col = this.col;
		if (!this.header) {
			this.header = f;
			f.forEach((name, i) => (col[name] = i));
			return;
		}
		this.rows++;
		const type = f[col.event_type];
		const day = dayNumber(f[col.event_time]);
		if (day > this.census) this.census = day;
		const pathway = f[col.pathway_id];
		switch (type) {
			case 'referral_received':
				this.referralDays.push(day);
				if (f[col.rtt] !== 'false') this.referral.set(pathway, day);
				break;
			case 'clock_stopped': {
				const prev = this.stop.get(pathway);
				if (prev === undefined || day < prev) this.stop.set(pathway, day);
				this.stops.push({ day, reason: f[col.stop_reason] });
				break;
			}
			case 'appointment_slot_issue':
				if (UNDER_CAPACITY.has(f[col.specialty_code]))
					this.asi.push({ day, specialty: f[col.specialty_code] });
				break;
			case 'appointment_booked':
				if (UNDER_CAPACITY.has(f[col.specialty_code]))
					this.bookings.push({ day, specialty: f[col.specialty_code] });
				break;
			case 'appointment_attended':
			case 'appointment_dna':
			case 'appointment_cancelled': {
				const code =
					type === 'appointment_attended'
						? f[col.attendance_type] === 'follow_up'
							? 1
							: 0
						: type === 'appointment_dna'
							? 2
							: f[col.cancelled_by] === 'patient'
								? 3
								: 4;
				this.apptDay.push(dayNumber(f[col.appointment_time]));
				this.apptCode.push(code + (f[col.consultation_medium] !== 'face_to_face' ? 8 : 0));
				break;
			}
		}
	}

	result(): Realism {
		const census = this.census;
		const periodStart = census - 364;
		const waits: number[] = [];
		const bands = new Array<number>(105).fill(0);
		const referralsInPeriod = this.referralDays.filter(
			(d) => d >= periodStart && d <= census
		).length;
		for (const [pathway, start] of this.referral) {
			if (start > census) continue;
			const s = this.stop.get(pathway);
			if (s !== undefined && s <= census) continue;
			const days = census - start;
			waits.push(days);
			bands[Math.min(104, Math.max(0, Math.ceil(days / 7) - 1))]++;
		}
		waits.sort((a, b) => a - b);
		const n = waits.length;
		const median =
			n === 0 ? NaN : n % 2 ? waits[(n - 1) / 2] / 7 : (waits[n / 2 - 1] + waits[n / 2]) / 14;
		const counts = [0, 0, 0, 0, 0];
		let remote = 0;
		for (let i = 0; i < this.apptDay.length; i++) {
			const day = this.apptDay[i];
			if (day < periodStart || day > census) continue;
			const code = this.apptCode[i];
			counts[code & 7]++;
			if (code >= 8 && (code & 7) <= 1) remote++;
		}
		const [firsts, followUps, dna, cancelledPatient, cancelledProvider] = counts;
		const attended = firsts + followUps;
		const all = attended + dna + cancelledPatient + cancelledProvider;
		const stopsInPeriod = this.stops.filter((s) => s.day >= periodStart && s.day <= census);
		const asiUnder = this.asi.filter((a) => a.day >= periodStart && a.day <= census).length;
		const bookUnder = this.bookings.filter((b) => b.day >= periodStart && b.day <= census).length;
		const pct = (a: number, b: number): number => (b === 0 ? NaN : (100 * a) / b);
		return {
			census: new Date(census * 86400000).toISOString().slice(0, 10),
			rows: this.rows,
			referralsInPeriod,
			appointmentsInPeriod: all,
			waitingList: n,
			within18WeeksPct: pct(waits.filter((d) => d <= 126).length, n),
			medianWeeks: median,
			medianWeeksNhs: nhsPercentile(bands, n, 0.5),
			p92WeeksNhs: nhsPercentile(bands, n, 0.92),
			over52WeeksPct: pct(waits.filter((d) => d >= 365).length, n),
			dnaRatePct: pct(dna, attended + dna),
			dnaRateHesPct: pct(dna, all),
			patientCancelPct: pct(cancelledPatient, all),
			providerCancelPct: pct(cancelledProvider, all),
			followUpToFirst: firsts === 0 ? NaN : followUps / firsts,
			remoteSharePct: pct(remote, attended),
			admittedStopSharePct: pct(
				stopsInPeriod.filter((s) => s.reason === 'admitted_treatment').length,
				stopsInPeriod.length
			),
			asiRateUnderCapacityPct: pct(asiUnder, asiUnder + bookUnder)
		};
	}
}

/** Computes the figures from all rows (the header first). */
export function measureRealism(lines: Iterable<string>): Realism {
	const meter = new RealismMeter();
	for (const line of lines) meter.add(line);
	return meter.result();
}
