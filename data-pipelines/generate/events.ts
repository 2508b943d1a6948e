/**
 * Compact, columnar storage for generated events (typed arrays, no per-event objects) so an ICB-sized
 * log of ~10M events fits in a few hundred MB and sorts as one Float64Array.
 */

import {
	CLINICAL_PRIORITIES,
	CONSULTATION_MEDIA,
	EVENT_TYPES,
	STOP_REASONS
} from '../lib/contract.ts';
import type { EventType } from '../lib/contract.ts';

type StopReason = (typeof STOP_REASONS)[number];

function eventCode(type: EventType): number {
	return EVENT_TYPES.indexOf(type);
}

function stopCode(reason: StopReason): number {
	return STOP_REASONS.indexOf(reason);
}

/** Event type codes: indices into the contract's EVENT_TYPES. */
export const EV = {
	referralReceived: eventCode('referral_received'),
	referralAccepted: eventCode('referral_accepted'),
	referralRejected: eventCode('referral_rejected'),
	adviceRequested: eventCode('advice_requested'),
	adviceGiven: eventCode('advice_given'),
	slotIssue: eventCode('appointment_slot_issue'),
	booked: eventCode('appointment_booked'),
	cancelled: eventCode('appointment_cancelled'),
	attended: eventCode('appointment_attended'),
	dna: eventCode('appointment_dna'),
	diagnosticRequested: eventCode('diagnostic_requested'),
	diagnosticReported: eventCode('diagnostic_reported'),
	decisionToAdmit: eventCode('decision_to_admit'),
	clockStopped: eventCode('clock_stopped'),
	pifuStarted: eventCode('pifu_started'),
	discharged: eventCode('discharged'),
	validated: eventCode('pathway_validated')
};

/** Per event type code: 1 for the four appointment events, which carry the appointment columns. */
export const IS_APPOINTMENT = Uint8Array.from(EVENT_TYPES, (t) =>
	t === 'appointment_booked' ||
	t === 'appointment_cancelled' ||
	t === 'appointment_attended' ||
	t === 'appointment_dna'
		? 1
		: 0
);

/** Stop reason codes: indices into the contract's STOP_REASONS. */
export const STOP = {
	admitted: stopCode('admitted_treatment'),
	nonAdmitted: stopCode('non_admitted_treatment'),
	activeMonitoring: stopCode('active_monitoring'),
	returnedToPrimaryCare: stopCode('returned_to_primary_care'),
	patientDeclined: stopCode('patient_declined'),
	decisionNotToTreat: stopCode('decision_not_to_treat'),
	died: stopCode('died'),
	firstAppointmentDna: stopCode('first_appointment_dna'),
	validatedRemoval: stopCode('validated_removal')
};

/** Clinical priority code (index into the contract's CLINICAL_PRIORITIES) of a name such as "P4". */
export function clinicalPriorityCode(name: (typeof CLINICAL_PRIORITIES)[number]): number {
	return CLINICAL_PRIORITIES.indexOf(name);
}

/** Consultation medium codes: indices into the contract's CONSULTATION_MEDIA (2 bits when packed). */
export const MEDIUM = {
	faceToFace: CONSULTATION_MEDIA.indexOf('face_to_face'),
	telephone: CONSULTATION_MEDIA.indexOf('telephone'),
	video: CONSULTATION_MEDIA.indexOf('video')
};

/**
 * Appointment details packed in one byte: bit 0 follow-up, bits 1–2 medium, bits 3–5 clinic index,
 * bit 6 cancelled by provider (only read on appointment_cancelled).
 */
export function packAppointment(
	followUp: boolean,
	medium: number,
	clinic: number,
	byProvider: boolean
): number {
	return (followUp ? 1 : 0) | (medium << 1) | (clinic << 3) | (byProvider ? 64 : 0);
}

/** Grows a typed array to hold at least `n` elements, doubling. */
function grow(a: Int32Array, n: number): Int32Array {
	let size = a.length * 2;
	while (size < n) size *= 2;
	const b = new Int32Array(size);
	b.set(a);
	return b;
}

/**
 * Events, four int32 per event in one array (one cache line read per event when writing in time order):
 * time, pathway index, appointment time, and a packed word: type (bits 0–4), appointment byte (5–12, see
 * {@link packAppointment}), extra (13–16: stop reason on clock_stopped, clinical priority on
 * decision_to_admit / pathway_validated, 1-based, 0 = none), appointment sequence (17–30). Times are
 * whole seconds since the generator's base day.
 */
export class EventStore {
	length = 0;
	data: Int32Array;

	constructor(capacity = 1024) {
		this.data = new Int32Array(capacity * 4);
	}

	push(
		type: number,
		time: number,
		pathway: number,
		apptTime: number,
		apptSeq: number,
		appt: number,
		extra: number
	): void {
		const o = this.length * 4;
		if (o + 4 > this.data.length) this.data = grow(this.data, o + 4);
		const d = this.data;
		d[o] = time;
		d[o + 1] = pathway;
		d[o + 2] = apptTime;
		d[o + 3] = type | (appt << 5) | (extra << 13) | (apptSeq << 17);
		this.length++;
	}
}

/** Event type code of a packed event word. */
export function eventType(word: number): number {
	return word & 31;
}

/** Appointment byte ({@link packAppointment}) of a packed event word. */
export function eventAppt(word: number): number {
	return (word >> 5) & 255;
}

/** Stop reason or clinical priority (1-based, 0 = none) of a packed event word. */
export function eventExtra(word: number): number {
	return (word >> 13) & 15;
}

/** Appointment sequence number within its pathway, of a packed event word. */
export function eventSeq(word: number): number {
	return word >>> 17;
}

export interface PathwayRecord {
	number: number;
	patient: number;
	provider: number;
	practice: number;
	specialty: number;
	priority: number;
	source: number;
	rtt: boolean;
	/** Patient demographics as indices: age band, sex, ethnicity, IMD decile. */
	age: number;
	sex: number;
	ethnicity: number;
	imd: number;
}

/**
 * Pathways that emitted at least one event, four int32 each: pathway number, patient index, packed
 * organisation word (provider 0–2, practice 3–12, specialty 13–17, priority 18–19, source 20–22, rtt 23)
 * and packed demographics (age 0–3, sex 4–5, ethnicity 6–10, IMD 11–14).
 */
export class PathwayStore {
	length = 0;
	data: Int32Array;

	constructor(capacity = 1024) {
		this.data = new Int32Array(capacity * 4);
	}

	add(p: PathwayRecord): number {
		const i = this.length;
		const o = i * 4;
		if (o + 4 > this.data.length) this.data = grow(this.data, o + 4);
		const d = this.data;
		d[o] = p.number;
		d[o + 1] = p.patient;
		d[o + 2] =
			p.provider |
			(p.practice << 3) |
			(p.specialty << 13) |
			(p.priority << 18) |
			(p.source << 20) |
			((p.rtt ? 1 : 0) << 23);
		d[o + 3] = p.age | (p.sex << 4) | (p.ethnicity << 6) | (p.imd << 11);
		this.length = i + 1;
		return i;
	}
}
