import type { AllergySummary, PatientSummary } from '../../../electron/shared/contract';
import { allergyLine, dobWithAge, mrnLabel, placeLine, sexLabel } from '../lib/patient';
import { datedWhenOld } from '../lib/time';
import { freshnessLine } from './page-css';
import { usePrintInfo, type PrintInfo } from './PrintContext';
import { codeStatusText, isolationText } from '../../../electron/shared/bedside-text';

export interface PrintPatient {
  patient: PatientSummary;
  allergies: AllergySummary;
  codeStatus: string | null;
  isolation: string[];
  weight: string | null;
  weightAt: string | null;
}

/**
 * The head of every printed page (a table's <thead>, which Chromium repeats on each page the
 * table spans): read-only notice, data-as-of, print time and, for a patient's pages, the two
 * identifiers with DOB and the allergies.
 */
export function PrintPageHead({ title, who, page }: { title: string; who?: PrintPatient; page?: string }) {
  const info = usePrintInfo();
  return (
    <div className="print-head">
      <PrintFreshnessBanner info={info} />
      <div className="print-safety">
        <strong>DOWNTIME COPY — READ ONLY</strong>
        <strong>{title}</strong>
        <span>Data as of {info.asOf}</span>
        <span data-testid="printed-by">
          Printed {info.printedAt}
          {info.printedBy && ` by ${info.printedBy}`}
        </span>
        {info.emergency && <strong className="print-emergency">EMERGENCY ACCESS</strong>}
        <span>{[info.facility, info.unit].filter(Boolean).join(' · ')}</span>
        {info.demo && <strong>DEMO DATA — NOT REAL PATIENTS</strong>}
        {page && <strong className="print-patient-page">{page}</strong>}
      </div>
      {who && <PrintPatientLine who={who} />}
    </div>
  );
}

/** A stale or expired copy, said in a black band at the top of the page head. */
function PrintFreshnessBanner({ info }: { info: PrintInfo }) {
  const line = freshnessLine(info.freshness);
  if (!line) return null;
  const what =
    info.freshness.state === 'expired'
      ? 'This copy has expired: check every entry against a current source before acting on it.'
      : 'Orders, doses and results after the data-as-of time are not on this page: confirm before acting on it.';
  return (
    <div className={`print-freshness print-freshness-${info.freshness.state}`} data-testid="print-freshness">
      <strong>{line}</strong> <span>{what}</span>
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
        <span>Code status: {codeStatusText(who.codeStatus)}</span>
        <span>Isolation: {isolationText(who.isolation)}</span>
        <span>Weight: {who.weight ? datedWhenOld(who.weight, who.weightAt, now) : 'not recorded'}</span>
      </div>
      <div className="print-allergies">{allergyLine(who.allergies)}</div>
    </div>
  );
}
