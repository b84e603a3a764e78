import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * What a FHIR export folder says, read straight from its NDJSON: the expected answers of tests
 * that check the ingest and the queries, independent of the mapper and the store.
 */
export type Json = Record<string, unknown>;

/** Every resource of one type the folder holds (none when it has no file of that type). */
export function readExport(dir: string, type: string): Json[] {
  let text: string;
  try {
    text = readFileSync(path.join(dir, `${type}.ndjson`), 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Json);
}

/** A patient as every screen names them: "Family, Given Middle", from the first name the export gives. */
export function displayName(p: Json): string {
  const name = (p['name'] as Array<{ family: string; given: string[] }>)[0]!;
  return `${name.family}, ${name.given.join(' ')}`;
}

export interface ExportPatient {
  id: string;
  name: string;
  /** The identifier typed MR. */
  mrn: string;
  birthDate: string;
}

/** The folder's patients, in the order it lists them. */
export function exportPatients(dir: string): ExportPatient[] {
  return readExport(dir, 'Patient').map((p) => ({
    id: String(p['id']),
    name: displayName(p),
    mrn: (p['identifier'] as Array<{ type?: unknown; value: string }>).find((i) => JSON.stringify(i.type ?? '').includes('"MR"'))!.value,
    birthDate: String(p['birthDate']),
  }));
}

/** The patient a resource belongs to, from its subject, patient or beneficiary reference. */
export function ownerOf(r: Json): string | null {
  for (const field of ['subject', 'patient', 'beneficiary']) {
    const ref = (r[field] as { reference?: string } | undefined)?.reference;
    if (ref?.startsWith('Patient/')) return ref.slice('Patient/'.length);
    if (ref?.startsWith('urn:uuid:')) return ref.slice('urn:uuid:'.length);
  }
  return null;
}
