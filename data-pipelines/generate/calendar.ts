/**
 * Calendar arithmetic on naive local dates. A day is an integer day number (days since 1970-01-01) and a
 * time is whole seconds since 1970-01-01T00:00:00, both read as local time with no zone
 * (docs/definitions.md "Dates, weeks and periods"). Date.UTC is used only as a proleptic calendar.
 */
export const SECONDS_PER_DAY = 86400;

/** Day number of a `YYYY-MM-DD` date; throws on anything else. */
export function parseDay(text: string): number {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
	if (!m) throw new Error(`invalid date "${text}": expected YYYY-MM-DD`);
	const y = Number(m[1]);
	const mo = Number(m[2]);
	const d = Number(m[3]);
	const ms = Date.UTC(y, mo - 1, d);
	const back = new Date(ms);
	if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
		throw new Error(`invalid date "${text}": no such calendar day`);
	}
	return ms / 86400000;
}

export function dayOf(year: number, month: number, day: number): number {
	return Date.UTC(year, month - 1, day) / 86400000;
}

/** The day `months` calendar months after `day` (clamped to the month's last day). */
export function addMonths(day: number, months: number): number {
	const d = new Date(day * 86400000);
	const y = d.getUTCFullYear();
	const m = d.getUTCMonth() + months;
	const target = new Date(Date.UTC(y, m, 1));
	const last = new Date(
		Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)
	).getUTCDate();
	return (
		Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(d.getUTCDate(), last)) /
		86400000
	);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: number): number {
	return (((day + 4) % 7) + 7) % 7;
}

/** Month 1–12 of a day number. */
export function monthOf(day: number): number {
	return new Date(day * 86400000).getUTCMonth() + 1;
}

export function formatDay(day: number): string {
	return new Date(day * 86400000).toISOString().slice(0, 10);
}

/** Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
function easterSunday(year: number): number {
	const a = year % 19;
	const b = Math.floor(year / 100);
	const c = year % 100;
	const d = Math.floor(b / 4);
	const e = b % 4;
	const f = Math.floor((b + 8) / 25);
	const g = Math.floor((b - f + 1) / 3);
	const h = (19 * a + b - d - g + 15) % 30;
	const i = Math.floor(c / 4);
	const k = c % 4;
	const l = (32 + 2 * e + 2 * i - h - k) % 7;
	const m = Math.floor((a + 11 * h + 22 * l) / 451);
	const month = Math.floor((h + l - 7 * m + 114) / 31);
	const day = ((h + l - 7 * m + 114) % 31) + 1;
	return dayOf(year, month, day);
}

function firstMonday(year: number, month: number): number {
	const first = dayOf(year, month, 1);
	return first + ((8 - weekday(first)) % 7);
}

function lastMonday(year: number, month: number): number {
	const last = dayOf(year, month + 1, 1) - 1;
	return last - ((weekday(last) + 6) % 7);
}

/** England and Wales bank holidays of a year (standard rules; one-off royal holidays left out). */
export function bankHolidays(year: number): number[] {
	const out: number[] = [];
	const newYear = dayOf(year, 1, 1);
	const nyw = weekday(newYear);
	out.push(nyw === 6 ? newYear + 2 : nyw === 0 ? newYear + 1 : newYear);
	const easter = easterSunday(year);
	out.push(easter - 2, easter + 1);
	out.push(firstMonday(year, 5), lastMonday(year, 5), lastMonday(year, 8));
	const xmas = dayOf(year, 12, 25);
	const xw = weekday(xmas);
	if (xw === 6) out.push(xmas + 2, xmas + 3);
	else if (xw === 0) out.push(xmas + 2, xmas + 1);
	else if (xw === 5) out.push(xmas, xmas + 3);
	else out.push(xmas, xmas + 1);
	return out;
}

/**
 * Working days over a range: `next(d)` is the first weekday on or after d that is not a bank holiday.
 * Precomputed so the simulation's hot loop does a table look-up.
 */
export class WorkCalendar {
	readonly first: number;
	readonly last: number;
	private readonly nextWork: Int32Array;
	private readonly working: Uint8Array;
	private readonly months: Uint8Array;
	private readonly shutdown: Uint8Array;

	constructor(first: number, last: number) {
		this.first = first;
		this.last = last;
		const n = last - first + 1;
		this.working = new Uint8Array(n);
		this.months = new Uint8Array(n);
		this.shutdown = new Uint8Array(n);
		const holidays = new Set<number>();
		const y0 = new Date(first * 86400000).getUTCFullYear();
		const y1 = new Date(last * 86400000).getUTCFullYear() + 1;
		for (let y = y0; y <= y1; y++) for (const h of bankHolidays(y)) holidays.add(h);
		for (let i = 0; i < n; i++) {
			const d = first + i;
			const w = weekday(d);
			this.working[i] = w !== 0 && w !== 6 && !holidays.has(d) ? 1 : 0;
			const date = new Date(d * 86400000);
			const m = date.getUTCMonth() + 1;
			const dom = date.getUTCDate();
			this.months[i] = m;
			this.shutdown[i] = (m === 12 && dom >= 24) || (m === 1 && dom <= 2) ? 1 : 0;
		}
		this.nextWork = new Int32Array(n);
		let next = last + 7;
		for (let i = n - 1; i >= 0; i--) {
			if (this.working[i]) next = first + i;
			this.nextWork[i] = next;
		}
	}

	isWorking(day: number): boolean {
		if (day < this.first || day > this.last) {
			const w = weekday(day);
			return w !== 0 && w !== 6;
		}
		return this.working[day - this.first] === 1;
	}

	/** Month 1–12. */
	month(day: number): number {
		return day < this.first || day > this.last ? monthOf(day) : this.months[day - this.first];
	}

	/** Christmas Eve to 2 January, when most clinics close. */
	isChristmasShutdown(day: number): boolean {
		if (day < this.first || day > this.last) {
			const date = new Date(day * 86400000);
			const m = date.getUTCMonth() + 1;
			return (m === 12 && date.getUTCDate() >= 24) || (m === 1 && date.getUTCDate() <= 2);
		}
		return this.shutdown[day - this.first] === 1;
	}

	/** First working day on or after `day`. */
	next(day: number): number {
		if (day < this.first) day = this.first;
		if (day > this.last) {
			while (!this.isWorking(day)) day++;
			return day;
		}
		return this.nextWork[day - this.first];
	}
}
