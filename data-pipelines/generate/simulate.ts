/**
 * One pathway at a time: draws a referral's journey (triage, advice and guidance, bookings, cancellations,
 * DNAs, diagnostics, decision, clock stop, follow-ups, discharge) forward in time into a scratch buffer,
 * then keeps what falls inside the data window.
 *
 * Waits are drawn per specialty from right-skewed (lognormal) distributions whose medians grow over time
 * in under-capacity specialties, rather than from an explicit slot-by-slot queue.
 */
import {
	EV,
	IS_APPOINTMENT,
	MEDIUM,
	STOP,
	clinicalPriorityCode,
	packAppointment
} from './events.ts';
import type { EventStore, PathwayStore } from './events.ts';
import type { Rng } from './rng.ts';
import { SECONDS_PER_DAY, WorkCalendar, dayOf } from './calendar.ts';
import { OLD_AGE_BANDS, PRIORITY } from './world.ts';
import type { PatientPool, Specialty, World } from './world.ts';

export interface Window {
	/** Day number the relative times count from (00:00:00 of it is time 0). */
	baseDay: number;
	/** First and last day of the data window (inclusive). */
	startDay: number;
	endDay: number;
}

export interface Referral {
	number: number;
	day: number;
	secondOfDay: number;
	patient: number;
	practice: number;
	provider: number;
	specialty: number;
	priority: number;
	source: number;
	rtt: boolean;
}

const MINUTE = 60;
const HOUR = 3600;
const DAY = SECONDS_PER_DAY;
const INF = 2147483647;

const OUTCOME_ATTENDED = 0;
const OUTCOME_DNA = 1;
const OUTCOME_BEYOND = 2;

const CLINIC_VIRTUAL = 7;

const P2 = clinicalPriorityCode('P2');
const P3 = clinicalPriorityCode('P3');
const P4 = clinicalPriorityCode('P4');
const P6 = clinicalPriorityCode('P6');

/** Base DNA probability before patient, specialty, lead-time and medium factors (tuned to ≈ 7%). */
const DNA_BASE = 0.038;
const CANCEL_PATIENT = 0.07;
const CANCEL_PROVIDER = 0.09;
const REMOTE_FOLLOW_UP = 0.22;

export class PathwaySimulator {
	private readonly rng: Rng;
	private readonly world: World;
	private readonly patients: PatientPool;
	private readonly cal: WorkCalendar;
	private readonly win: Window;
	private readonly startTime: number;
	private readonly endTime: number;
	private readonly events: EventStore;
	private readonly pathways: PathwayStore;

	// scratch buffer for the pathway being simulated
	private n = 0;
	private readonly sType = new Uint8Array(512);
	private readonly sTime = new Int32Array(512);
	private readonly sApptTime = new Int32Array(512);
	private readonly sSeq = new Uint16Array(512);
	private readonly sAppt = new Uint8Array(512);
	private readonly sExtra = new Uint8Array(512);

	// state of the pathway being simulated
	private ref!: Referral;
	private spec!: Specialty;
	private seq = 0;
	private lastSlot = 0;
	private hadDna = false;
	private stopTime = INF;
	private closeTime = INF;
	private dtaTime = INF;
	private dtaPriority = 0;

	constructor(
		rng: Rng,
		world: World,
		patients: PatientPool,
		cal: WorkCalendar,
		win: Window,
		events: EventStore,
		pathways: PathwayStore
	) {
		this.rng = rng;
		this.world = world;
		this.patients = patients;
		this.cal = cal;
		this.win = win;
		this.startTime = (win.startDay - win.baseDay) * DAY;
		this.endTime = (win.endDay - win.baseDay + 1) * DAY - 1;
		this.events = events;
		this.pathways = pathways;
	}

	/** Simulates one referral and appends its in-window events; returns how many were kept. */
	run(ref: Referral): number {
		this.ref = ref;
		this.spec = this.world.specialties[ref.specialty];
		this.n = 0;
		this.seq = 0;
		this.hadDna = false;
		this.stopTime = INF;
		this.closeTime = INF;
		this.dtaTime = INF;
		this.dtaPriority = 0;
		this.journey();
		if (ref.rtt) this.validate();
		return this.commit();
	}

