import { z } from 'zod';

export const IsoDateTime = z.string().datetime({ offset: true });

export const UnitRef = z.object({ id: z.string(), name: z.string() });
export type UnitRef = z.infer<typeof UnitRef>;

/** What the workstation holds right now: the snapshot in use and how fresh it is. */
export const SnapshotStatus = z.object({
  facility: z.object({ id: z.string(), name: z.string() }),
  units: z.array(UnitRef),
  sequence: z.number().int().nonnegative(),
  /** The data-as-of time: when the EHR extract was taken. */
  asOf: IsoDateTime,
  ingestedAt: IsoDateTime,
  expiresAt: IsoDateTime,
  /** Per FHIR resource type, how many resources this snapshot brought in. */
  counts: z.record(z.string(), z.number().int().nonnegative()),
  /** Values longer than the home's limit that were cut (and marked as cut) in this snapshot. */
  truncated: z.number().int().nonnegative().optional(),
});
export type SnapshotStatus = z.infer<typeof SnapshotStatus>;

export const Rejection = z.object({
  at: IsoDateTime,
  file: z.string(),
  reason: z.string(),
});
export type Rejection = z.infer<typeof Rejection>;

/**
 * A newer snapshot that arrived but was held back (SUSPECT_DROP): it holds far fewer patients
 * than the copy in use, or none of a resource type the copy in use has.
 */
export const HeldBack = z.object({
  at: IsoDateTime,
  /** The snapshot's file name (no path). */
  file: z.string(),
  sequence: z.number().int().nonnegative(),
  asOf: IsoDateTime,
  /** Set when the patient count fell below the home's fraction of the copy in use. */
  patients: z.object({ snapshot: z.number().int().nonnegative(), inUse: z.number().int().nonnegative() }).nullable(),
  /** Resource types the copy in use has and the held-back snapshot has none of. */
  missing: z.array(z.object({ type: z.string(), inUse: z.number().int().nonnegative() })),
});
export type HeldBack = z.infer<typeof HeldBack>;

/**
 * The copy in use is not the newest one ingested: the newest could not be read and Lantern
 * switched to an intact earlier copy by itself ('damaged'), or IT rolled back ('rollback').
 */
export const Fallback = z.object({
  at: IsoDateTime,
  kind: z.enum(['damaged', 'rollback']),
  /** The snapshot switched away from. */
  from: z.object({ sequence: z.number().int().nonnegative(), asOf: IsoDateTime }),
  /** Why, in a few words (no content): "the database file is missing", "rolled back by IT". */
  reason: z.string(),
});
export type Fallback = z.infer<typeof Fallback>;

/**
 * The last time this workstation failed to take a snapshot for a reason of its own (disk
 * full, permission denied, a locked database): what happened, in one sentence for IT.
 * Cleared by the next snapshot taken.
 */
export const LastFailure = z.object({
  at: IsoDateTime,
  /** The snapshot file it was taking, when there was one. */
  file: z.string().optional(),
  /** The system or SQLite code (ENOSPC, EACCES, SQLITE_BUSY...) or Lantern's own (HOME...). */
  code: z.string(),
  message: z.string(),
});
export type LastFailure = z.infer<typeof LastFailure>;

/**
 * What the managed policy lets a nurse do with an expired copy's charts: open them after
 * confirming the copy's age ('acknowledge', the default), or not at all ('block').
 */
export const ExpiredCharts = z.enum(['acknowledge', 'block']);
export type ExpiredCharts = z.infer<typeof ExpiredCharts>;

/**
 * The copy in use has expired (decided in core, electron/core/home/expiry.ts). Protocols,
 * forms, search and the census stay available; charts wait for an acknowledgement of this
 * copy's age ('ask'), are open after it ('open'), or stay closed by policy ('blocked').
 */
export const ExpiredCopy = z.object({
  /** The copy this is about: an acknowledgement holds for this copy only. */
  sequence: z.number().int().nonnegative(),
  /** Whole days since the data-as-of time: the age the nurse confirms. */
  ageDays: z.number().int().nonnegative(),
  charts: z.enum(['ask', 'open', 'blocked']),
});
export type ExpiredCopy = z.infer<typeof ExpiredCopy>;

/** "I understand this copy is 9 days old": the copy and the age the nurse was shown. */
export const AcknowledgeExpiredRequest = z
  .object({
    sequence: z.number().int().nonnegative(),
    ageDays: z.number().int().nonnegative().max(100_000),
  })
  .strict();

export const AppStatus = z.object({
  /** True when the home holds the synthetic demo hospital: every screen says DEMO. */
  demo: z.boolean(),
  /** Minutes after asOf when the data is flagged stale (policy). */
  staleAfterMinutes: z.number().int().positive(),
  snapshot: SnapshotStatus.nullable(),
  lastRejection: Rejection.nullable(),
  /** A newer snapshot held back because it holds far less than the copy in use (absent: none). */
  heldBack: HeldBack.nullable().optional(),
  /** Set while the copy in use is an earlier one than the newest ingested (absent: not so). */
  fallback: Fallback.nullable().optional(),
  lastFailure: LastFailure.nullable(),
  /** Set while the copy in use has expired (absent or null: it has not). */
  expired: ExpiredCopy.nullable().optional(),
  /** The workstation's clock when this answer was made. */
  now: IsoDateTime,
});
export type AppStatus = z.infer<typeof AppStatus>;

export const AppInfo = z.object({
  name: z.literal('Lantern'),
  version: z.string(),
  /** Where the app runs: the desktop app or the development preview. */
  shell: z.enum(['desktop', 'preview']),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const Empty = z.object({}).strict();

/** Print the current page: the desktop app's print dialog, or straight to a PDF file. */
export const PrintRequest = z
  .object({
    mode: z.enum(['dialog', 'pdf']),
    /** Suggested file name stem for PDFs, e.g. "MAR 4 West". */
    title: z.string().trim().min(1).max(120),
    /** For the audit log: which printout, and the patients on it (ids). */
    what: z.enum(['mar-unit', 'mar', 'summary', 'census', 'census-all', 'protocol']).optional(),
    patients: z.array(z.string().min(1).max(200)).max(5000).optional(),
  })
  .strict();
export const PrintResult = z.object({
  /** Where the PDF was saved; null for the print dialog or when the user cancelled. */
  savedTo: z.string().nullable(),
  printed: z.boolean(),
  /** Pages sent, when the shell could count them. */
  pages: z.number().int().nonnegative().nullable().optional(),
});
export type PrintResult = z.infer<typeof PrintResult>;
