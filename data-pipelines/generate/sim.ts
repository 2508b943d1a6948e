/**
 * The simulated system: referral demand meeting finite clinic and theatre capacity, one day at a time.
 *
 * Each day every service (provider × specialty) publishes one more day of clinic slots (first and
 * follow-up, face to face and remote); its booking office books queued patients into free slots in
 * queue order (priority, then clock start), admits patients from its admitted list up to its theatre
 * capacity, and the day's actions run (triage, bookings, cancellations, attendances and DNAs,
 * diagnostics, decisions, clock stops, follow-ups, validation). When a routine patient finds no free
 * slot within the published horizon, e-RS raises an appointment slot issue (ASI) and the patient waits
 * unbooked. Every Monday each service's managers set next week's capacity from the demand they see
 * and the queue they hold, the relief-capacity rule of docs/definitions.md "Pathway bottlenecks" (λ + (L − target queue) / 26); the
 * under-capacity specialties cannot add more than a fixed share of their demand from a year before the
 * data window, so their lists grow and bottlenecks are real.
 *
 * State is typed arrays indexed by a pathway slot (reused after a pathway closes) and queues and an
 * action calendar that hold slots, so nothing is allocated per event. Events are emitted into a
 * batch only once the data window has started; at the window's first day every pathway still open
 * emits its referral (dated when it was received) and its current booking, so the window opens on a
 * standing waiting list.
 */
import { AGE_BANDS, CARE_SETTINGS, PRIORITIES, REFERRAL_SOURCES } from '../lib/contract.ts';
import { SECONDS_PER_DAY, WorkCalendar, addMonths, weekday } from './calendar.ts';
import { Batch, CP, EV, STOP, orgWord } from './record.ts';
import { Agenda, AGENDA_DAYS, Heap } from './queues.ts';
import { Rng, cumulative } from './rng.ts';
import {
	FIRST_F2F,
	FIRST_REMOTE,
	FU_F2F,
	FU_REMOTE,
	MAX_HORIZON,
	POOL_TYPES,
	RELEASE_DAYS,
	SlotBook,
	slotClinic,
	slotMedium,
	slotMinute
} from './slots.ts';
import {
	BUCKETS,
	buildPatients,
	isOld,
	searchCumulative,
	sourceWeights,
	specialtyChoice
} from './population.ts';
import type { Patients } from './population.ts';
import type { Specialty } from './specialties.ts';
import type { World } from './world.ts';

const DAY = SECONDS_PER_DAY;
const MINUTE = 60;
const HOUR = 3600;

// ---- demand ---------------------------------------------------------------------------------------

/** RTT referrals a year per registered patient (England: 1.7M new RTT periods a month, 57M people). */
export const RTT_PER_HEAD = 0.31;
/** Non-RTT referrals a year per registered patient (community, mental health, maternity, audiology). */
export const OTHER_PER_HEAD = 0.22;
/** Referral volume by calendar month relative to the average (winter high, August and December low). */
const MONTH_FACTOR = [1.05, 1.02, 1.06, 0.97, 1.0, 1.02, 1.0, 0.9, 1.0, 1.04, 1.03, 0.86];
/** Share of the referrals the Christmas closure holds back that are made on its working days. */
const CHRISTMAS_CATCH_UP = 0.5;
/** Share of referrals to consultant-led services that start no RTT clock (planned care). */
const PLANNED_SHARE = 0.03;
const URGENT_SHARE = 0.13;
const TWO_WEEK_WAIT_SHARE = 0.07;
const OTHER_URGENT_SHARE = 0.08;

// ---- behaviour ------------------------------------------------------------------------------------

/** Base DNA probability before patient, specialty, lead-time and medium factors. */
const DNA_BASE = 0.027;
/** A patient who has missed an appointment before is this much more likely to miss the next. */
const PREVIOUS_DNA_FACTOR = 2.0;
/** DNA factor by booking lead time band (0–7, 8–14, 15–28, 29–56, 57+ days). */
const LEAD_FACTOR = [0.65, 0.85, 1.05, 1.25, 1.4];
const REMOTE_FIRST_DNA = 1.35;
const REMOTE_DNA = 0.85;
const CANCEL_PATIENT = 0.07;
const CANCEL_PROVIDER = 0.09;
/** Share of referrals booked through e-RS, where a failed booking raises a slot issue. */
const ERS_SHARE = 0.9;
/** Validation at 12, 26 and 52 weeks, then every 26: share reviewed and share of reviews removing. */
const VALIDATE_DAYS = [84, 182, 364, 546, 728, 910, 1092];
const VALIDATE_SHARE = [0.2, 0.55, 0.9, 0.9, 0.9, 0.9, 0.9];
const REMOVE_SHARE = [0.03, 0.06, 0.1, 0.12, 0.15, 0.2, 0.2];

// ---- capacity -------------------------------------------------------------------------------------

/** Weeks over which managers plan to clear a queue above target (docs/definitions.md "Pathway bottlenecks": relief capacity). */
const RELIEF_WEEKS = 26;
/** Capacity bounds relative to demand: normal services, and under-capacity ones once constrained. */
const MIN_FACTOR = 0.6;
const MAX_FACTOR = 1.8;
const UNDER_CAPACITY_FACTOR = 0.985;
/** Slots consumed per first or follow-up attendance (DNAs, lost provider cancellations). */
const SLOTS_PER_VISIT = 1.14;
/** Weekly smoothing of observed demand. */
const DEMAND_SMOOTHING = 0.12;
/** Follow-up horizon (days published ahead) and first-slot horizon of under-capacity services. */
const FU_HORIZON = 98;
/** Weeks after its due day a follow-up is typically seen when capacity matches demand. */
const FU_LATE_WEEKS = 1;
const CONSTRAINED_HORIZON = 56;
/** Share of first face-to-face slots held back for urgent and two-week-wait patients. */
const HELD_SHARE = 0.22;

// ---- pathway stages, flags, queues, actions -----------------------------------------------------

const S_FREE = 0;
const S_TRIAGE = 1;
const S_FIRST = 2;
const S_WORKUP = 3;
const S_ADMIT = 4;
const S_FOLLOW = 5;
const S_CASELOAD = 6;
const S_PIFU = 7;

const F_RTT = 1;
const F_CLOCK = 2;
const F_REFERRED = 4;
const F_PIFU = 8;
const F_CASELOAD = 16;
const F_ERS = 32;

const Q_NONE = 0;
const Q_FIRST = 1;
const Q_FU = 2;
const Q_ADMIT = 3;

const A_TRIAGE = 1;
const A_ADVICE = 2;
const A_BOOK_FIRST = 3;
const A_CANCEL = 4;
const A_SLOT = 5;
const A_DIAGNOSTIC = 6;
const A_BOOK_FU = 7;
const A_VALIDATE = 8;
const A_NEW_PATHWAY = 9;
const A_PIFU_END = 10;
const A_PIFU_REQUEST = 11;
const A_ADMIT_LIST = 12;

/**
 * A pathway is one 64-byte record (one cache line) in a buffer seen through three views: twelve int32
 * fields, three uint16 and ten uint8. Index of pathway slot p: int32 (p << 4) + I_*, uint16
 * (p << 5) + H_*, uint8 (p << 6) + B_*.
 */
const I_NUM = 0;
const I_PATIENT = 1;
const I_SVC = 2;
const I_ORG = 3;
const I_PRACTICE = 4;
const I_REF_TIME = 5;
const I_START_DAY = 6;
const I_QV = 7;
const I_APPT_DAY = 8;
const I_BOOK_TIME = 9;
const I_LAST = 10;
const I_DUE = 11;
const H_SEQ = 24;
const H_APPT_INDEX = 25;
const H_GAP = 26;
const B_FLAGS = 54;
const B_STAGE = 55;
const B_QUEUED = 56;
const B_BOOKED = 57;
const B_POOL = 58;
const B_MEDIUM = 59;
const B_PRIORITY = 60;
const B_CP = 61;
const B_LEFT = 62;

const ROUTINE = PRIORITIES.indexOf('routine');
const URGENT = PRIORITIES.indexOf('urgent');
const TWO_WEEK_WAIT = PRIORITIES.indexOf('two_week_wait');
const ERS_SOURCES = new Set(
	['gp', 'optometrist', 'dentist'].map((s) => REFERRAL_SOURCES.indexOf(s as never))
);
const ERS_SOURCE = Uint8Array.from(REFERRAL_SOURCES, (_, i) => (ERS_SOURCES.has(i) ? 1 : 0));
const CLASS_KEY = 1e6;

// ---- counters ------------------------------------------------------------------------------------

/** Per-day counters (by event date, appointments by slot date), for the calibration report. */
export const C = {
	referralsRtt: 0,
	referralsOther: 1,
	bookings: 2,
	asi: 3,
	attendedFirst: 4,
	attendedFollowUp: 5,
	dnaFirst: 6,
	dnaFollowUp: 7,
	cancelledPatient: 8,
	cancelledProvider: 9,
	attendedRemote: 10,
	stopAdmitted: 11,
	stopNonAdmitted: 12,
	stopFirstDna: 13,
	stopValidated: 14,
	stopOther: 15,
	clockStarts: 16,
	referralsNonRtt: 17,
	bookingsUnderCapacity: 18,
	asiUnderCapacity: 19,
	dnaFirstRemote: 20,
	attendedFirstRemote: 21,
	size: 22
};
/** Per-day × specialty counters. */
export const CS = { bookings: 0, asi: 1, starts: 2, stops: 3, attended: 4, dna: 5, size: 6 };
/** DNA splits by slot day: attended and DNA per group. */
export const SPLITS = {
	age: 0,
	imd: AGE_BANDS.length,
	sex: AGE_BANDS.length + 10,
	previous: AGE_BANDS.length + 14,
	lead: AGE_BANDS.length + 16,
	firstMedium: AGE_BANDS.length + 21,
	size: AGE_BANDS.length + 23
};

