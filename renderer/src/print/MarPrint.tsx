import type { Chart, Mar } from '../../../electron/shared/contract';
import { MAR_LEGEND, MarTable } from '../components/MarTable';
import { allergyLine, dobWithAge, mrnLabel } from '../lib/patient';
import { formatStamp } from '../lib/time';
import { patientPageName, type PagePatient } from './page-css';
import { PrintPageHead, type PrintPatient } from './PrintPageHead';

export function printPatientOf(chart: Chart): PrintPatient {
  return {
    patient: chart.patient,
    allergies: chart.allergySummary,
    codeStatus: chart.codeStatus,
    isolation: chart.isolation,
    weight: chart.weight,
    weightAt: chart.weightAt,
  };
}

/** What the page margins say about a patient: identifiers, DOB, allergies. */
export function pagePatientOf(chart: Chart, now: number): PagePatient {
  const p = chart.patient;
  return { identity: `${p.name} · ${mrnLabel(p.mrn)} · DOB ${dobWithAge(p.birthDate, now)}`, allergies: allergyLine(chart.allergySummary) };
}

/** One patient's MAR on paper: starts a new page; its head repeats on every page it spans. */
export function PatientMarPrint({ chart, mar, page }: { chart: Chart; mar: Mar; page: number }) {
  return (
    <section className="print-patient" data-page={patientPageName(page)} data-testid="print-patient" aria-label={`MAR for ${chart.patient.name}`}>
      <MarTable
        mar={mar}
        head={
          <PrintPageHead
            title={`MAR ${formatStamp(mar.from)} – ${formatStamp(mar.to)}`}
            who={printPatientOf(chart)}
          />
        }
        foot={<span className="print-legend">{MAR_LEGEND}.</span>}
      />
    </section>
  );
}
