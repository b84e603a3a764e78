import { z } from 'zod';
import { UnitRef } from './status';

/**
 * What a chart is made of, as the renderer sees it: the patient and each kind of clinical
 * record. Dates are ISO strings as the EHR sent them (a date or a date-time); everything
 * optional is null rather than absent, so a view can say "not recorded" instead of guessing.
 */
export const Id = z.string().min(1).max(200);
export const Text = z.string();
export const MaybeText = z.string().nullable();
export const MaybeDate = z.string().nullable();

export const Coded = z.object({ code: MaybeText, system: MaybeText, display: Text });
export type Coded = z.infer<typeof Coded>;

export const BedLocation = z.object({
  unit: UnitRef.nullable(),
  room: MaybeText,
  bed: MaybeText,
});
export type BedLocation = z.infer<typeof BedLocation>;

/** Two identifiers (name + MRN) and the birth date: what every screen and page shows. */
export const PatientSummary = z.object({
  id: Id,
  name: Text,
  mrn: MaybeText,
  birthDate: MaybeDate,
  sex: MaybeText,
  deceased: z.boolean(),
  location: BedLocation.nullable(),
});
export type PatientSummary = z.infer<typeof PatientSummary>;

export const Identifier = z.object({ system: MaybeText, type: MaybeText, value: Text });
export const Contact = z.object({ relationship: MaybeText, name: MaybeText, phone: MaybeText });

export const PatientDetail = PatientSummary.extend({
  identifiers: z.array(Identifier),
  phone: MaybeText,
  address: MaybeText,
  contacts: z.array(Contact),
  deceasedAt: MaybeDate,
});
export type PatientDetail = z.infer<typeof PatientDetail>;

export const Allergy = z.object({
  id: Id,
  substance: Text,
  category: MaybeText,
  criticality: MaybeText,
  severity: MaybeText,
  reactions: z.array(Text),
  clinicalStatus: MaybeText,
  verificationStatus: MaybeText,
  recordedDate: MaybeDate,
  /** The entry asserts the absence of allergies (coded or "NKDA"-style text), not a substance. */
  noKnownAllergy: z.boolean(),
});
export type Allergy = z.infer<typeof Allergy>;

/**
 * What the chart says about allergies, decided once in core (chart/facts/allergies.ts) from
 * every AllergyIntolerance; screens, pages and the CLI only display it.
 * - allergies: at least one allergy stands (active, recurrence, relapse, or no status given).
 * - no-known-allergies: a standing "no known allergies" entry and no allergy.
 * - only-inactive: entries exist but none stands (inactive, remission, resolved).
 * - not-recorded: nothing stands at all (no entries, or only refuted / entered-in-error ones).
 */
export const AllergyState = z.enum(['allergies', 'no-known-allergies', 'only-inactive', 'not-recorded']);
export type AllergyState = z.infer<typeof AllergyState>;

export const ActiveAllergy = z.object({
  id: Id,
  substance: Text,
  severity: MaybeText,
  criticality: MaybeText,
  reactions: z.array(Text),
  /** Severe reaction or high criticality: shown so it cannot be missed. */
  severe: z.boolean(),
  /** verificationStatus unconfirmed or presumed: listed, and marked as not confirmed. */
  unconfirmed: z.boolean(),
});
export type ActiveAllergy = z.infer<typeof ActiveAllergy>;

/** An allergy the chart says no longer stands: listed apart, as "no longer active". */
export const InactiveAllergy = z.object({ id: Id, substance: Text, reactions: z.array(Text), status: z.enum(['inactive', 'remission', 'resolved']) });
export type InactiveAllergy = z.infer<typeof InactiveAllergy>;

export const AllergySummary = z.object({
  state: AllergyState,
  active: z.array(ActiveAllergy),
  inactive: z.array(InactiveAllergy),
  /** A standing "no known allergies" entry next to standing allergies: the allergies win, and this says so. */
  conflict: z.boolean(),
  /** Entries refuted or entered in error: never listed as allergies, counted so the chart's numbers add up. */
  withdrawn: z.number().int().nonnegative(),
});
export type AllergySummary = z.infer<typeof AllergySummary>;

/**
 * Whether a condition is a problem now, decided in core (chart/facts/problems.ts) from its
 * clinical and verification status: current, past, unstated (no status sent), or not a
 * problem (refuted or entered in error).
 */