/** A finished system's counters and open RTT pathways, for the calibration report. */
export interface SystemSummary {
	counterBase: number;
	days: number;
	counts: Float64Array;
	specialtyCounts: Float64Array;
	splitCounts: Float64Array;
	lastEventDay: number;
	/** Open RTT pathways by specialty (rows) and clock start day from `runningFrom`. */
	runningFrom: number;
	runningDays: number;
	running: Float64Array;
}

export interface SystemOptions {
	world: World;
	/** World indices of the ICBs simulated together (one system). */
	icbs: number[];
	seed: number;
	/** First simulated day (warm-up starts here), first and last day of the data window. */
	baseDay: number;
	startDay: number;
	endDay: number;
	/** Share of each practice list simulated. */
	fraction: number;
	/** Annual demand growth, e.g. 0.03. */
	growth: number;
	/** Global numbering offsets of this system's patients and pathways. */
	patientOffset: number;
	pathwayOffset: number;
	/** Keep the published slots for the capacity extract. */
	recordCapacity: boolean;
}

interface Service {
	provider: number;
	specialty: number;
	icb: number;
	spec: Specialty;
	firstHorizon: number;
	underCapacity: boolean;
}

/** Grows a typed array to `n` elements, keeping its contents. */
function grown<T extends Int32Array | Uint8Array | Uint16Array>(a: T, n: number): T {
	const b = new (a.constructor as { new (n: number): T })(n);
	b.set(a);
	return b;
}

export class System {
	readonly opts: SystemOptions;
	readonly world: World;
	readonly rng: Rng;
	readonly cal: WorkCalendar;
	readonly patients: Patients;
	readonly services: Service[] = [];
	readonly slots: SlotBook;
	readonly batch = new Batch();
	readonly agenda = new Agenda();
	/** Counters: per day from `counterBase`, `C.size` each; per day × specialty; DNA splits. */
	readonly counterBase: number;
	readonly days: number;
	readonly counts: Float64Array;
	readonly specialtyCounts: Float64Array;
	readonly splitCounts: Float64Array;
	/** The last day with an emitted event (the census of the data). */
	lastEventDay = -1;
	eventsEmitted = 0;
	today: number;
	private live = false;
	private readonly startTime: number;

	// service state
	private readonly serviceOf: Int32Array;
	private readonly firstQueue: Heap[];
	private readonly fuQueue: Heap[];
	private readonly admitQueue: Heap[];
	private readonly awaitingFirst: Int32Array;
	private readonly queuedFirst: Int32Array;
	private readonly queuedFu: Int32Array;
	private readonly awaitingAdmission: Int32Array;
	private readonly arrivals: Float64Array;
	private readonly demand: Float64Array;
	private readonly weekly: Float64Array;
	private readonly accumulators: Float64Array;
	private readonly admitAccumulator: Float64Array;
	/** Days follow-ups were booked after they were due, this week: sum and count per service. */
	private readonly lateness: Float64Array;
	private readonly constrainedFrom: number;

	// referral sampling
	private readonly dailyMeans: Float64Array;
	private readonly specialtyCum: Float64Array[];
	private readonly sourceCum: Float64Array[];
	private readonly providerCum: Float64Array[];
	private readonly twoWeekWaitScale: number;
	private readonly careCode: Uint8Array;
	private readonly practiceCommissioner: Int32Array;
	private nextPathway: number;
	private queueVersion = 1;

	// pathway records (see I_*, H_*, B_*)
	private cap = 0;
	private freeList: Int32Array = new Int32Array(0);
	private freeCount = 0;
	private used = 0;
	private i32: Int32Array = new Int32Array(0);
	private u16: Uint16Array = new Uint16Array(0);
	private u8: Uint8Array = new Uint8Array(0);

	constructor(opts: SystemOptions) {
		this.opts = opts;
		this.world = opts.world;
		this.rng = new Rng(opts.seed);
		this.cal = new WorkCalendar(opts.baseDay - 7, opts.endDay + 3 * 365);
		this.today = opts.baseDay;
		this.startTime = (opts.startDay - opts.baseDay) * DAY;
		this.constrainedFrom = addMonths(opts.startDay, -12);
		this.nextPathway = opts.pathwayOffset + 1;
		const world = this.world;
		const nSpec = world.specialties.length;

		// Practices, patients and services of the simulated ICBs.
		const practiceIndices: number[] = [];
		world.practices.forEach((p, i) => {
			if (opts.icbs.includes(world.commissioners[p.commissioner].icb)) practiceIndices.push(i);
		});
		this.patients = buildPatients(
			this.rng,
			world,
			practiceIndices,
			opts.fraction,
			opts.patientOffset
		);
		this.practiceCommissioner = Int32Array.from(
			practiceIndices,
			(p) => world.practices[p].commissioner
		);
		this.serviceOf = new Int32Array(world.providers.length * nSpec).fill(-1);
		world.providers.forEach((prov, pi) => {
			if (!opts.icbs.includes(prov.icb)) return;
			world.specialties.forEach((sp, si) => {
				const offered =
					prov.kind === 'community' ? sp.careSetting !== 'acute' : sp.careSetting === 'acute';
				if (!offered) return;
				this.serviceOf[pi * nSpec + si] = this.services.length;
				this.services.push({
					provider: pi,
					specialty: si,
					icb: prov.icb,
					spec: sp,
					firstHorizon: sp.underCapacity
						? CONSTRAINED_HORIZON
						: Math.min(MAX_HORIZON, Math.round(sp.firstTargetWeeks * 7 + 35)),
					underCapacity: sp.underCapacity
				});
			});
		});
		const nSvc = this.services.length;
		this.slots = new SlotBook(nSvc * POOL_TYPES, opts.baseDay);
		this.slots.record = opts.recordCapacity;
		this.slots.recordFrom = opts.startDay;
		this.firstQueue = this.services.map(() => new Heap());
		this.fuQueue = this.services.map(() => new Heap());
		this.admitQueue = this.services.map(() => new Heap());
		this.awaitingFirst = new Int32Array(nSvc);
		this.queuedFirst = new Int32Array(nSvc);
		this.queuedFu = new Int32Array(nSvc);
		this.awaitingAdmission = new Int32Array(nSvc);
		this.arrivals = new Float64Array(nSvc * 3);
		this.demand = new Float64Array(nSvc * 3);
		this.weekly = new Float64Array(nSvc * 3);
		this.accumulators = new Float64Array(nSvc * POOL_TYPES);
		this.admitAccumulator = new Float64Array(nSvc);
		this.lateness = new Float64Array(nSvc * 2);

		// Referral sampling tables.
		const population = this.patients.size;
		this.dailyMeans = this.referralMeans(population * (RTT_PER_HEAD + OTHER_PER_HEAD));
		this.specialtyCum = specialtyChoice(world.specialties, RTT_PER_HEAD, OTHER_PER_HEAD);
		this.sourceCum = world.specialties.map(sourceWeights);
		this.providerCum = world.commissioners.map((c) => cumulative(c.shares));
		const rttWeight = world.specialties.filter((s) => s.rtt).reduce((a, s) => a + s.weight, 0);
		const tww =
			world.specialties
				.filter((s) => s.rtt)
				.reduce((a, s) => a + s.weight * s.twoWeekWaitShare, 0) / rttWeight;
		this.twoWeekWaitScale = TWO_WEEK_WAIT_SHARE / tww;
		this.careCode = Uint8Array.from(world.specialties, (s) => CARE_SETTINGS.indexOf(s.careSetting));

		// Counters from a year before the window (backfilled referrals and bookings are dated there).
		this.counterBase = opts.startDay - 400;
		this.days = opts.endDay - this.counterBase + 1;
		this.counts = new Float64Array(this.days * C.size);
		this.specialtyCounts = new Float64Array(this.days * nSpec * CS.size);
		this.splitCounts = new Float64Array(this.days * SPLITS.size * 2);

		this.growPathways(Math.max(4096, Math.round(population * 0.25)));
		this.seedCaseload();
	}

	// ---- pathway slots ----------------------------------------------------------------------------

	private growPathways(n: number): void {
		const buffer = new ArrayBuffer(n * 64);
		const i32 = new Int32Array(buffer);
		i32.set(this.i32);
		for (let p = this.cap; p < n; p++) i32[p << 4] = -1;
		this.i32 = i32;
		this.u16 = new Uint16Array(buffer);
		this.u8 = new Uint8Array(buffer);
		this.freeList = grown(this.freeList, n);
		this.cap = n;
	}

