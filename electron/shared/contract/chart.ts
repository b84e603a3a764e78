import { z } from 'zod';
import { CENSUS_GROUP_MAX, SEARCH_LIMIT, SEARCH_LIMIT_MAX, SEARCH_TEXT_MAX } from '../defaults';
import { IsoDateTime, UnitRef } from './status';

/**
 * The chart model as the renderer sees it. Dates are ISO strings as the EHR sent them
 * (a date or a date-time); everything optional is null rather than absent, so a view can
 * say "not recorded" instead of guessing.
 */
const Id = z.string().min(1).max(200);
const Text = z.string();
const MaybeText = z.string().nullable();
const MaybeDate = z.string().nullable();

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

export const Chart = z.object({
  patient: PatientDetail,
  encounter: EncounterInfo.nullable(),
  codeStatus: MaybeText,
  /** Whether that code status limits treatment (core, chart/facts/bedside.ts): true highlights it, false is full resuscitation, null says neither (shown as sent). */
  codeStatusLimits: z.boolean().nullable(),
  isolation: z.array(Text),
  weight: MaybeText,
  /** When that weight was taken: the banner dates a value older than a day. */
  weightAt: MaybeDate,
  height: MaybeText,
  heightAt: MaybeDate,
  attending: MaybeText,
  /** Every allergy entry as sent, for the allergy list. */
  allergies: z.array(Allergy),
  /** What those entries mean: the one answer the banner and every page show. */
  allergySummary: AllergySummary,
  conditions: z.array(Condition),
  medications: z.array(MedicationOrder),
  administrations: z.array(Administration),
  vitals: z.array(ObservationValue),
  /** The latest vital sign of each kind, with its time, newest first (decided in core). */
  latestVitals: z.array(ObservationValue),
  labs: z.array(ObservationValue),
  /** The latest result of each lab test, newest first. */
  latestLabs: z.array(ObservationValue),
  otherObservations: z.array(ObservationValue),
  notes: z.array(Note),
  orders: z.array(Order),
  encounters: z.array(EncounterInfo),
  procedures: z.array(ChartItem),
  immunizations: z.array(ChartItem),
  carePlans: z.array(ChartItem),
  /** Every flag as sent (Flag resources, and code-status Consents), with its status. */
  flags: z.array(ChartItem),
  /** The flags in force as of the snapshot, decided in core (chart/facts/alerts.ts): what the summary and its print list as alerts. */
  alerts: z.array(ChartItem),
  reports: z.array(ChartItem),
  careTeam: z.array(CareTeamMember),
  other: z.array(RawRecordRef),
  /** FHIR resource type -> how many of this patient's resources were ingested. */
  counts: z.record(z.string(), z.number().int().nonnegative()),
  asOf: IsoDateTime,
});
export type Chart = z.infer<typeof Chart>;

/** A patient as the census lists them: the two identifiers and the bedside facts. */
export const CensusPatient = PatientSummary.extend({
  /** The same allergy summary the chart's banner shows, names included. */
  allergies: AllergySummary,
  codeStatus: MaybeText,
  /** Whether that code status limits treatment (core, chart/facts/bedside.ts): true highlights it, false is full resuscitation, null says neither (shown as sent). */
  codeStatusLimits: z.boolean().nullable(),
  isolation: z.array(Text),
  admitDate: MaybeDate,
  attending: MaybeText,
});
export type CensusPatient = z.infer<typeof CensusPatient>;

export const CensusBed = z.object({
  locationId: MaybeText,
  room: MaybeText,
  bed: Text,
  patient: CensusPatient.nullable(),
});
export type CensusBed = z.infer<typeof CensusBed>;

/**
 * Patients the census lists without a bed, decided in core (chart/facts/placement.ts):
 * - encounter: a current encounter that names no bed of the export, grouped by its class (the
 *   v3 ActCode, IMP, EMER, OBSENC, AMB ..., or the class as the export sent it; null: none given)
 *   and its unit where its location resolves to one;
 * - no-bed-recorded: no current encounter at all.
 * `patients` holds at most the request's groupLimit (CENSUS_GROUP_LIMIT unless asked) of the
 * group, by name; `total` counts them all.
 */
export const CensusGroup = z.object({
  kind: z.enum(['encounter', 'no-bed-recorded']),
  encounterClass: MaybeText,
  unit: UnitRef.nullable(),
  total: z.number().int().nonnegative(),
  patients: z.array(
    CensusPatient.extend({
      /** What the encounter names as its place when that is not its unit (a clinic, a bed the export has no Location for). */
      place: MaybeText,
    }),
  ),
});
export type CensusGroup = z.infer<typeof CensusGroup>;