export const ConditionStanding = z.enum(['current', 'past', 'unstated', 'not-a-problem']);
export type ConditionStanding = z.infer<typeof ConditionStanding>;

export const Condition = z.object({
  id: Id,
  code: Coded,
  clinicalStatus: MaybeText,
  /** FHIR verificationStatus as sent (confirmed, unconfirmed, refuted, entered-in-error ...). */
  verificationStatus: MaybeText,
  onset: MaybeDate,
  abatement: MaybeDate,
  category: MaybeText,
  standing: ConditionStanding,
});
export type Condition = z.infer<typeof Condition>;

export const MedicationOrder = z.object({
  id: Id,
  medication: Text,
  dose: MaybeText,
  route: MaybeText,
  frequency: MaybeText,
  prn: z.boolean(),
  status: Text,
  intent: MaybeText,
  prescriber: MaybeText,
  authoredOn: MaybeDate,
  start: MaybeDate,
  end: MaybeDate,
  instructions: MaybeText,
});
export type MedicationOrder = z.infer<typeof MedicationOrder>;

export const Administration = z.object({
  id: Id,
  orderId: MaybeText,
  medication: Text,
  /** completed = given; not-done covers held and refused (see reason). */
  status: Text,
  reason: MaybeText,
  /** The statusReason's code (its first coding), when sent. */
  reasonCode: MaybeText,
  at: MaybeDate,
  dose: MaybeText,
  route: MaybeText,
  performer: MaybeText,
});
export type Administration = z.infer<typeof Administration>;

/**
 * A result's flag, decided once in core (chart/facts/flag.ts): from the interpretation, else
 * the reference range, else "no-flag-given" (never "normal" on silence).
 */
export const ObservationFlag = z.enum([
  'critical-high', 'critical-low', 'critical', 'very-high', 'very-low', 'high', 'low', 'abnormal', 'normal', 'no-flag-given',
]);
export type ObservationFlag = z.infer<typeof ObservationFlag>;

export const ObservationValue = z.object({
  id: Id,
  code: Coded,
  category: Text,
  at: MaybeDate,
  value: MaybeText,
  /** Numeric value for trends, when there is one. */
  numeric: z.number().nullable(),
  unit: MaybeText,
  referenceRange: MaybeText,
  /** The range's low and high values as numbers, when sent (what the flag is judged by; a trend plot draws them). */
  referenceLow: z.number().nullable(),
  referenceHigh: z.number().nullable(),
  /** FHIR interpretation code: H, L, HH, LL, A, N ... */
  interpretation: MaybeText,
  flag: ObservationFlag,
  /** The flag warns: critical, high, low or abnormal. */
  abnormal: z.boolean(),
  components: z.array(
    z.object({ code: Coded, value: MaybeText, numeric: z.number().nullable(), unit: MaybeText }),
  ),
});
export type ObservationValue = z.infer<typeof ObservationValue>;

export const Note = z.object({
  id: Id,
  type: Text,
  author: MaybeText,
  at: MaybeDate,
  status: MaybeText,
  /** Plain text: HTML from the EHR is reduced to text before it gets here. */
  text: Text,
});
export type Note = z.infer<typeof Note>;

export const Order = z.object({
  id: Id,
  kind: Text,
  code: Coded,
  status: MaybeText,
  intent: MaybeText,
  priority: MaybeText,
  requester: MaybeText,
  authoredOn: MaybeDate,
  details: MaybeText,
});
export type Order = z.infer<typeof Order>;

export const EncounterInfo = z.object({
  id: Id,
  class: MaybeText,
  type: MaybeText,
  status: MaybeText,
  start: MaybeDate,
  end: MaybeDate,
  location: BedLocation.nullable(),
  attending: MaybeText,
  participants: z.array(Text),
  reason: MaybeText,
});
export type EncounterInfo = z.infer<typeof EncounterInfo>;

/** Any other clinical item the chart lists (procedures, immunizations, flags, care plans, ...). */
export const ChartItem = z.object({
  id: Id,
  type: Text,
  title: Text,
  status: MaybeText,
  at: MaybeDate,
  detail: MaybeText,
});
export type ChartItem = z.infer<typeof ChartItem>;

export const CareTeamMember = z.object({ name: Text, role: MaybeText, team: MaybeText });

/** A resource the chart does not map: reachable through the raw record view. */
export const RawRecordRef = z.object({ type: Text, id: Id, summary: Text });
export type RawRecordRef = z.infer<typeof RawRecordRef>;