	/** A fresh pathway slot with a new pathway number. */
	private allocate(): number {
		let p: number;
		if (this.freeCount > 0) p = this.freeList[--this.freeCount];
		else {
			if (this.used === this.cap) this.growPathways(this.cap * 2);
			p = this.used++;
		}
		const i = p << 4;
		this.i32.fill(0, i, i + 16);
		this.i32[i + I_NUM] = this.nextPathway++;
		this.i32[i + I_REF_TIME] = -1;
		return p;
	}

	/** Pathway number of a slot (-1 if free). */
	num(p: number): number {
		return this.i32[(p << 4) + I_NUM];
	}

	private release(p: number): void {
		this.setStage(p, S_FREE);
		this.unqueue(p);
		this.i32[(p << 4) + I_NUM] = -1;
		this.freeList[this.freeCount++] = p;
	}

	/** Moves a pathway between stages, keeping the services' stage counts. */
	private setStage(p: number, stage: number): void {
		const old = this.u8[(p << 6) + B_STAGE];
		if (old === stage) return;
		const s = this.i32[(p << 4) + I_SVC];
		if (old === S_FIRST) this.awaitingFirst[s]--;
		else if (old === S_ADMIT) this.awaitingAdmission[s]--;
		if (stage === S_FIRST) this.awaitingFirst[s]++;
		else if (stage === S_ADMIT) this.awaitingAdmission[s]++;
		this.u8[(p << 6) + B_STAGE] = stage;
	}

	private enqueue(p: number, queue: number, key: number): void {
		const s = this.i32[(p << 4) + I_SVC];
		this.unqueue(p);
		const v = this.queueVersion++;
		this.i32[(p << 4) + I_QV] = v;
		this.u8[(p << 6) + B_QUEUED] = queue;
		if (queue === Q_FIRST) {
			this.firstQueue[s].push(key, p, v);
			this.queuedFirst[s]++;
		} else if (queue === Q_FU) {
			this.fuQueue[s].push(key, p, v);
			this.queuedFu[s]++;
		} else {
			this.admitQueue[s].push(key, p, v);
		}
	}

	private unqueue(p: number): void {
		const q = this.u8[(p << 6) + B_QUEUED];
		if (q === Q_NONE) return;
		const s = this.i32[(p << 4) + I_SVC];
		if (q === Q_FIRST) this.queuedFirst[s]--;
		else if (q === Q_FU) this.queuedFu[s]--;
		this.u8[(p << 6) + B_QUEUED] = Q_NONE;
	}

	// ---- time -------------------------------------------------------------------------------------

	private at(day: number, second: number): number {
		return (day - this.opts.baseDay) * DAY + second;
	}

	/** A time today after the pathway's last event: office hours if possible. */
	private officeTime(p: number, earliest = 8 * HOUR): number {
		const rng = this.rng;
		const dayStart = this.at(this.today, 0);
		let t = dayStart + earliest + rng.int(0, 10 * HOUR - 1);
		const last = this.i32[(p << 4) + I_LAST];
		if (t <= last) t = last + rng.int(5 * MINUTE, 2 * HOUR);
		if (t >= dayStart + DAY) t = Math.max(last, dayStart + DAY - 1);
		return t;
	}

	/** `after` plus a few minutes, kept within today. */
	private later(after: number, lo: number, hi: number): number {
		const t = after + this.rng.int(lo, hi);
		const end = this.at(this.today, DAY - 1);
		return t > end ? Math.max(after, end) : t;
	}

	// ---- emission ---------------------------------------------------------------------------------

	private emit(type: number, t: number, p: number, extra: number): void {
		if (t > this.i32[(p << 4) + I_LAST]) this.i32[(p << 4) + I_LAST] = t;
		if (!this.live) return;
		this.write(type, t, p, extra, -1, 0);
	}

	private emitAppointment(type: number, t: number, p: number, byProvider: boolean): void {
		if (t > this.i32[(p << 4) + I_LAST]) this.i32[(p << 4) + I_LAST] = t;
		if (!this.live) return;
		this.writeAppointment(type, t, p, byProvider);
	}

	private writeAppointment(type: number, t: number, p: number, byProvider: boolean): void {
		const pool = this.u8[(p << 6) + B_POOL];
		const index = this.u16[(p << 5) + H_APPT_INDEX];
		const apptTime = this.at(this.i32[(p << 4) + I_APPT_DAY], slotMinute(pool, index) * 60);
		const bits =
			(pool >= FU_F2F ? 1 : 0) | (this.u8[(p << 6) + B_MEDIUM] << 1) | ((byProvider ? 1 : 0) << 3);
		this.write(
			type,
			t,
			p,
			0,
			apptTime,
			bits,
			(this.u16[(p << 5) + H_SEQ] & 0xffff) | (slotClinic(pool, index) << 16)
		);
	}

	private write(
		type: number,
		t: number,
		p: number,
		extra: number,
		apptTime: number,
		apptBits: number,
		apptWord = 0
	): void {
		const b = this.batch;
		const o = b.alloc();
		const d = b.data;
		const i = p << 4;
		const i32 = this.i32;
		const pt = i32[i + I_PATIENT];
		d[o] = t;
		d[o + 1] = i32[i + I_NUM];
		d[o + 2] = pt + this.patients.offset;
		d[o + 3] = i32[i + I_ORG];
		d[o + 4] =
			type | (extra << 5) | ((this.patients.packed[2 * pt] & 0xffff) << 9) | (apptBits << 24);
		d[o + 5] = i32[i + I_PRACTICE];
		d[o + 6] = apptTime;
		d[o + 7] = apptWord;
		this.eventsEmitted++;
		const day = this.opts.baseDay + Math.floor(t / DAY);
		if (day > this.lastEventDay) this.lastEventDay = day;
	}

	private count(day: number, field: number, n = 1): void {
		const i = day - this.counterBase;
		if (i >= 0 && i < this.days) this.counts[i * C.size + field] += n;
	}

	private countSpecialty(day: number, specialty: number, field: number): void {
		const i = day - this.counterBase;
		if (i >= 0 && i < this.days)
			this.specialtyCounts[(i * this.world.specialties.length + specialty) * CS.size + field]++;
	}

	private countSplit(day: number, group: number, dna: boolean): void {
		const i = day - this.counterBase;
		if (i >= 0 && i < this.days) this.splitCounts[(i * SPLITS.size + group) * 2 + (dna ? 1 : 0)]++;
	}

	// ---- demand -----------------------------------------------------------------------------------

	/** Expected referrals each day from the base day to the end, for `annual` a year at the start. */
	private referralMeans(annual: number): Float64Array {
		const { baseDay, endDay, startDay, growth } = this.opts;
		const n = endDay - baseDay + 1;
		const w = new Float64Array(n);
		let total = 0;
		let counted = 0;
		// Referrals a bank holiday would have had are not lost: GPs refer those patients on the
		// other working days of the week, so a week with a bank holiday has a usual week's
		// referrals. Without this each bank holiday left a week with a fifth fewer referrals, and a
		// notch in the waiting list's histogram at its age (docs/definitions.md "The demo data").
		// The Christmas closure is made up only in part (CHRISTMAS_CATCH_UP): its fortnight stays
		// quieter, as it is in e-RS.
		const usual = new Float64Array(n);
		const christmas = new Uint8Array(n);
		for (let i = 0; i < n; i++) {
			const day = baseDay + i;
			const wd = weekday(day);
			const weekend = wd === 0 || wd === 6;
			const date = new Date(day * 86400000);
			const m = date.getUTCMonth() + 1;
			const dom = date.getUTCDate();
			const factor = MONTH_FACTOR[m - 1];
			usual[i] = (weekend ? 0.03 : wd === 1 ? 1.12 : wd === 5 ? 0.9 : 1) * factor;
			let x = this.cal.isWorking(day) || weekend ? usual[i] : 0.08 * factor;
			if ((m === 12 && dom >= 24) || (m === 1 && dom === 2)) {
				x *= 0.45;
				christmas[i] = 1;
			}
			w[i] = x;
		}
		for (let start = 0; start < n;) {
			// The Monday-to-Sunday week holding day `start`.
			const end = Math.min(n, start + 7 - ((weekday(baseDay + start) + 6) % 7));
			let lost = 0;
			let open = 0;
			for (let i = start; i < end; i++) {
				const short = usual[i] - w[i];
				if (short > 1e-9) lost += short * (christmas[i] ? CHRISTMAS_CATCH_UP : 1);
				else if (this.cal.isWorking(baseDay + i)) open += usual[i];
			}
			if (lost > 0 && open > 0)
				for (let i = start; i < end; i++)
					if (usual[i] - w[i] <= 1e-9 && this.cal.isWorking(baseDay + i))
						w[i] += (lost * usual[i]) / open;
			start = end;
		}
		for (let i = 0; i < n && i < 366 * 4; i++) {
			total += w[i];
			counted++;
		}
		const perWeight = (annual * (counted / 365.25)) / total;
		for (let i = 0; i < n; i++) {
			const years = (baseDay + i - startDay) / 365.25;
			w[i] *= perWeight * Math.pow(1 + growth, years);
		}
		return w;
	}

