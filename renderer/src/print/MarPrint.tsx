import type { Chart, Mar } from '../../../electron/shared/contract';
import { MAR_LEGEND, MarTable } from '../components/MarTable';
import { formatShortDateTime } from '../lib/time';
import { PrintPageHead, type PrintPatient } from './PrintPageHead';

export function printPatientOf(chart: Chart): PrintPatient {
  return {
    patient: chart.patient,
    allergies: chart.allergies,
    codeStatus: chart.codeStatus,
    isolation: chart.isolation,
    weight: chart.weight,
  };
}

/** One patient's MAR on paper: starts a new page; its head repeats on every page it spans. */
export function PatientMarPrint({ chart, mar }: { chart: Chart; mar: Mar }) {
  return (
    <section className="print-patient" data-testid="print-patient" aria-label={`MAR for ${chart.patient.name}`}>
      <MarTable
        mar={mar}
        head={
          <PrintPageHead
            title={`MAR ${formatShortDateTime(mar.from)} – ${formatShortDateTime(mar.to)}`}
            who={printPatientOf(chart)}
          />
        }
      />
      <p className="print-legend">{MAR_LEGEND}.</p>
    </section>
  );
}
