import type { AllergySummary, PatientSummary } from '../../../electron/shared/contract';
import { allergyLine, bedLabel, dobWithAge, mrnLabel, sexLabel } from '../lib/patient';
import { codeStatusText, isolationText } from '../../../electron/shared/bedside-text';
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
          {p.location?.unit?.name ? `${p.location.unit.name} · ` : ''}Bed {bedLabel(p.location)}
        </span>
        <span>Code status: {codeStatusText(who.codeStatus)}</span>
        <span>Isolation: {isolationText(who.isolation)}</span>
        <span>Weight: {who.weight ?? 'not recorded'}</span>
      </div>
      <div className="print-allergies">{allergyLine(who.allergies)}</div>
    </div>
  );
}