	private newReferrals(): void {
		const rng = this.rng;
		const day = this.today;
		const count = rng.poisson(this.dailyMeans[day - this.opts.baseDay]);
		const pats = this.patients;
		const world = this.world;
		const nSpec = world.specialties.length;
		const working = this.cal.isWorking(day);
		for (let k = 0; k < count; k++) {
			const practice = searchCumulative(
				pats.practiceCum,
				0,
				pats.practiceCum.length,
				rng.next() * pats.practiceCum[pats.practiceCum.length - 1]
			);
			const b0 = practice * BUCKETS;
			const bucket = searchCumulative(
				pats.bucketCum,
				b0,
				b0 + BUCKETS,
				rng.next() * pats.bucketCum[b0 + BUCKETS - 1]
			);
			const from = pats.bucketStart[bucket];
			const to = pats.bucketStart[bucket + 1];
			if (to <= from) continue;
			const patient = from + Math.floor(rng.next() * (to - from));
			const specialty = rng.pickCumulative(
				this.specialtyCum[
					((pats.packed[2 * patient] >> 4) & 3) * AGE_BANDS.length + (pats.packed[2 * patient] & 15)
				]
			);
			const sp = world.specialties[specialty];
			const commissioner = this.practiceCommissioner[practice];
			const icb = world.commissioners[commissioner].icb;
			const provider =
				sp.careSetting === 'acute'
					? world.commissioners[commissioner].providers[
							rng.pickCumulative(this.providerCum[commissioner])
						]
					: world.icbs[icb].community;
			const service = this.serviceOf[provider * nSpec + specialty];
			if (service < 0) continue;
			let priority = ROUTINE;
			const r = rng.next();
			if (sp.rtt) {
				const tww = sp.twoWeekWaitShare * this.twoWeekWaitScale;
				priority = r < tww ? TWO_WEEK_WAIT : r < tww + URGENT_SHARE ? URGENT : ROUTINE;
			} else if (r < OTHER_URGENT_SHARE) priority = URGENT;
			const rtt = sp.rtt && !rng.chance(PLANNED_SHARE);
			const source = rng.pickCumulative(this.sourceCum[specialty]);
			const second = working ? rng.int(7 * HOUR, 19 * HOUR) : rng.int(9 * HOUR, 17 * HOUR);
			const p = this.allocate();
			this.i32[(p << 4) + I_PATIENT] = patient;
			this.i32[(p << 4) + I_SVC] = service;
			this.i32[(p << 4) + I_PRACTICE] = pats.practices[practice];
			this.u8[(p << 6) + B_PRIORITY] = priority;
			this.i32[(p << 4) + I_ORG] = orgWord(
				provider,
				commissioner,
				specialty,
				priority,
				rtt,
				this.careCode[specialty],
				source
			);
			this.u8[(p << 6) + B_FLAGS] =
				(rtt ? F_RTT : 0) | (ERS_SOURCE[source] && rng.chance(ERS_SHARE) ? F_ERS : 0);
			this.refer(p, this.at(day, second));
			const lag =
				priority === TWO_WEEK_WAIT
					? rng.int(0, 1)
					: priority === URGENT
						? rng.int(0, 3)
						: rng.int(1, 9);
			this.agenda.add(this.cal.next(day + lag), p, this.i32[(p << 4) + I_NUM], A_TRIAGE, 0);
		}
	}

	/** The referral is received: the clock starts (RTT) and the referral is emitted. */
	private refer(p: number, t: number): void {
		const day = this.today;
		const rtt = (this.u8[(p << 6) + B_FLAGS] & F_RTT) !== 0;
		this.u8[(p << 6) + B_FLAGS] |= F_REFERRED | (rtt ? F_CLOCK : 0);
		this.i32[(p << 4) + I_REF_TIME] = t;
		this.i32[(p << 4) + I_START_DAY] = day;
		this.setStage(p, S_TRIAGE);
		this.emit(EV.referralReceived, t, p, 0);
		if (this.live) this.countReferral(p, day);
		if (rtt) this.agenda.add(day + VALIDATE_DAYS[0], p, this.i32[(p << 4) + I_NUM], A_VALIDATE, 0);
	}

	private countReferral(p: number, day: number): void {
		const rtt = (this.u8[(p << 6) + B_FLAGS] & F_RTT) !== 0;
		const specialty = (this.i32[(p << 4) + I_ORG] >> 16) & 31;
		this.count(day, this.world.specialties[specialty].rtt ? C.referralsRtt : C.referralsOther);
		if (rtt) {
			this.count(day, C.clockStarts);
			this.countSpecialty(day, specialty, CS.starts);
		} else this.count(day, C.referralsNonRtt);
	}

	// ---- the day ----------------------------------------------------------------------------------

	/** Simulates one day. */
	step(): void {
		const day = this.today;
		this.slots.today = day;
		if (day === this.opts.startDay) this.openWindow();
		if (weekday(day) === 1) this.plan();
		this.publish();
		this.office();
		this.newReferrals();
		this.runAgenda();
		this.today = day + 1;
	}

	/** The data window opens: every open pathway emits its referral and its current booking. */
	private openWindow(): void {
		this.live = true;
		for (let p = 0; p < this.used; p++) {
			if (this.i32[(p << 4) + I_NUM] < 0) continue;
			const flags = this.u8[(p << 6) + B_FLAGS];
			if (flags & F_REFERRED) {
				const open = flags & F_RTT ? (flags & F_CLOCK) !== 0 : true;
				if (open) {
					const t = this.i32[(p << 4) + I_REF_TIME];
					this.write(EV.referralReceived, t, p, 0, -1, 0);
					this.countReferral(p, this.opts.baseDay + Math.floor(t / DAY));
				}
			}
			if (this.u8[(p << 6) + B_BOOKED]) {
				const t = this.i32[(p << 4) + I_BOOK_TIME];
				this.writeAppointment(EV.booked, t, p, false);
				this.countBooking(p, this.opts.baseDay + Math.floor(t / DAY));
			}
		}
	}

	/** Weekly capacity planning per service: relief capacity towards each stage's target queue. */
	private plan(): void {
		const constrained = this.today >= this.constrainedFrom;
		for (let s = 0; s < this.services.length; s++) {
			const svc = this.services[s];
			const sp = svc.spec;
			const maxFactor = svc.underCapacity && constrained ? UNDER_CAPACITY_FACTOR : MAX_FACTOR;
			for (let k = 0; k < 3; k++) {
				const i = s * 3 + k;
				const a = this.arrivals[i];
				this.demand[i] =
					this.demand[i] === 0 ? a : this.demand[i] + DEMAND_SMOOTHING * (a - this.demand[i]);
				this.arrivals[i] = 0;
			}
			// First appointments: hold about firstTargetWeeks of demand in the queue.
			const l1 = this.demand[s * 3];
			const q1 = this.awaitingFirst[s];
			let mu1 = l1 + (q1 - l1 * sp.firstTargetWeeks) / RELIEF_WEEKS;
			mu1 = Math.min(maxFactor * l1, Math.max(MIN_FACTOR * l1, mu1));
			this.weekly[s * 3] = mu1 * SLOTS_PER_VISIT;
			// Follow-ups: seen within about a week of when they are due, with little unbooked backlog.
			const l2 = this.demand[s * 3 + 1];
			const late =
				this.lateness[s * 2 + 1] > 0 ? this.lateness[s * 2] / this.lateness[s * 2 + 1] / 7 : 0;
			this.lateness[s * 2] = 0;
			this.lateness[s * 2 + 1] = 0;
			let mu2 = l2 * (1 + (late - FU_LATE_WEEKS) / 4) + (this.queuedFu[s] - 0.5 * l2) / 8;
			mu2 = Math.min(
				(svc.underCapacity && constrained ? 1.0 : MAX_FACTOR) * l2,
				Math.max(0.8 * l2, mu2)
			);
			this.weekly[s * 3 + 1] = mu2 * SLOTS_PER_VISIT;
			// Admissions: hold about admitTargetWeeks of decisions to admit.
			const l3 = this.demand[s * 3 + 2];
			let mu3 = l3 + (this.awaitingAdmission[s] - l3 * sp.admitTargetWeeks) / RELIEF_WEEKS;
			mu3 = Math.min(maxFactor * l3, Math.max(0.5 * l3, mu3));
			this.weekly[s * 3 + 2] = mu3;
		}
	}

	/** Clinic capacity of a day relative to a normal weekday (leave in August, Christmas closure). */
	private clinicFactor(day: number): number {
		if (!this.cal.isWorking(day)) return 0;
		if (this.cal.isChristmasShutdown(day)) return 0.15;
		return this.cal.month(day) === 8 ? 0.85 : 1;
	}

	/** Each pool publishes the next day of its horizon; held-back urgent slots near today are released. */
	private publish(): void {
		const day = this.today;
		const slots = this.slots;
		for (let s = 0; s < this.services.length; s++) {
			const svc = this.services[s];
			const sp = svc.spec;
			const base = s * POOL_TYPES;
			for (let type = 0; type < POOL_TYPES; type++) {
				const pool = base + type;
				const first = type <= FIRST_REMOTE;
				const horizon = first ? svc.firstHorizon : FU_HORIZON;
				const target = day + horizon;
				for (let d = slots.pubEnd[pool] + 1; d <= target; d++) {
					const weekly = this.weekly[s * 3 + (first ? 0 : 1)];
					const share = first
						? type === FIRST_F2F
							? 1 - sp.remoteFirstShare
							: sp.remoteFirstShare
						: type === FU_F2F
							? 1 - sp.remoteFollowUpShare
							: sp.remoteFollowUpShare;
					const i = s * POOL_TYPES + type;
					this.accumulators[i] += (weekly * share * this.clinicFactor(d)) / 5;
					const n = Math.floor(this.accumulators[i]);
					this.accumulators[i] -= n;
					const held = type === FIRST_F2F ? Math.round(n * HELD_SHARE) : 0;
					slots.publish(pool, d, n, held);
				}
			}
			slots.release(base + FIRST_F2F, day + RELEASE_DAYS);
		}
	}

