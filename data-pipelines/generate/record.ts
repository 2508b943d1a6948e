/**
 * The generator's event record: eight int32 per event in one interleaved array (no per-event
 * objects), batched per simulated week and sorted by event time before it is written.
 *
 *   0 event time: seconds since the simulation's base day (local time, no zone)
 *   1 pathway number
 *   2 patient number (global, before scrambling into an id)
 *   3 organisation word: provider (bits 0–7), commissioner (8–15), specialty (16–20), priority
 *     (21–22), rtt (23), care setting (24–26), referral source (27–29)
 *   4 event word: type (0–4), extra (5–8: stop reason or clinical priority, 1-based, 0 = none),
 *     age band (9–12), sex (13–14), ethnicity (15–19), IMD decile (20–23), attendance type (24),
 *     consultation medium (25–26), cancelled by provider (27)
 *   5 referring practice (world index)
 *   6 appointment time (seconds since the base day), -1 when not an appointment event
 *   7 appointment number within the pathway (bits 0–15), clinic number (16–30)
 */
import {
	CLINICAL_PRIORITIES,
	CONSULTATION_MEDIA,
	EVENT_TYPES,
	STOP_REASONS
} from '../lib/contract.ts';
import type { EventType } from '../lib/contract.ts';

export const STRIDE = 8;

function eventCode(type: EventType): number {
	return EVENT_TYPES.indexOf(type);
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
	admitted: STOP_REASONS.indexOf('admitted_treatment'),
	nonAdmitted: STOP_REASONS.indexOf('non_admitted_treatment'),
	activeMonitoring: STOP_REASONS.indexOf('active_monitoring'),
	returnedToPrimaryCare: STOP_REASONS.indexOf('returned_to_primary_care'),
	patientDeclined: STOP_REASONS.indexOf('patient_declined'),
	decisionNotToTreat: STOP_REASONS.indexOf('decision_not_to_treat'),
	died: STOP_REASONS.indexOf('died'),
	firstAppointmentDna: STOP_REASONS.indexOf('first_appointment_dna'),
	validatedRemoval: STOP_REASONS.indexOf('validated_removal')
};

/** Clinical priority codes: indices into the contract's CLINICAL_PRIORITIES. */
export const CP = {
	P2: CLINICAL_PRIORITIES.indexOf('P2'),
	P3: CLINICAL_PRIORITIES.indexOf('P3'),
	P4: CLINICAL_PRIORITIES.indexOf('P4'),
	P6: CLINICAL_PRIORITIES.indexOf('P6')
};

/** Consultation medium codes: indices into the contract's CONSULTATION_MEDIA. */
export const MEDIUM = {
	faceToFace: CONSULTATION_MEDIA.indexOf('face_to_face'),
	telephone: CONSULTATION_MEDIA.indexOf('telephone'),
	video: CONSULTATION_MEDIA.indexOf('video')
};

export function orgWord(
	provider: number,
	commissioner: number,
	specialty: number,
	priority: number,
	rtt: boolean,
	care: number,
	source: number
): number {
	return (
		provider |
		(commissioner << 8) |
		(specialty << 16) |
		(priority << 21) |
		((rtt ? 1 : 0) << 23) |
		(care << 24) |
		(source << 27)
	);
}

/** A growable batch of event records. */
export class Batch {
	length = 0;
	data: Int32Array;

	constructor(capacity = 1 << 16) {
		this.data = new Int32Array(capacity * STRIDE);
	}

	/** Reserves one record and returns its offset. */
	alloc(): number {
		const o = this.length * STRIDE;
		if (o + STRIDE > this.data.length) {
			const next = new Int32Array(this.data.length * 2);
			next.set(this.data);
			this.data = next;
		}
		this.length++;
		return o;
	}

	clear(): void {
		this.length = 0;
	}
}

let countBuffer = new Int32Array(0);

/**
 * The batch's records in event-time order, ties in the order they were made (a booking is always
 * made before its outcome): a stable counting sort over the batch's time range when it is short (a
 * simulated week), a key sort otherwise. Returns a new array of `length` records.
 */
export function sortBatch(batch: Batch): Int32Array {
	const n = batch.length;
	const d = batch.data;
	const out = new Int32Array(n * STRIDE);
	if (n === 0) return out;
	let min = d[0];
	let max = d[0];
	for (let i = 1; i < n; i++) {
		const t = d[i * STRIDE];
		if (t < min) min = t;
		if (t > max) max = t;
	}
	const range = max - min + 1;
	if (range <= 4 * 7 * 86400) {
		if (countBuffer.length < range + 1) countBuffer = new Int32Array(range + 1);
		const counts = countBuffer;
		counts.fill(0, 0, range + 1);
		for (let i = 0; i < n; i++) counts[d[i * STRIDE] - min + 1]++;
		for (let k = 1; k <= range; k++) counts[k] += counts[k - 1];
		for (let i = 0; i < n; i++) {
			const o = i * STRIDE;
			const w = counts[d[o] - min]++ * STRIDE;
			for (let j = 0; j < STRIDE; j++) out[w + j] = d[o + j];
		}
		return out;
	}
	const keys = new Float64Array(n);
	const bits = Math.ceil(Math.log2(n + 1));
	const scale = 2 ** bits;
	for (let i = 0; i < n; i++) keys[i] = (d[i * STRIDE] - min) * scale + i;
	keys.sort();
	for (let k = 0; k < n; k++) {
		const i = keys[k] % scale;
		const o = i * STRIDE;
		const w = k * STRIDE;
		for (let j = 0; j < STRIDE; j++) out[w + j] = d[o + j];
	}
	return out;
}
