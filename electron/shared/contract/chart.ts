import { z } from 'zod';
import { CENSUS_GROUP_MAX, SEARCH_LIMIT, SEARCH_LIMIT_MAX, SEARCH_TEXT_MAX } from '../defaults';
import {
  Administration,
  AllergySummary,
  ChartItem,
  Coded,
  EncounterInfo,
  Id,
  MaybeDate,
  MaybeText,
  MedicationOrder,
  ObservationValue,
  PatientDetail,
  PatientSummary,
  Text,
} from './records';
import { SECTION_LISTS } from './sections';
import { IsoDateTime, UnitRef } from './status';

/**
 * One patient's chart: a list per section as stored (sections.ts), and what core decided from
 * them, which every screen, page and the CLI only display.
 */
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
  ...SECTION_LISTS,
  /** What the allergy entries mean: the one answer the banner and every page show. */
  allergySummary: AllergySummary,
  /** The latest vital sign of each kind, with its time, newest first (decided in core). */
  latestVitals: z.array(ObservationValue),
  /** The latest result of each lab test, newest first. */
  latestLabs: z.array(ObservationValue),
  /** The flags in force as of the snapshot, decided in core (chart/facts/alerts.ts): what the summary and its print list as alerts. */
  alerts: z.array(ChartItem),
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