	/** The booking offices: queued patients into free slots, and today's admissions. */
	private office(): void {
		const day = this.today;
		const working = this.cal.isWorking(day);
		for (let s = 0; s < this.services.length; s++) {
			if (working) {
				const first = this.firstQueue[s];
				while (first.size > 0) {
					const p = first.topSlot();
					if (
						this.i32[(p << 4) + I_QV] !== first.topNumber() ||
						this.u8[(p << 6) + B_QUEUED] !== Q_FIRST
					) {
						first.pop();
						continue;
					}
					if (!this.bookFirst(p, false)) break;
					first.pop();
					this.unqueue(p);
				}
				const fu = this.fuQueue[s];
				while (fu.size > 0) {
					const p = fu.topSlot();
					if (
						this.i32[(p << 4) + I_QV] !== fu.topNumber() ||
						this.u8[(p << 6) + B_QUEUED] !== Q_FU
					) {
						fu.pop();
						continue;
					}
					if (!this.bookFollowUp(p, false)) break;
					fu.pop();
				}
			}
			// Admissions: theatre lists on working days, fewer in winter and August, few at Christmas.
			let factor = this.clinicFactor(day);
			const m = this.cal.month(day);
			if (m === 12 || m === 1 || m === 2) factor *= 0.88;
			this.admitAccumulator[s] += (this.weekly[s * 3 + 2] * factor) / 5;
			const admit = this.admitQueue[s];
			while (this.admitAccumulator[s] >= 1 && admit.size > 0) {
				const p = admit.topSlot();
				const valid =
					this.i32[(p << 4) + I_QV] === admit.topNumber() &&
					this.u8[(p << 6) + B_QUEUED] === Q_ADMIT;
				admit.pop();
				if (!valid) continue;
				this.u8[(p << 6) + B_QUEUED] = Q_NONE;
				this.admitAccumulator[s] -= 1;
				this.admit(p);
			}
			if (this.admitAccumulator[s] > 1) this.admitAccumulator[s] = 1;
		}
	}

	private runAgenda(): void {
		this.agenda.drain(this.today, this.visit);
	}

	/** One action from the calendar, unless its pathway has closed since it was scheduled. */
	private readonly visit = (p: number, number: number, word: number): void => {
		if (this.i32[p << 4] !== number) return;
		this.act(p, word >>> 24, word & 0xffffff);
	};

	private schedule(day: number, p: number, action: number, tag: number): void {
		if (day < this.today) day = this.today;
		if (day - this.today >= AGENDA_DAYS - 1) day = this.today + AGENDA_DAYS - 2;
		this.agenda.add(day, p, this.i32[(p << 4) + I_NUM], action, tag);
	}

	private act(p: number, action: number, tag: number): void {
		switch (action) {
			case A_TRIAGE:
				this.triage(p);
				break;
			case A_ADVICE:
				this.adviceGiven(p);
				break;
			case A_BOOK_FIRST:
				if (
					tag === this.u16[(p << 5) + H_SEQ] &&
					!this.u8[(p << 6) + B_BOOKED] &&
					this.u8[(p << 6) + B_QUEUED] === Q_NONE
				)
					this.firstAttempt(p, false);
				break;
			case A_CANCEL:
				if (this.u8[(p << 6) + B_BOOKED] && tag >> 1 === this.u16[(p << 5) + H_SEQ])
					this.cancel(p, (tag & 1) === 1);
				break;
			case A_SLOT:
				if (this.u8[(p << 6) + B_BOOKED] && tag === this.u16[(p << 5) + H_SEQ]) this.outcome(p);
				break;
			case A_DIAGNOSTIC:
				this.diagnosticReported(p);
				break;
			case A_BOOK_FU:
				if (
					tag === this.u16[(p << 5) + H_SEQ] &&
					!this.u8[(p << 6) + B_BOOKED] &&
					this.u8[(p << 6) + B_QUEUED] === Q_NONE
				)
					this.bookFollowUp(p, true);
				break;
			case A_VALIDATE:
				this.validate(p, tag);
				break;
			case A_NEW_PATHWAY:
				this.newPathway(p);
				break;
			case A_PIFU_END:
				if (
					this.u8[(p << 6) + B_STAGE] === S_PIFU &&
					!this.u8[(p << 6) + B_BOOKED] &&
					this.u8[(p << 6) + B_QUEUED] === Q_NONE
				)
					this.discharge(p, this.officeTime(p));
				break;
			case A_PIFU_REQUEST:
				if (this.u8[(p << 6) + B_STAGE] === S_PIFU)
					this.requestFollowUp(p, this.today + this.rng.int(7, 21));
				break;
			case A_ADMIT_LIST:
				this.enqueue(p, Q_ADMIT, 2 * CLASS_KEY + this.today);
				break;
		}
	}

	// ---- triage -----------------------------------------------------------------------------------

	private triage(p: number): void {
		const rng = this.rng;
		const t = this.officeTime(p);
		const priority = this.u8[(p << 6) + B_PRIORITY];
		if (rng.chance(priority === TWO_WEEK_WAIT ? 0.005 : 0.03)) {
			this.emit(EV.referralRejected, t, p, 0);
			this.stop(p, STOP.returnedToPrimaryCare, this.later(t, MINUTE, 30 * MINUTE));
			this.release(p);
			return;
		}
		if (priority !== TWO_WEEK_WAIT && rng.chance(0.07)) {
			this.emit(EV.adviceRequested, t, p, 0);
			this.schedule(this.cal.next(this.today + rng.int(1, 12)), p, A_ADVICE, 0);
			return;
		}
		this.accept(p, t);
	}

	private adviceGiven(p: number): void {
		const rng = this.rng;
		const t = this.officeTime(p);
		this.emit(EV.adviceGiven, t, p, 0);
		if (rng.chance(0.45)) {
			this.stop(p, STOP.returnedToPrimaryCare, this.later(t, MINUTE, 30 * MINUTE));
			this.discharge(p, this.later(this.i32[(p << 4) + I_LAST], MINUTE, 60 * MINUTE));
			return;
		}
		this.accept(p, this.later(t, 10 * MINUTE, 2 * HOUR));
	}

	private accept(p: number, t: number): void {
		if (this.rng.chance(0.92)) this.emit(EV.referralAccepted, t, p, 0);
		else if (t > this.i32[(p << 4) + I_LAST]) this.i32[(p << 4) + I_LAST] = t;
		this.setStage(p, S_FIRST);
		this.arrivals[this.i32[(p << 4) + I_SVC] * 3]++;
		this.firstAttempt(p, true);
	}

	/** Key of the first-appointment and admission queues: priority class, then clock start. */
	private firstKey(p: number): number {
		const priority = this.u8[(p << 6) + B_PRIORITY];
		const cls = priority === TWO_WEEK_WAIT ? 0 : priority === URGENT ? 1 : 2;
		return cls * CLASS_KEY + this.i32[(p << 4) + I_START_DAY];
	}

	/** Tries to book a first appointment now; otherwise the patient joins the queue (and e-RS says ASI). */
	private firstAttempt(p: number, initial: boolean): void {
		const s = this.i32[(p << 4) + I_SVC];
		const routine = this.u8[(p << 6) + B_PRIORITY] === ROUTINE;
		if ((routine && this.queuedFirst[s] > 0) || !this.bookFirst(p, initial)) {
			if (initial && (this.u8[(p << 6) + B_FLAGS] & F_ERS) !== 0) {
				const t = this.later(this.i32[(p << 4) + I_LAST], 10 * MINUTE, 5 * HOUR);
				this.emit(EV.slotIssue, t, p, 0);
				if (this.live) {
					this.count(this.today, C.asi);
					const specialty = this.services[s].specialty;
					this.countSpecialty(this.today, specialty, CS.asi);
					if (this.services[s].underCapacity) this.count(this.today, C.asiUnderCapacity);
				}
			}
			this.enqueue(p, Q_FIRST, this.firstKey(p));
		}
	}