	// ---- time helpers -------------------------------------------------------------------------------

	private at(day: number, secondOfDay: number): number {
		return (day - this.win.baseDay) * DAY + secondOfDay;
	}

	private dayOfTime(t: number): number {
		return this.win.baseDay + Math.floor(t / DAY);
	}

	/** A time during office hours on the first working day on or after `day`, and after `after`. */
	private officeTime(day: number, after: number): number {
		const d = this.cal.next(day);
		const t = this.at(d, 8 * HOUR + this.rng.int(0, 10 * HOUR - 1));
		return t > after ? t : after + this.rng.int(5 * MINUTE, 3 * HOUR);
	}

	/** Clinic day on or after `day`; most clinics close between Christmas Eve and 2 January. */
	private clinicDay(day: number): number {
		let d = this.cal.next(day);
		// A slot drawn on a weekend or bank holiday goes to a random day of the next working week, not all
		// to the Monday.
		if (d !== day) d = this.cal.next(d + this.rng.int(0, 4));
		if (this.cal.isChristmasShutdown(d) && this.rng.chance(0.7)) {
			const year = new Date(d * 86400000).getUTCFullYear() + (this.cal.month(d) === 12 ? 1 : 0);
			return this.cal.next(dayOf(year, 1, 3) + this.rng.int(0, 20));
		}
		return d;
	}

	private push(type: number, time: number, apptTime = 0, seq = 0, appt = 0, extra = 0): void {
		const i = this.n;
		if (i >= this.sType.length) return; // pathological pathways are truncated, never overflow
		this.sType[i] = type;
		this.sTime[i] = time;
		this.sApptTime[i] = apptTime;
		this.sSeq[i] = seq;
		this.sAppt[i] = appt;
		this.sExtra[i] = extra;
		this.n = i + 1;
	}

	private stop(reason: number, time: number): void {
		if (this.ref.rtt) {
			this.push(EV.clockStopped, time, 0, 0, 0, reason + 1);
			this.stopTime = time;
		}
	}

	private discharge(time: number): void {
		this.push(EV.discharged, time);
		this.closeTime = time;
	}

	/** Multiplier on waits: grows in under-capacity specialties, higher for winter and August referrals. */
	private pressure(day: number): number {
		const years = (day - this.win.startDay) / 365.25;
		let p = this.spec.underCapacity
			? Math.max(0.75, 1 + 0.07 * years)
			: Math.max(0.9, 1 + 0.01 * years);
		const m = this.cal.month(day);
		if (m === 12 || m === 1) p *= 1.08;
		else if (m === 8) p *= 1.05;
		return p;
	}

	// ---- the journey --------------------------------------------------------------------------------

