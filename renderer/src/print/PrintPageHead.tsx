import type { AllergySummary, PatientSummary } from '../../../electron/shared/contract';
import { allergyLine, dobWithAge, mrnLabel, placeLine, sexLabel } from '../lib/patient';
import { usePrintInfo } from './PrintContext';

export interface PrintPatient {
  patient: PatientSummary;
  allergies: AllergySummary;
  codeStatus: string | null;
  isolation: string[];
  weight: string | null;
}

/**
 * The head of every printed page (a table's <thead>, which Chromium repeats on each page the
 * table spans): read-only notice, data-as-of, print time and, for a patient's pages, the two
 * identifiers with DOB and the allergies.
 */
export function PrintPageHead({ title, who }: { title: string; who?: PrintPatient }) {
  const info = usePrintInfo();
  return (
    <div className="print-head">
      <div className="print-safety">
        <strong>DOWNTIME COPY — READ ONLY</strong>
        <strong>{title}</strong>
        <span>Data as of {info.asOf}</span>
        <span>Printed {info.printedAt}</span>
        <span>{[info.facility, info.unit].filter(Boolean).join(' · ')}</span>
        {info.demo && <strong>DEMO DATA — NOT REAL PATIENTS</strong>}
      </div>
      {who && <PrintPatientLine who={who} />}
    </div>
  );
}

export function PrintPatientLine({ who }: { who: PrintPatient }) {
  const { now } = usePrintInfo();
  const p = who.patient;
  return (
    <div className="print-patient-id">
      <div className="print-ids">
        <strong className="print-name">{p.name}</strong>
        <strong>{mrnLabel(p.mrn)}</strong>
        <strong>DOB {dobWithAge(p.birthDate, now)}</strong>
        <span>{sexLabel(p.sex)}</span>
        <span>
          {placeLine(p.location)}
        </span>
        <span>Code status: {who.codeStatus ?? 'not recorded'}</span>
        {who.isolation.length > 0 && <span>Isolation: {who.isolation.join(', ')}</span>}
        <span>Weight: {who.weight ?? 'not recorded'}</span>
      </div>
      <div className="print-allergies">{allergyLine(who.allergies)}</div>
    </div>
  );
}