	/** Books the earliest suitable first slot; false if none is published. */
	private bookFirst(p: number, initial: boolean): boolean {
		const rng = this.rng;
		const s = this.i32[(p << 4) + I_SVC];
		const svc = this.services[s];
		const priority = this.u8[(p << 6) + B_PRIORITY];
		const day = this.today;
		const f2f = s * POOL_TYPES + FIRST_F2F;
		const remote = s * POOL_TYPES + FIRST_REMOTE;
		const slots = this.slots;
		let dayF = -1;
		let urgentSlot = false;
		if (priority !== ROUTINE) {
			const limit = day + (priority === TWO_WEEK_WAIT ? 13 : 27);
			dayF = slots.findAny(f2f, day + 1, limit);
			if (dayF >= 0) urgentSlot = true;
			else dayF = slots.findGeneral(f2f, day + 1, slots.pubEnd[f2f]);
		} else {
			// Routine patients need a few days' notice; some ask for a later date.
			let from = day + 3;
			if (initial && rng.chance(0.25)) from += rng.int(7, 28);
			dayF = slots.findGeneral(f2f, from, slots.pubEnd[f2f]);
		}
		const from = day + (priority === ROUTINE ? 3 : 1);
		const dayR = slots.findGeneral(remote, from, slots.pubEnd[remote]);
		let pool = f2f;
		let slotDay = dayF;
		if (
			dayR >= 0 &&
			(dayF < 0 || dayR < dayF || (dayR === dayF && rng.chance(svc.spec.remoteFirstShare)))
		) {
			pool = remote;
			slotDay = dayR;
			urgentSlot = false;
		}
		if (slotDay < 0) return false;
		this.book(p, pool, slotDay, urgentSlot);
		return true;
	}

	/** Books a slot: the booking is emitted now, its fate (cancellation or the day itself) scheduled. */
	private book(p: number, pool: number, day: number, urgent: boolean): void {
		const rng = this.rng;
		const type = pool & 3;
		const index = this.slots.take(pool, day, urgent);
		this.u16[(p << 5) + H_SEQ]++;
		this.u8[(p << 6) + B_BOOKED] = 1;
		this.i32[(p << 4) + I_APPT_DAY] = day;
		this.u16[(p << 5) + H_APPT_INDEX] = index;
		this.u8[(p << 6) + B_POOL] = type;
		this.u8[(p << 6) + B_MEDIUM] = slotMedium(type, index);
		const t = this.officeTime(p);
		this.i32[(p << 4) + I_BOOK_TIME] = t;
		this.emitAppointment(EV.booked, t, p, false);
		if (this.live) this.countBooking(p, this.today);
		const lead = day - this.today;
		const r = rng.next();
		const seq = this.u16[(p << 5) + H_SEQ];
		if (lead >= 2 && r < CANCEL_PATIENT) {
			// Patients cancel mostly close to the day.
			const u = rng.next();
			this.schedule(day - 1 - Math.floor((lead - 1) * u * u), p, A_CANCEL, seq << 1);
		} else if (lead >= 2 && r < CANCEL_PATIENT + CANCEL_PROVIDER) {
			this.schedule(
				this.today + 1 + Math.floor((lead - 1) * rng.next()),
				p,
				A_CANCEL,
				(seq << 1) | 1
			);
		} else {
			this.schedule(day, p, A_SLOT, seq);
		}
	}

	private countBooking(p: number, day: number): void {
		const s = this.i32[(p << 4) + I_SVC];
		this.count(day, C.bookings);
		this.countSpecialty(day, this.services[s].specialty, CS.bookings);
		if (this.services[s].underCapacity) this.count(day, C.bookingsUnderCapacity);
	}

	/** The booking is cancelled; the patient is rebooked (a new appointment id). */
	private cancel(p: number, byProvider: boolean): void {
		const rng = this.rng;
		const t = this.officeTime(p);
		const slotDay = this.i32[(p << 4) + I_APPT_DAY];
		const type = this.u8[(p << 6) + B_POOL];
		this.emitAppointment(EV.cancelled, t, p, byProvider);
		if (this.live) this.count(slotDay, byProvider ? C.cancelledProvider : C.cancelledPatient);
		this.u8[(p << 6) + B_BOOKED] = 0;
		// A patient's cancellation frees the slot for someone else; a cancelled clinic is lost.
		if (!byProvider)
			this.slots.giveBack(
				this.i32[(p << 4) + I_SVC] * POOL_TYPES + type,
				slotDay,
				this.u16[(p << 5) + H_APPT_INDEX]
			);
		if (type <= FIRST_REMOTE) {
			if (byProvider) this.firstAttempt(p, false);
			else this.schedule(this.today + rng.int(5, 28), p, A_BOOK_FIRST, this.u16[(p << 5) + H_SEQ]);
		} else {
			const due = this.today + (byProvider ? rng.int(7, 21) : rng.int(10, 35));
			this.requestFollowUp(p, Math.max(this.i32[(p << 4) + I_DUE], due));
		}
	}

	// ---- appointments -----------------------------------------------------------------------------

	private outcome(p: number): void {
		const rng = this.rng;
		const s = this.i32[(p << 4) + I_SVC];
		const svc = this.services[s];
		const pats = this.patients;
		const pt = this.i32[(p << 4) + I_PATIENT];
		const type = this.u8[(p << 6) + B_POOL];
		const first = type <= FIRST_REMOTE;
		const remote = type === FIRST_REMOTE || type === FU_REMOTE;
		const day = this.today;
		const t = this.at(day, slotMinute(type, this.u16[(p << 5) + H_APPT_INDEX]) * 60);
		const bookDay = this.opts.baseDay + Math.floor(this.i32[(p << 4) + I_BOOK_TIME] / DAY);
		const lead = day - bookDay;
		const leadBand = lead <= 7 ? 0 : lead <= 14 ? 1 : lead <= 28 ? 2 : lead <= 56 ? 3 : 4;
		const word = pats.packed[2 * pt];
		const previous = word >>> 16 > 0;
		let prob = DNA_BASE * svc.spec.dnaFactor * pats.factor[2 * pt + 1] * LEAD_FACTOR[leadBand];
		if (remote) prob *= first ? REMOTE_FIRST_DNA * REMOTE_DNA : REMOTE_DNA;
		if (previous) prob *= PREVIOUS_DNA_FACTOR;
		const dna = rng.next() < Math.min(0.6, prob);
		this.u8[(p << 6) + B_BOOKED] = 0;
		if (t > this.i32[(p << 4) + I_LAST]) this.i32[(p << 4) + I_LAST] = t;
		if (this.live) {
			this.emitAppointment(dna ? EV.dna : EV.attended, t, p, false);
			this.count(
				day,
				dna ? (first ? C.dnaFirst : C.dnaFollowUp) : first ? C.attendedFirst : C.attendedFollowUp
			);
			if (!dna && remote) this.count(day, C.attendedRemote);
			if (first && remote) this.count(day, dna ? C.dnaFirstRemote : C.attendedFirstRemote);
			this.countSpecialty(day, svc.specialty, dna ? CS.dna : CS.attended);
			this.countSplit(day, SPLITS.age + (word & 15), dna);
			this.countSplit(day, SPLITS.imd + ((word >> 11) & 15) - 1, dna);
			this.countSplit(day, SPLITS.sex + ((word >> 4) & 3), dna);
			this.countSplit(day, SPLITS.previous + (previous ? 1 : 0), dna);
			this.countSplit(day, SPLITS.lead + leadBand, dna);
			if (first) this.countSplit(day, SPLITS.firstMedium + (remote ? 1 : 0), dna);
		}
		if (dna) {
			if (word >>> 16 < 255) pats.packed[2 * pt] = word + 0x10000;
			this.missed(p, t);
		} else this.attended(p, t);
	}

	private attended(p: number, t: number): void {
		const rng = this.rng;
		const stage = this.u8[(p << 6) + B_STAGE];
		const sp = this.services[this.i32[(p << 4) + I_SVC]].spec;
		const day = this.today;
		if (stage === S_FIRST) {
			if (!(this.u8[(p << 6) + B_FLAGS] & F_CLOCK)) {
				const mean = sp.rtt ? 1.5 : sp.followUps;
				this.startFollowUps(p, t, rng.poisson(mean), sp.rtt ? 8 : sp.followUpWeeks, 0.05);
				return;
			}
			this.setStage(p, S_WORKUP);
			const r = rng.next();
			if (r < sp.diagnosticShare) {
				this.emit(EV.diagnosticRequested, this.later(t, 20 * MINUTE, 90 * MINUTE), p, 0);
				const wait = Math.round(Math.min(150, Math.max(2, rng.lognormal(20, 0.6))));
				this.schedule(day + wait, p, A_DIAGNOSTIC, 0);
			} else if (r < sp.diagnosticShare + 0.25) {
				this.requestFollowUp(p, day + Math.max(7, Math.round(rng.lognormal(35, 0.5))));
			} else this.decide(p, this.later(t, 15 * MINUTE, 75 * MINUTE));
			return;
		}
		if (stage === S_WORKUP) {
			if (rng.chance(0.12))
				this.requestFollowUp(p, day + Math.max(7, Math.round(rng.lognormal(42, 0.5))));
			else this.decide(p, this.later(t, 15 * MINUTE, 75 * MINUTE));
			return;
		}
		if (stage === S_FOLLOW || stage === S_CASELOAD) {
			if (this.u8[(p << 6) + B_LEFT] > 0) this.u8[(p << 6) + B_LEFT]--;
			if (this.u8[(p << 6) + B_LEFT] > 0)
				this.requestFollowUp(p, day + this.gap(this.u16[(p << 5) + H_GAP]));
			else this.endFollowUps(p, t);
			return;
		}
		// A patient-initiated follow-up: seen, then discharged.
		this.discharge(p, this.later(t, 30 * MINUTE, 3 * HOUR));
	}

