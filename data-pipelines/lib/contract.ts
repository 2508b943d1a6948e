/**
 * The input event contract, version 1 (README.md "The input contract (v1)").
 * One place for column names, enumerations and which columns each event type requires.
 */

export const CONTRACT_VERSION = 1;

export const EVENT_TYPES = [
	'referral_received',
	'referral_accepted',
	'referral_rejected',
	'advice_requested',
	'advice_given',
	'appointment_slot_issue',
	'appointment_booked',
	'appointment_cancelled',
	'appointment_attended',
	'appointment_dna',
	'diagnostic_requested',
	'diagnostic_reported',
	'decision_to_admit',
	'clock_stopped',
	'pifu_started',
	'discharged',
	'pathway_validated'
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const APPOINTMENT_EVENTS: readonly EventType[] = [
	'appointment_booked',
	'appointment_cancelled',
	'appointment_attended',
	'appointment_dna'
];

export { PRIORITIES } from '../../src/lib/metrics/codes.ts';
export const ATTENDANCE_TYPES = ['first', 'follow_up'] as const;
export const CONSULTATION_MEDIA = ['face_to_face', 'telephone', 'video'] as const;
export const CANCELLED_BY = ['patient', 'provider'] as const;
export const STOP_REASONS = [
	'admitted_treatment',
	'non_admitted_treatment',
	'active_monitoring',
	'returned_to_primary_care',
	'patient_declined',
	'decision_not_to_treat',
	'died',
	'first_appointment_dna',
	'validated_removal'
] as const;
export const CARE_SETTINGS = [
	'acute',
	'community',
	'mental_health',
	'primary',
	'tertiary',
	'ambulance'
] as const;
export const REFERRAL_SOURCES = [
	'gp',
	'consultant',
	'self',
	'emergency',
	'optometrist',
	'dentist',
	'other'
] as const;
export const AGE_BANDS = [
	'0-17',
	'18-24',
	'25-34',
	'35-44',
	'45-54',
	'55-64',
	'65-74',
	'75-84',
	'85+'
] as const;
export const SEXES = ['female', 'male', 'other', 'unknown'] as const;
export const CLINICAL_PRIORITIES = ['P1a', 'P1b', 'P2', 'P3', 'P4', 'P5', 'P6'] as const;

/** Every contract column, in the canonical order used by our CSV writers. */
export const COLUMNS = [
	'event_id',
	'event_type',
	'event_time',
	'pathway_id',
	'patient_id',
	'provider_code',
	'commissioner_code',
	'referrer_code',
	'specialty_code',
	'priority',
	'rtt',
	'care_setting',
	'referral_source',
	'appointment_id',
	'appointment_time',
	'attendance_type',
	'consultation_medium',
	'clinic_code',
	'cancelled_by',
	'stop_reason',
	'age_band',
	'sex',
	'ethnicity',
	'imd_decile',
	'clinical_priority'
] as const;
export type Column = (typeof COLUMNS)[number];

/** Columns every event needs. */
export const ALWAYS_REQUIRED: readonly Column[] = [
	'event_id',
	'event_type',
	'event_time',
	'pathway_id',
	'patient_id',
	'provider_code'
];

/** Columns required by particular event types, beyond {@link ALWAYS_REQUIRED}. */
export const REQUIRED_BY_TYPE: readonly { column: Column; eventTypes: readonly EventType[] }[] = [
	{ column: 'commissioner_code', eventTypes: ['referral_received'] },
	{ column: 'specialty_code', eventTypes: ['referral_received'] },
	{ column: 'priority', eventTypes: ['referral_received'] },
	{ column: 'appointment_id', eventTypes: APPOINTMENT_EVENTS },
	{ column: 'appointment_time', eventTypes: APPOINTMENT_EVENTS },
	{ column: 'attendance_type', eventTypes: APPOINTMENT_EVENTS },
	{ column: 'consultation_medium', eventTypes: APPOINTMENT_EVENTS },
	{ column: 'cancelled_by', eventTypes: ['appointment_cancelled'] },
	{ column: 'stop_reason', eventTypes: ['clock_stopped'] }
];

/** Identifier columns that are replaced by a keyed hash before anything is published. */
export const PSEUDONYMISED: readonly Column[] = ['patient_id', 'pathway_id', 'appointment_id'];
