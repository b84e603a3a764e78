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

export const AppStatus = z.object({
  /** True when the home holds the synthetic demo hospital: every screen says DEMO. */
  demo: z.boolean(),
  /** Minutes after asOf when the data is flagged stale (policy). */
  staleAfterMinutes: z.number().int().positive(),
  snapshot: SnapshotStatus.nullable(),
  lastRejection: Rejection.nullable(),
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
  })
  .strict();
export const PrintResult = z.object({
  /** Where the PDF was saved; null for the print dialog or when the user cancelled. */
  savedTo: z.string().nullable(),
  printed: z.boolean(),
});
export type PrintResult = z.infer<typeof PrintResult>;