	private missed(p: number, t: number): void {
		const rng = this.rng;
		const stage = this.u8[(p << 6) + B_STAGE];
		const day = this.today;
		if (stage === S_FIRST) {
			if (this.u8[(p << 6) + B_FLAGS] & F_CLOCK) {
				// A first-appointment DNA nullifies the clock; a rebooking is a new pathway with a new clock.
				this.stop(p, STOP.firstAppointmentDna, this.later(t, HOUR, 4 * HOUR));
				if (rng.chance(0.4))
					this.discharge(p, this.later(this.i32[(p << 4) + I_LAST], 5 * MINUTE, HOUR));
				else {
					const q = this.allocate();
					this.i32[(q << 4) + I_PATIENT] = this.i32[(p << 4) + I_PATIENT];
					this.i32[(q << 4) + I_SVC] = this.i32[(p << 4) + I_SVC];
					this.i32[(q << 4) + I_ORG] = this.i32[(p << 4) + I_ORG];
					this.i32[(q << 4) + I_PRACTICE] = this.i32[(p << 4) + I_PRACTICE];
					this.u8[(q << 6) + B_PRIORITY] = this.u8[(p << 6) + B_PRIORITY];
					this.u8[(q << 6) + B_FLAGS] = F_RTT;
					this.release(p);
					this.schedule(this.cal.next(day + rng.int(1, 5)), q, A_NEW_PATHWAY, 0);
				}
				return;
			}
			if (rng.chance(0.65))
				this.schedule(day + rng.int(3, 14), p, A_BOOK_FIRST, this.u16[(p << 5) + H_SEQ]);
			else this.discharge(p, this.later(t, HOUR, 4 * HOUR));
			return;
		}
		if (stage === S_WORKUP) {
			if (rng.chance(0.8)) this.requestFollowUp(p, day + rng.int(14, 42));
			else {
				this.stop(p, STOP.returnedToPrimaryCare, this.later(t, HOUR, 4 * HOUR));
				this.discharge(p, this.later(this.i32[(p << 4) + I_LAST], 5 * MINUTE, HOUR));
			}
			return;
		}
		if ((stage === S_FOLLOW || stage === S_CASELOAD) && rng.chance(0.7)) {
			this.requestFollowUp(p, day + rng.int(14, 42));
			return;
		}
		this.discharge(p, this.later(t, HOUR, 4 * HOUR));
	}

	/** A patient who missed a first appointment is rebooked on a new pathway: a new referral and clock. */
	private newPathway(p: number): void {
		const rng = this.rng;
		this.refer(p, this.officeTime(p));
		this.setStage(p, S_FIRST);
		this.arrivals[this.i32[(p << 4) + I_SVC] * 3]++;
		if (rng.chance(0.9))
			this.emit(
				EV.referralAccepted,
				this.later(this.i32[(p << 4) + I_LAST], 5 * MINUTE, 2 * HOUR),
				p,
				0
			);
		this.firstAttempt(p, false);
	}

	private diagnosticReported(p: number): void {
		const t = this.officeTime(p);
		this.emit(EV.diagnosticReported, t, p, 0);
		this.requestFollowUp(p, this.today + this.rng.int(3, 21));
	}

	// ---- decisions and treatment ------------------------------------------------------------------

	private decide(p: number, t: number): void {
		const rng = this.rng;
		const sp = this.services[this.i32[(p << 4) + I_SVC]].spec;
		if (isOld(this.patients.packed[2 * this.i32[(p << 4) + I_PATIENT]] & 15) && rng.chance(0.004)) {
			this.stop(p, STOP.died, t);
			this.release(p);
			return;
		}
		if (rng.chance(sp.admitShare)) {
			const r = rng.next();
			const cp = r < 0.1 ? CP.P2 : r < 0.38 ? CP.P3 : r < 0.95 ? CP.P4 : CP.P6;
			this.u8[(p << 6) + B_CP] = cp + 1;
			this.emit(EV.decisionToAdmit, t, p, cp + 1);
			this.setStage(p, S_ADMIT);
			this.arrivals[this.i32[(p << 4) + I_SVC] * 3 + 2]++;
			if (cp === CP.P6) this.schedule(this.today + rng.int(56, 140), p, A_ADMIT_LIST, 0);
			else
				this.enqueue(
					p,
					Q_ADMIT,
					(cp === CP.P2 ? 0 : cp === CP.P3 ? 1 : 2) * CLASS_KEY + this.i32[(p << 4) + I_START_DAY]
				);
			return;
		}
		const r = rng.next();
		if (r < 0.12) {
			this.stop(p, STOP.activeMonitoring, t);
			this.caseloadChance(p, sp);
			this.startFollowUps(p, t, rng.poisson(2.2), 16, 0.08);
		} else if (r < 0.2) {
			this.stop(p, STOP.decisionNotToTreat, t);
			if (rng.chance(0.15)) this.startFollowUps(p, t, 1, 8, 0);
			else this.discharge(p, this.later(t, 5 * MINUTE, 2 * HOUR));
		} else if (r < 0.23) {
			this.stop(p, STOP.patientDeclined, t);
			this.discharge(p, this.later(t, 5 * MINUTE, 2 * HOUR));
		} else {
			this.stop(p, STOP.nonAdmitted, t);
			this.caseloadChance(p, sp);
			this.startFollowUps(p, t, rng.poisson(sp.followUps), sp.followUpWeeks, 0.1);
		}
	}

	private caseloadChance(p: number, sp: Specialty): void {
		if (sp.caseloadShare > 0 && this.rng.chance(sp.caseloadShare))
			this.u8[(p << 6) + B_FLAGS] |= F_CASELOAD;
	}

	/** Admitted from the list today (the clock stops on admission). */
	private admit(p: number): void {
		const rng = this.rng;
		const sp = this.services[this.i32[(p << 4) + I_SVC]].spec;
		if (rng.chance(0.03)) {
			const t = this.officeTime(p);
			this.stop(p, STOP.patientDeclined, t);
			this.discharge(p, this.later(t, 5 * MINUTE, 2 * HOUR));
			return;
		}
		const t = Math.max(
			this.i32[(p << 4) + I_LAST] + MINUTE,
			this.at(this.today, 7 * HOUR + rng.int(0, 5 * HOUR))
		);
		this.stop(p, STOP.admitted, t);
		this.caseloadChance(p, sp);
		this.startFollowUps(p, t, rng.poisson(1.1), 6, 0.1);
	}

	private stop(p: number, reason: number, t: number): void {
		if (!(this.u8[(p << 6) + B_FLAGS] & F_CLOCK)) return;
		this.emit(EV.clockStopped, t, p, reason + 1);
		this.u8[(p << 6) + B_FLAGS] &= ~F_CLOCK;
		if (this.live) {
			const field =
				reason === STOP.admitted
					? C.stopAdmitted
					: reason === STOP.nonAdmitted
						? C.stopNonAdmitted
						: reason === STOP.firstAppointmentDna
							? C.stopFirstDna
							: reason === STOP.validatedRemoval
								? C.stopValidated
								: C.stopOther;
			this.count(this.today, field);
			this.countSpecialty(this.today, (this.i32[(p << 4) + I_ORG] >> 16) & 31, CS.stops);
		}
		if (
			this.u8[(p << 6) + B_STAGE] === S_FIRST ||
			this.u8[(p << 6) + B_STAGE] === S_ADMIT ||
			this.u8[(p << 6) + B_STAGE] === S_TRIAGE
		)
			this.setStage(p, S_WORKUP);
	}

	private discharge(p: number, t: number): void {
		this.emit(EV.discharged, t, p, 0);
		this.release(p);
	}

	// ---- follow-ups -------------------------------------------------------------------------------

	private gap(days: number): number {
		return Math.max(7, Math.round(days * (0.75 + 0.5 * this.rng.next())));
	}

	private startFollowUps(
		p: number,
		t: number,
		count: number,
		gapWeeks: number,
		pifuShare: number
	): void {
		const rng = this.rng;
		this.setStage(p, S_FOLLOW);
		this.u16[(p << 5) + H_GAP] = gapWeeks * 7;
		if (rng.chance(pifuShare)) {
			this.u8[(p << 6) + B_FLAGS] |= F_PIFU;
			if (count > 1) count = 1;
		}
		this.u8[(p << 6) + B_LEFT] = Math.min(40, count);
		if (count > 0) this.requestFollowUp(p, this.today + this.gap(this.u16[(p << 5) + H_GAP]));
		else this.endFollowUps(p, t);
	}

	private endFollowUps(p: number, t: number): void {
		const rng = this.rng;
		const flags = this.u8[(p << 6) + B_FLAGS];
		if (flags & F_PIFU) {
			this.u8[(p << 6) + B_FLAGS] &= ~F_PIFU;
			this.emit(EV.pifuStarted, this.later(t, 5 * MINUTE, HOUR), p, 0);
			this.setStage(p, S_PIFU);
			if (rng.chance(0.35)) this.schedule(this.today + rng.int(30, 240), p, A_PIFU_REQUEST, 0);
			else this.schedule(this.today + rng.int(180, 365), p, A_PIFU_END, 0);
			return;
		}
		if (flags & F_CASELOAD) {
			this.u8[(p << 6) + B_FLAGS] &= ~F_CASELOAD;
			const sp = this.services[this.i32[(p << 4) + I_SVC]].spec;
			this.setStage(p, S_CASELOAD);
			this.u16[(p << 5) + H_GAP] = sp.caseloadIntervalDays;
			this.u8[(p << 6) + B_LEFT] = Math.min(60, 1 + rng.poisson(sp.caseloadVisits - 1));
			this.requestFollowUp(p, this.today + this.gap(this.u16[(p << 5) + H_GAP]));
			return;
		}
		this.discharge(p, this.later(t, 5 * MINUTE, 2 * HOUR));
	}

