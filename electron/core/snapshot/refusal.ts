import { LanternError } from '../../shared/errors';

/**
 * Why a snapshot was refused: a stable reason code, a distinct process exit code (10-39)
 * and one line an IT admin understands. Messages never carry PHI: they speak of the file,
 * its manifest and its certificates, never of its clinical content.
 */
export const REFUSALS = {
  NOT_A_SNAPSHOT: { exit: 10, text: 'the file is not a Lantern snapshot' },
  MALFORMED: { exit: 11, text: 'the snapshot header or manifest is damaged' },
  UNSUPPORTED_VERSION: { exit: 12, text: 'the snapshot format version is not supported by this version of Lantern' },
  BAD_SIGNATURE: { exit: 13, text: 'the manifest signature does not verify' },
  UNTRUSTED: { exit: 14, text: "the publisher certificate does not chain to this home's trust anchor" },
  CERT_EXPIRED: { exit: 15, text: 'the publisher certificate has expired' },
  CERT_NOT_YET_VALID: { exit: 16, text: 'the publisher certificate is not valid yet' },
  CERT_USAGE: { exit: 17, text: 'the publisher certificate is not allowed to sign snapshots' },
  SNAPSHOT_EXPIRED: { exit: 18, text: 'the snapshot has expired' },
  ROLLBACK: { exit: 19, text: 'the snapshot sequence number is not newer than the one already ingested (replay or rollback)' },
  WRONG_FACILITY: { exit: 20, text: "the snapshot is for another facility than this home's" },
  WRONG_UNITS: { exit: 21, text: "the snapshot's unit scope is not this home's" },
  NOT_RECIPIENT: { exit: 22, text: 'this workstation is not a recipient of the snapshot' },
  TRUNCATED: { exit: 23, text: 'the snapshot file is truncated' },
  TOO_LARGE: { exit: 24, text: 'the snapshot holds more data than its manifest says' },
  CORRUPT: { exit: 25, text: 'the snapshot payload is damaged or was altered' },
  COUNTS_MISMATCH: { exit: 26, text: 'the ingested content does not match the counts in the manifest' },
  DATABASE_CHECK: { exit: 27, text: 'the new database failed its integrity check' },
  SUSPECT_DROP: { exit: 28, text: 'the snapshot holds far less than the one in use; it was held back (take it on purpose with lantern ingest FILE --accept-drop)' },
  FUTURE_AS_OF: { exit: 29, text: "the snapshot's data-as-of time is in the future (check the publisher's and this workstation's clocks)" },
  SEQUENCE_JUMP: { exit: 30, text: 'the snapshot sequence number jumps too far ahead of the last one ingested' },
  DUPLICATE_ID: { exit: 31, text: 'the snapshot holds two resources of one type with the same id' },
  DELTA_BASE: { exit: 32, text: 'the delta snapshot applies to another snapshot than the one in use (a missing link or a different base); the next full snapshot is taken instead' },
} as const;

export type RefusalCode = keyof typeof REFUSALS;

/** A snapshot refused: for IT, with its refusal code as `code` and its own exit code. */
export class SnapshotRefusal extends LanternError {
  declare readonly code: RefusalCode;
  constructor(
    code: RefusalCode,
    /** Optional detail (no PHI): which certificate, which entry, which numbers. */
    readonly detail?: string,
  ) {
    super('UNAVAILABLE', `Snapshot refused (${code}): ${REFUSALS[code].text}${detail ? ` (${detail})` : ''}.`, {
      code,
      audience: 'it',
      exitCode: REFUSALS[code].exit,
    });
    this.name = 'SnapshotRefusal';
  }
}

export const refuse = (code: RefusalCode, detail?: string): never => {
  throw new SnapshotRefusal(code, detail);
};

export const isRefusal = (error: unknown): error is SnapshotRefusal => error instanceof SnapshotRefusal;