	private journey(): void {
		const rng = this.rng;
		const ref = this.ref;
		const spec = this.spec;
		const t0 = this.at(ref.day, ref.secondOfDay);
		this.push(EV.referralReceived, t0);

		const triageLag =
			ref.priority === PRIORITY.twoWeekWait
				? rng.int(0, 1)
				: ref.priority === PRIORITY.urgent
					? rng.int(0, 3)
					: rng.int(1, 9);
		let triage = this.officeTime(ref.day + triageLag, t0);

		if (rng.chance(ref.priority === PRIORITY.twoWeekWait ? 0.005 : 0.03)) {
			this.push(EV.referralRejected, triage);
			this.stop(STOP.returnedToPrimaryCare, triage + rng.int(1, 30) * MINUTE);
			return;
		}

		if (ref.priority !== PRIORITY.twoWeekWait && rng.chance(0.07)) {
			this.push(EV.adviceRequested, triage);
			const given = this.officeTime(this.dayOfTime(triage) + rng.int(1, 12), triage);
			this.push(EV.adviceGiven, given);
			if (rng.chance(0.45)) {
				this.stop(STOP.returnedToPrimaryCare, given + rng.int(1, 30) * MINUTE);
				this.discharge(given + rng.int(31, 90) * MINUTE);
				return;
			}
			triage = given + rng.int(10, 120) * MINUTE;
		}
		if (rng.chance(0.92)) this.push(EV.referralAccepted, triage);

		// Wait to first appointment.
		let waitDays: number;
		if (ref.priority === PRIORITY.twoWeekWait) waitDays = rng.lognormal(10, 0.35);
		else if (ref.priority === PRIORITY.urgent)
			waitDays = rng.lognormal(22 * Math.sqrt(this.pressure(ref.day)), 0.5);
		else waitDays = rng.lognormal(spec.firstWaitWeeks * 7 * this.pressure(ref.day), 0.62);
		let earliest = triage + rng.int(5, 240) * MINUTE;
		const asiShare = ref.priority === PRIORITY.routine ? (spec.underCapacity ? 0.3 : 0.04) : 0.01;
		if (rng.chance(asiShare)) {
			const asi = triage + rng.int(10, 300) * MINUTE;
			this.push(EV.slotIssue, asi);
			earliest = this.officeTime(this.dayOfTime(asi) + rng.int(3, 35), asi);
		}
		let outcome = this.appointment(earliest, ref.day + Math.round(waitDays), false);
		let dnas = 0;
		while (outcome === OUTCOME_DNA) {
			dnas++;
			// Roughly half of first DNAs are discharged back to the GP (the clock is nullified).
			if (rng.chance(dnas === 1 ? 0.5 : 0.75)) {
				const t = this.lastSlot + rng.int(2 * HOUR, 50 * HOUR);
				this.stop(STOP.firstAppointmentDna, t);
				this.discharge(t + rng.int(1, 60) * MINUTE);
				return;
			}
			const rebook = this.lastSlot + rng.int(3 * HOUR, 5 * DAY);
			outcome = this.appointment(rebook, this.dayOfTime(this.lastSlot) + rng.int(14, 42), false);
		}
		if (outcome === OUTCOME_BEYOND) return;

		if (!ref.rtt) {
			this.followUps(this.lastSlot, 1.6, 8, 0);
			return;
		}

		// Work-up before the decision: diagnostics, a follow-up, or decide at the first appointment.
		const route = rng.next();
		if (route < spec.diagnosticShare) {
			const requested = this.lastSlot + rng.int(20, 90) * MINUTE;
			this.push(EV.diagnosticRequested, requested);
			const reported = this.officeTime(
				this.dayOfTime(requested) + Math.round(Math.min(150, Math.max(2, rng.lognormal(20, 0.6)))),
				requested
			);
			this.push(EV.diagnosticReported, reported);
			if (
				this.followUpBeforeDecision(reported, rng.lognormal(18 * this.pressure(ref.day), 0.5)) ===
				OUTCOME_BEYOND
			)
				return;
		} else if (route < spec.diagnosticShare + 0.25) {
			if (
				this.followUpBeforeDecision(
					this.lastSlot + HOUR,
					rng.lognormal(35 * this.pressure(ref.day), 0.5)
				) === OUTCOME_BEYOND
			)
				return;
		}
		if (rng.chance(0.12)) {
			if (
				this.followUpBeforeDecision(this.lastSlot + HOUR, rng.lognormal(42, 0.5)) === OUTCOME_BEYOND
			)
				return;
		}
		this.decide(this.lastSlot + rng.int(15, 75) * MINUTE);
	}

	/** A follow-up before the decision; a DNA here is rebooked (the clock keeps running). */
	private followUpBeforeDecision(after: number, gapDays: number): number {
		let outcome = this.appointment(
			after + this.rng.int(10, 240) * MINUTE,
			this.dayOfTime(after) + Math.max(3, Math.round(gapDays)),
			true
		);
		let guard = 0;
		while (outcome === OUTCOME_DNA && guard++ < 3) {
			outcome = this.appointment(
				this.lastSlot + this.rng.int(3 * HOUR, 4 * DAY),
				this.dayOfTime(this.lastSlot) + this.rng.int(14, 42),
				true
			);
		}
		return outcome;
	}