export const Census = z.object({
  unit: UnitRef.nullable(),
  units: z.array(UnitRef),
  beds: z.array(CensusBed),
  /** After the beds: the unit's patients without a bed (every unit's, when no unit is chosen), most acute class first. */
  groups: z.array(CensusGroup),
  /** Patients with neither a bed nor a unit, in the whole snapshot: listed in the all-units census. */
  withoutUnit: z.number().int().nonnegative(),
  asOf: IsoDateTime,
});
export type Census = z.infer<typeof Census>;

/** What happened to a charted dose, decided in core (chart/facts/mar.ts). */
export const DoseOutcome = z.enum(['given', 'held', 'refused', 'in-progress', 'stopped', 'error', 'other']);
export type DoseOutcome = z.infer<typeof DoseOutcome>;

/** One mark on the MAR: a charted dose (its administration's id) or a scheduled one nobody charted (past: not charted; ahead: due). */
export const MarEvent = z.object({
  kind: z.union([DoseOutcome, z.enum(['not-charted', 'due'])]),
  /** As the EHR wrote it for a charted dose (offset kept); computed (UTC) for a scheduled one. */
  at: z.string(),
  administrationId: Id.nullable(),
});
export type MarEvent = z.infer<typeof MarEvent>;

export const MarRow = z.object({
  order: MedicationOrder,
  /** Times the order was due in the window (from its frequency), oldest first. */
  scheduled: z.array(z.string()),
  administrations: z.array(Administration),
  /** The charted doses with their outcomes and the scheduled ones no dose answers, oldest first (decided in core). */
  events: z.array(MarEvent),
  lastGiven: MaybeDate,
  nextDue: MaybeDate,
});
export type MarRow = z.infer<typeof MarRow>;

export const Mar = z.object({
  patient: PatientSummary,
  from: IsoDateTime,
  to: IsoDateTime,
  rows: z.array(MarRow),
  asOf: IsoDateTime,
});
export type Mar = z.infer<typeof Mar>;

export const Series = z.object({
  code: Coded,
  unit: MaybeText,
  referenceRange: MaybeText,
  referenceLow: z.number().nullable(),
  referenceHigh: z.number().nullable(),
  points: z.array(
    z.object({ at: Text, numeric: z.number(), interpretation: MaybeText, abnormal: z.boolean() }),
  ),
});
export type Series = z.infer<typeof Series>;

export const RawRecord = z.object({ type: Text, id: Id, json: Text });
export type RawRecord = z.infer<typeof RawRecord>;

export const ProtocolKind = z.enum(['pdf', 'markdown', 'html', 'text']);
export const ProtocolInfo = z.object({
  id: Id,
  title: Text,
  category: Text,
  kind: ProtocolKind,
  size: z.number().int().nonnegative(),
});
export type ProtocolInfo = z.infer<typeof ProtocolInfo>;

export const ProtocolHit = ProtocolInfo.extend({ snippet: Text });
export type ProtocolHit = z.infer<typeof ProtocolHit>;

export const ProtocolDocument = ProtocolInfo.extend({
  /** Markdown, HTML (unsanitized: the renderer sanitizes) or plain text. */
  text: MaybeText,
  /** PDF bytes, base64. */
  base64: MaybeText,
});
export type ProtocolDocument = z.infer<typeof ProtocolDocument>;

// ---- requests -------------------------------------------------------------------------

export const SearchRequest = z.object({
  text: z.string().trim().min(1).max(SEARCH_TEXT_MAX),
  limit: z.number().int().min(1).max(SEARCH_LIMIT_MAX).default(SEARCH_LIMIT),
}).strict();
export const CensusRequest = z
  .object({
    unit: Id.optional(),
    /** How many patients each group without a bed lists, by name (default CENSUS_GROUP_LIMIT); the printed census asks for CENSUS_GROUP_MAX. */
    groupLimit: z.number().int().min(1).max(CENSUS_GROUP_MAX).optional(),
  })
  .strict();
export const PatientRequest = z.object({ patientId: Id }).strict();
/** How the nurse reached a chart, for the audit log: the census, a patient search, or a link (typed, Back, another screen). */
export const FoundVia = z.enum(['census', 'search', 'link']);
export type FoundVia = z.infer<typeof FoundVia>;
export const ChartRequest = z.object({ patientId: Id, foundVia: FoundVia.optional() }).strict();
/** A part of an open chart shown on screen (a tab: summary, medications...), for the audit log. */
export const SectionViewedRequest = z.object({ patientId: Id, section: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/) }).strict();
export const MarRequest = z.object({
  patientId: Id,
  from: IsoDateTime.optional(),
  to: IsoDateTime.optional(),
}).strict();
export const SeriesRequest = z.object({ patientId: Id, code: z.string().min(1).max(200) }).strict();
export const RecordRequest = z.object({ patientId: Id, type: z.string().min(1).max(64), id: Id }).strict();
export const ProtocolSearchRequest = z.object({ text: z.string().trim().min(1).max(200) }).strict();
export const ProtocolOpenRequest = z.object({ id: Id }).strict();