	/** A follow-up is needed on `due`: booked some weeks ahead of it (or at once if due soon). */
	private requestFollowUp(p: number, due: number): void {
		const rng = this.rng;
		this.i32[(p << 4) + I_DUE] = due;
		this.arrivals[this.i32[(p << 4) + I_SVC] * 3 + 1]++;
		const lead = Math.min(FU_HORIZON - 7, Math.max(7, Math.round(rng.lognormal(35, 0.45))));
		const bookDay = due - lead;
		if (bookDay <= this.today) this.bookFollowUp(p, true);
		else this.schedule(bookDay, p, A_BOOK_FU, this.u16[(p << 5) + H_SEQ]);
	}

	/** Books the earliest follow-up slot on or after the due day; else the patient joins the backlog. */
	private bookFollowUp(p: number, fresh: boolean): boolean {
		const s = this.i32[(p << 4) + I_SVC];
		const slots = this.slots;
		const f2f = s * POOL_TYPES + FU_F2F;
		const remote = s * POOL_TYPES + FU_REMOTE;
		const from = Math.max(this.i32[(p << 4) + I_DUE], this.today + 1);
		const dayF = slots.findGeneral(f2f, from, slots.pubEnd[f2f]);
		const dayR = slots.findGeneral(remote, from, slots.pubEnd[remote]);
		if (dayF < 0 && dayR < 0) {
			if (fresh) this.enqueue(p, Q_FU, this.i32[(p << 4) + I_DUE]);
			return false;
		}
		const useRemote =
			dayR >= 0 &&
			(dayF < 0 ||
				dayR < dayF ||
				(dayR === dayF && this.rng.chance(this.services[s].spec.remoteFollowUpShare)));
		if (!fresh) this.unqueue(p);
		const day = useRemote ? dayR : dayF;
		this.lateness[s * 2] += day - this.i32[(p << 4) + I_DUE];
		this.lateness[s * 2 + 1]++;
		this.book(p, useRemote ? remote : f2f, day, false);
		return true;
	}

	// ---- validation -------------------------------------------------------------------------------

	private validate(p: number, k: number): void {
		const rng = this.rng;
		if (!(this.u8[(p << 6) + B_FLAGS] & F_CLOCK)) return;
		// Not on the day of a booked appointment: the review waits a day.
		if (this.u8[(p << 6) + B_BOOKED] && this.i32[(p << 4) + I_APPT_DAY] <= this.today) {
			this.schedule(this.today + 1, p, A_VALIDATE, k);
			return;
		}
		if (rng.chance(VALIDATE_SHARE[k])) {
			const t = this.officeTime(p);
			this.emit(EV.validated, t, p, this.u8[(p << 6) + B_CP]);
			if (rng.chance(REMOVE_SHARE[k])) {
				this.remove(p, t);
				return;
			}
		}
		if (k + 1 < VALIDATE_DAYS.length)
			this.schedule(this.i32[(p << 4) + I_START_DAY] + VALIDATE_DAYS[k + 1], p, A_VALIDATE, k + 1);
	}

	/** Validation removes the pathway: a booking it holds is cancelled, the clock stops, discharged. */
	private remove(p: number, t: number): void {
		if (this.u8[(p << 6) + B_BOOKED]) {
			const slotDay = this.i32[(p << 4) + I_APPT_DAY];
			this.emitAppointment(EV.cancelled, this.later(t, MINUTE, 5 * MINUTE), p, false);
			if (this.live) this.count(slotDay, C.cancelledPatient);
			this.slots.giveBack(
				this.i32[(p << 4) + I_SVC] * POOL_TYPES + this.u8[(p << 6) + B_POOL],
				slotDay,
				this.u16[(p << 5) + H_APPT_INDEX]
			);
			this.u8[(p << 6) + B_BOOKED] = 0;
		}
		this.stop(
			p,
			STOP.validatedRemoval,
			this.later(this.i32[(p << 4) + I_LAST], MINUTE, 5 * MINUTE)
		);
		this.discharge(p, this.later(this.i32[(p << 4) + I_LAST], MINUTE, 30 * MINUTE));
	}

	// ---- the caseload at the start ----------------------------------------------------------------

	/**
	 * Patients already under long-term follow-up when the simulation starts (their referrals and clock
	 * stops lie years back, outside the data): as many as the flow into each caseload would hold in a
	 * steady state, each with their next review due within one interval.
	 */
	private seedCaseload(): void {
		const rng = this.rng;
		const world = this.world;
		const pats = this.patients;
		const rttWeight = world.specialties.filter((s) => s.rtt).reduce((a, s) => a + s.weight, 0);
		const commissionerPop = new Float64Array(world.commissioners.length);
		for (const k of pats.practices)
			commissionerPop[world.practices[k].commissioner] += world.practices[k].listSize;
		const systemPop = commissionerPop.reduce((a, b) => a + b, 0);
		const rttAnnual = pats.size * RTT_PER_HEAD;
		// Patients of each ICB, to draw caseload patients from the service's own ICB.
		const practicesOf = new Map<number, number[]>();
		for (let k = 0; k < pats.practices.length; k++) {
			const icb = world.commissioners[this.practiceCommissioner[k]].icb;
			if (!practicesOf.has(icb)) practicesOf.set(icb, []);
			practicesOf.get(icb)!.push(k);
		}
		for (let s = 0; s < this.services.length; s++) {
			const svc = this.services[s];
			const sp = svc.spec;
			if (sp.caseloadShare <= 0) continue;
			let providerShare = 0;
			for (let c = 0; c < world.commissioners.length; c++) {
				const com = world.commissioners[c];
				const k = com.providers.indexOf(svc.provider);
				if (k >= 0) providerShare += (commissionerPop[c] / systemPop) * com.shares[k];
			}
			// About 55% of referrals reach a treatment decision that may join the caseload.
			const annual = rttAnnual * (sp.weight / rttWeight) * providerShare;
			const years = (sp.caseloadVisits * sp.caseloadIntervalDays) / 365.25;
			const n = Math.round(annual * 0.55 * sp.caseloadShare * years);
			const local = practicesOf.get(svc.icb) ?? [];
			if (local.length === 0) continue;
			for (let k = 0; k < n; k++) {
				const practice = local[Math.floor(rng.next() * local.length)];
				const b0 = practice * BUCKETS;
				const from = pats.bucketStart[b0];
				const patient = from + Math.floor(rng.next() * (pats.bucketStart[b0 + BUCKETS] - from));
				const p = this.allocate();
				this.i32[(p << 4) + I_PATIENT] = patient;
				this.i32[(p << 4) + I_SVC] = s;
				this.i32[(p << 4) + I_PRACTICE] = pats.practices[practice];
				this.u8[(p << 6) + B_PRIORITY] = ROUTINE;
				this.i32[(p << 4) + I_ORG] = orgWord(
					svc.provider,
					this.practiceCommissioner[practice],
					svc.specialty,
					ROUTINE,
					true,
					this.careCode[svc.specialty],
					0
				);
				this.u8[(p << 6) + B_FLAGS] = F_RTT;
				this.setStage(p, S_CASELOAD);
				this.u16[(p << 5) + H_GAP] = sp.caseloadIntervalDays;
				this.u8[(p << 6) + B_LEFT] = 1 + rng.poisson(sp.caseloadVisits - 1);
				this.i32[(p << 4) + I_DUE] = this.opts.baseDay + 7 + rng.int(0, sp.caseloadIntervalDays);
				this.schedule(this.i32[(p << 4) + I_DUE] - 35, p, A_BOOK_FU, 0);
			}
		}
	}

	// ---- the end ----------------------------------------------------------------------------------

	/**
	 * What the calibration report needs once the system is dropped: the counters, and the RTT pathways
	 * whose clocks still run (their referral in the data) by specialty and clock start day.
	 */
	summary(): SystemSummary {
		const nSpec = this.world.specialties.length;
		const first = this.opts.baseDay;
		const span = this.opts.endDay - first + 1;
		const running = new Float64Array(nSpec * span);
		for (let p = 0; p < this.used; p++) {
			if (this.i32[(p << 4) + I_NUM] < 0) continue;
			const f = this.u8[(p << 6) + B_FLAGS];
			if (!(f & F_RTT) || !(f & F_CLOCK) || !(f & F_REFERRED)) continue;
			running[
				((this.i32[(p << 4) + I_ORG] >> 16) & 31) * span +
					(this.i32[(p << 4) + I_START_DAY] - first)
			]++;
		}
		return {
			counterBase: this.counterBase,
			days: this.days,
			counts: this.counts,
			specialtyCounts: this.specialtyCounts,
			splitCounts: this.splitCounts,
			lastEventDay: this.lastEventDay,
			runningFrom: first,
			runningDays: span,
			running
		};
	}

	/** Pathways open now (for progress and memory). */
	get pathwaysLive(): number {
		return this.used - this.freeCount;
	}
}