	private decide(t: number): void {
		const rng = this.rng;
		if (OLD_AGE_BANDS.has(this.patients.age[this.ref.patient]) && rng.chance(0.004)) {
			this.stop(STOP.died, t + rng.int(1, 40) * DAY);
			return;
		}
		if (rng.chance(this.spec.admitShare)) {
			this.admit(t);
			return;
		}
		const r = rng.next();
		if (r < 0.12) {
			this.stop(STOP.activeMonitoring, t);
			this.followUps(t, 3.2, 16, 0.08);
		} else if (r < 0.2) {
			this.stop(STOP.decisionNotToTreat, t);
			if (rng.chance(0.15)) this.followUps(t, 1, 8, 0);
			else this.discharge(t + rng.int(5, 120) * MINUTE);
		} else if (r < 0.23) {
			this.stop(STOP.patientDeclined, t);
			this.discharge(t + rng.int(5, 120) * MINUTE);
		} else {
			this.stop(STOP.nonAdmitted, t);
			this.followUps(t, 1.6, 8, 0.1);
		}
	}

	private admit(t: number): void {
		const rng = this.rng;
		const r = rng.next();
		// Surgical prioritisation: P2 ≤ 4 weeks, P3 ≤ 12 weeks, P4 > 12 weeks, P6 patient chose to wait.
		const cp = r < 0.1 ? P2 : r < 0.38 ? P3 : r < 0.95 ? P4 : P6;
		this.dtaTime = t;
		this.dtaPriority = cp + 1;
		this.push(EV.decisionToAdmit, t, 0, 0, 0, cp + 1);
		let waitDays: number;
		if (cp === P2) waitDays = rng.lognormal(18, 0.3);
		else if (cp === P3) waitDays = rng.lognormal(50, 0.4);
		else
			waitDays =
				rng.lognormal(this.spec.admitWaitWeeks * 7 * this.pressure(this.dayOfTime(t)), 0.4) *
				(cp === P6 ? 1.6 : 1);
		const admitDay = this.clinicDay(this.dayOfTime(t) + Math.max(1, Math.round(waitDays)));
		if (rng.chance(0.03)) {
			const declined = this.officeTime(
				this.dayOfTime(t) + Math.round((admitDay - this.dayOfTime(t)) * rng.next()),
				t
			);
			this.stop(STOP.patientDeclined, declined);
			this.discharge(declined + rng.int(5, 120) * MINUTE);
			return;
		}
		const admitted = this.at(admitDay, 7 * HOUR + rng.int(0, 5 * HOUR));
		this.stop(STOP.admitted, admitted);
		this.followUps(admitted + rng.int(1, 3) * DAY, 1.15, 6, 0.1);
	}

	/**
	 * Follow-ups after the decision: a random number (mean `mean`), spaced about `gapWeeks` apart, some
	 * pathways moved to patient-initiated follow-up; ends with discharge.
	 */
	private followUps(after: number, mean: number, gapWeeks: number, pifuShare: number): void {
		const rng = this.rng;
		let count = rng.poisson(mean);
		let last = after;
		const pifu = rng.chance(pifuShare);
		if (pifu) count = Math.min(count, 1);
		for (let i = 0; i < count; i++) {
			let outcome = this.appointment(
				last + rng.int(10, 240) * MINUTE,
				this.dayOfTime(last) + Math.max(7, Math.round(rng.lognormal(gapWeeks * 7, 0.45))),
				true
			);
			if (outcome === OUTCOME_BEYOND) return;
			if (outcome === OUTCOME_DNA) {
				if (rng.chance(0.3)) {
					this.discharge(this.lastSlot + rng.int(1, 72) * HOUR);
					return;
				}
				outcome = this.appointment(
					this.lastSlot + rng.int(3 * HOUR, 4 * DAY),
					this.dayOfTime(this.lastSlot) + rng.int(14, 42),
					true
				);
				if (outcome === OUTCOME_BEYOND) return;
				if (outcome === OUTCOME_DNA) {
					this.discharge(this.lastSlot + rng.int(1, 72) * HOUR);
					return;
				}
			}
			last = this.lastSlot + rng.int(15, 90) * MINUTE;
		}
		if (pifu) {
			const started = last + rng.int(5, 60) * MINUTE;
			this.push(EV.pifuStarted, started);
			const until = this.dayOfTime(started) + rng.int(180, 365);
			if (rng.chance(0.35)) {
				const outcome = this.appointment(
					this.officeTime(this.dayOfTime(started) + rng.int(30, 240), started),
					0,
					true
				);
				if (outcome === OUTCOME_BEYOND) return;
			}
			this.discharge(
				this.officeTime(Math.max(until, this.dayOfTime(this.lastSlot) + 1), this.lastSlot)
			);
			return;
		}
		this.discharge(last + rng.int(5, 120) * MINUTE);
	}

