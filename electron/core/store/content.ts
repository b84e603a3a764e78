import type { Database } from 'better-sqlite3-multiple-ciphers';
import type { HomeQueries } from '../../shared/contract';
import type { ProtocolInfo, SnapshotStatus } from '../../shared/contract';
import type { BaseBlock } from './base-blocks';
import type { SeenIds } from './id-keys';

/**
 * The seam between the snapshot pipeline (verify, decrypt, ingest, switch: store/ and
 * snapshot/) and the chart model (FHIR mapping and queries: chart/). The pipeline owns the
 * database file, its encryption and the atomic switch; the chart model owns the tables and
 * what goes in them.
 */

/** Where a resource came from in the export, for error reports (never its content). */
export interface SourceRef {
  file: string;
  /** 1-based line number in that NDJSON file. */
  line: number;
}

/** A protocol, procedure or form document carried in the snapshot. */
export interface ProtocolFile {
  /** Path inside the protocols folder, '/'-separated; stable id material. */
  path: string;
  title: string;
  category: string;
  kind: ProtocolInfo['kind'];
  bytes: Buffer;
}

export interface ContentProblem {
  file: string;
  line: number;
  reason: string;
}

export interface ContentReport {
  /** FHIR resource type -> resources stored (mapped or kept raw). */
  counts: Record<string, number>;
  /** Lines that were not valid FHIR JSON: counted and reported, not fatal on their own. */
  malformed: ContentProblem[];
  /** Resources whose patient could not be resolved: reported, never attached to a guess. */
  unresolved: ContentProblem[];
  protocols: number;
  /**
   * Resource types in which one id is used by more than one resource, with how many ids
   * repeat. Any at all and the pipeline refuses the snapshot (DUPLICATE_ID): the chart would
   * mix two resources (two people, two orders) into one.
   */
  duplicates?: Record<string, number>;
  /** Values over the writer's maxFieldBytes, cut and marked: how many, and the resources holding them. */
  truncated?: { values: number; resources: ContentProblem[] };
}

export interface WriterOptions {
  /** Longest value stored whole, in UTF-8 bytes; longer ones are cut and marked (default: no limit). */
  maxFieldBytes?: number;
}

export interface ContentWriter {
  /** One NDJSON line of the given resource type (the type its file was declared as). */
  resource(type: string, json: string, source: SourceRef): void;
  /**
   * Lines of one file already turned into records and packed by the model's mapper (on
   * another thread, or by the publisher), in file order. Present exactly when the model has a
   * mapper; storing a batch must give the same database and report as calling resource() for
   * each of its lines. A batch that does not read back throws DamagedBatchError.
   */
  mapped?(batch: MappedBatch): void;
  /** What the thread that read the mapped batches saw of their ids (batches marked idsSeen), once, before finish(). */
  seenIds?(seen: SeenIds): void;
  protocol(doc: ProtocolFile): void;
  /** All input seen: resolve what needed the whole picture, build indexes, report. */
  finish(): ContentReport;
}

/**
 * The stateless half of a writer, which the ingest may run on another thread while the
 * database thread stores: it sees one line at a time, keeps nothing between lines and
 * touches no database. Its records must survive structured cloning (plain data only).
 */
export interface ContentMapper<R = unknown> {
  /** Names the mapper to the ingest worker, which finds it by this name among those its entry point hands it (electron/core/ingest-worker.ts). */
  readonly name: string;
  /**
   * Changes whenever map() or pack() would give something else for the same line: a
   * snapshot's mapped entries are taken only from a publisher with the same name/revision.
   */
  readonly revision: string;
  map(type: string, json: string, line: number): R;
  /** Records to one string, cheap to pass between threads; the writer's mapped() reads it back. */
  pack(records: R[]): string;
  /** The resource id a record stands for (null when it has none: a malformed line); the publisher looks for repeats by it. */
  id?(record: R): string | null;
  /** The ids of a packed batch's records, each as text[start, end) (none for a malformed line); the ingest worker notes them. */
  ids?(packed: string, each: (text: string, start: number, end: number) => void): void;
}

/** A packed batch that does not read back (a damaged or foreign mapped entry). */
export class DamagedBatchError extends Error {
  override name = 'DamagedBatchError';
}

/** How snapshots name a mapper and its revision (a mapped entry's `mapper`). */
export const mapperId = (mapper: Pick<ContentMapper, 'name' | 'revision'>): string => `${mapper.name}/${mapper.revision}`;

/** Consecutive lines of one NDJSON file, mapped, then packed by the mapper's pack(). */
export interface MappedBatch {
  type: string;
  file: string;
  packed: string;
  /** The thread that read it already noted its ids (the writer gets them through seenIds()). */
  idsSeen?: boolean;
  /** The same records packed into the delta base's blocks by the thread that read them (store/base-blocks.ts). */
  base?: BaseBlock[];
}

/** What the snapshot manifest says about the data, as the chart model needs it. */
export type SnapshotMeta = Pick<SnapshotStatus, 'facility' | 'units' | 'asOf' | 'expiresAt' | 'sequence'>;

export interface ContentModel {
  /** Schema version of the tables this model writes; a database from a newer one is refused. */
  readonly schemaVersion: number;
  /** Create the model's tables in a new, empty snapshot database. */
  createSchema(db: Database): void;
  /**
   * Optional: the pure line mapper. With it, the ingest parses and maps on a worker thread
   * and hands the writer's mapped() whole batches; without it, every line goes to resource().
   */
  readonly mapper?: ContentMapper;
  /** Start writing one snapshot's content. The caller wraps the whole run in its transaction(s). */
  writer(db: Database, meta: SnapshotMeta, options?: WriterOptions): ContentWriter;
  /** Read-only queries over a finished snapshot database. */
  queries(db: Database, meta: SnapshotMeta, clock: () => Date): HomeQueries;
}