	/**
	 * Books an appointment no earlier than `earliest`, for a slot on or after `slotDay`, playing out
	 * cancellations (each followed by a rebooking with a new appointment id) until an attendance or a DNA.
	 * Sets lastSlot to the slot that was attended or missed.
	 */
	private appointment(earliest: number, slotDay: number, followUp: boolean): number {
		const rng = this.rng;
		const ref = this.ref;
		const spec = this.spec;
		const provider = this.world.providers[ref.provider];
		for (let booking = 0; ; booking++) {
			const earliestDay = this.dayOfTime(earliest);
			if (slotDay <= earliestDay)
				slotDay = earliestDay + 1 + (followUp ? rng.int(0, 6) : rng.int(0, 3));
			slotDay = this.clinicDay(slotDay);
			const remote = rng.chance(followUp ? REMOTE_FOLLOW_UP : spec.remoteFirstShare);
			const medium = remote
				? rng.chance(0.8)
					? MEDIUM.telephone
					: MEDIUM.video
				: MEDIUM.faceToFace;
			const clinic = remote ? CLINIC_VIRTUAL : rng.int(0, provider.clinics - 1);
			const slot = this.at(slotDay, 8 * HOUR + 30 * MINUTE + 15 * MINUTE * rng.int(0, 33));

			const leadMedian = followUp
				? 35
				: ref.priority === PRIORITY.twoWeekWait
					? 5
					: ref.priority === PRIORITY.urgent
						? 12
						: 24;
			const lead = Math.min(90, Math.max(1, Math.round(rng.lognormal(leadMedian, 0.6))));
			let bookDay = Math.max(earliestDay, slotDay - lead);
			if (!this.cal.isWorking(bookDay)) {
				// Booking offices work weekdays: a random day of the previous working week.
				let moved = this.cal.next(this.cal.next(bookDay) - 7 + rng.int(0, 4));
				if (moved < earliestDay) moved = this.cal.next(earliestDay);
				if (moved < slotDay) bookDay = moved;
			}
			let booked =
				bookDay === earliestDay
					? earliest + rng.int(1, 180) * MINUTE
					: this.at(bookDay, 8 * HOUR + rng.int(0, 10 * HOUR - 1));
			if (booked >= slot) booked = slot - rng.int(1, 8) * HOUR;
			if (booked > this.endTime) {
				return OUTCOME_BEYOND;
			}
			this.seq++;
			const seq = this.seq;
			this.push(EV.booked, booked, slot, seq, packAppointment(followUp, medium, clinic, false));

			const r = rng.next();
			if (booking < 4 && r < CANCEL_PATIENT + CANCEL_PROVIDER) {
				const byProvider = r < CANCEL_PROVIDER;
				const span = slot - booked;
				const cancelledAt =
					booked +
					Math.max(
						60,
						Math.floor(span * (byProvider ? rng.uniform(0.15, 0.97) : rng.uniform(0.4, 0.99)))
					);
				this.push(
					EV.cancelled,
					cancelledAt,
					slot,
					seq,
					packAppointment(followUp, medium, clinic, byProvider)
				);
				earliest = cancelledAt + rng.int(10, 48 * 60) * MINUTE;
				slotDay = slotDay + (byProvider ? rng.int(7, 42) : rng.int(5, 35));
				continue;
			}

			const leadDays = slotDay - bookDay;
			const leadFactor =
				leadDays <= 7
					? 0.6
					: leadDays <= 14
						? 0.85
						: leadDays <= 28
							? 1.0
							: leadDays <= 56
								? 1.2
								: 1.35;
			let p = DNA_BASE * spec.dnaFactor * this.patients.dnaFactor[ref.patient] * leadFactor;
			if (remote && !followUp) p *= 1.35;
			if (remote) p *= 0.85;
			if (this.hadDna) p *= 1.8;
			if (rng.chance(Math.min(0.6, p))) {
				this.push(EV.dna, slot, slot, seq, packAppointment(followUp, medium, clinic, false));
				this.hadDna = true;
				this.lastSlot = slot;
				return OUTCOME_DNA;
			}
			this.push(EV.attended, slot, slot, seq, packAppointment(followUp, medium, clinic, false));
			this.lastSlot = slot;
			return OUTCOME_ATTENDED;
		}
	}

	/**
	 * Validation of long waiters at the national cadence (12, 26, 52 weeks, then every 26): some reviews
	 * remove the pathway (validated_removal), cancelling any booking it still holds.
	 */
	private validate(): void {
		const rng = this.rng;
		const t0 = this.sTime[0];
		const startDay = this.dayOfTime(t0);
		const checkpoints = [84, 182, 364, 546, 728, 910];
		const validateShare = [0.2, 0.55, 0.9, 0.9, 0.9, 0.9];
		const removeShare = [0.03, 0.06, 0.1, 0.12, 0.15, 0.2];
		for (let k = 0; k < checkpoints.length; k++) {
			const at = this.officeTime(startDay + checkpoints[k], t0);
			if (at >= this.stopTime || at > this.endTime) return;
			if (!rng.chance(validateShare[k])) continue;
			this.push(EV.validated, at, 0, 0, 0, this.dtaTime < at ? this.dtaPriority : 0);
			if (rng.chance(removeShare[k])) {
				this.removeAfter(at);
				return;
			}
		}
	}

	private removeAfter(at: number): void {
		const rng = this.rng;
		let w = 0;
		for (let i = 0; i < this.n; i++) {
			if (this.sTime[i] <= at) {
				this.sType[w] = this.sType[i];
				this.sTime[w] = this.sTime[i];
				this.sApptTime[w] = this.sApptTime[i];
				this.sSeq[w] = this.sSeq[i];
				this.sAppt[w] = this.sAppt[i];
				this.sExtra[w] = this.sExtra[i];
				w++;
			}
		}
		this.n = w;
		// A booking still open at the removal is cancelled (by the patient, who no longer needs it).
		for (let i = 0; i < w; i++) {
			if (this.sType[i] !== EV.booked || this.sApptTime[i] <= at) continue;
			let resolved = false;
			for (let j = 0; j < w; j++)
				if (j !== i && this.sSeq[j] === this.sSeq[i] && this.sType[j] === EV.cancelled)
					resolved = true;
			if (!resolved)
				this.push(EV.cancelled, at + 60, this.sApptTime[i], this.sSeq[i], this.sAppt[i] & 0x3f);
		}
		this.stopTime = INF;
		this.closeTime = INF;
		this.stop(STOP.validatedRemoval, at + 120);
		this.discharge(at + 120 + rng.int(1, 30) * MINUTE);
	}

	/** Keeps the events inside the data window and appends them to the stores. */
	private commit(): number {
		const ref = this.ref;
		const start = this.startTime;
		const end = this.endTime;
		const fromBacklog = this.sTime[0] < start;
		// A referral from before the window is kept only if the pathway is still open when the window starts.
		const openAtStart = ref.rtt ? this.stopTime >= start : this.closeTime >= start;
		let kept = 0;
		let index = -1;
		for (let i = 0; i < this.n; i++) {
			const type = this.sType[i];
			const time = this.sTime[i];
			if (time > end) continue;
			if (fromBacklog) {
				if (type === EV.referralReceived) {
					if (!openAtStart) continue;
				} else if (IS_APPOINTMENT[type]) {
					if (this.sApptTime[i] < start) continue;
				} else if (time < start) continue;
			}
			if (index < 0) {
				const pt = ref.patient;
				const pool = this.patients;
				index = this.pathways.add({
					number: ref.number,
					patient: pt,
					provider: ref.provider,
					practice: ref.practice,
					specialty: ref.specialty,
					priority: ref.priority,
					source: ref.source,
					rtt: ref.rtt,
					age: pool.age[pt],
					sex: pool.sex[pt],
					ethnicity: pool.ethnicity[pt],
					imd: pool.imd[pt]
				});
			}
			this.events.push(
				type,
				time,
				index,
				this.sApptTime[i],
				this.sSeq[i],
				this.sAppt[i],
				this.sExtra[i]
			);
			kept++;
		}
		return kept;
	}
}
