import { useEffect, useMemo } from 'react';
import type { Chart } from '../../../electron/shared/contract';
import { LoadView } from '../components/LoadState';
import { PatientBanner } from '../components/PatientBanner';
import { request } from '../api';
import { useRequest } from '../hooks/useRequest';
import { foundViaFor } from '../lib/found-via';
import type { ChartSection } from '../lib/route';
import { CareTeamSection } from './chart/CareTeamSection';
import { LabsSection } from './chart/LabsSection';
import { MedicationsSection } from './chart/MedicationsSection';
import { NotesSection } from './chart/NotesSection';
import { OrdersSection } from './chart/OrdersSection';
import { OtherRecordsSection } from './chart/OtherRecordsSection';
import { ProblemsSection } from './chart/ProblemsSection';
import { SummarySection } from './chart/SummarySection';
import { VitalsSection } from './chart/VitalsSection';

interface ChartViewProps {
  patientId: string;
  section: ChartSection;
  now: number;
  onUnit: (name: string | null) => void;
}

export function ChartView({ patientId, section, now, onUnit }: ChartViewProps) {
  // How this chart was reached, decided once per patient (the audit log records it with the chart opened).
  const foundVia = useMemo(() => foundViaFor(patientId), [patientId]);
  const load = useRequest('chart', { patientId, foundVia });
  const shown = load.state === 'ready';
  useEffect(() => {
    // Each tab shown is recorded in the audit log; nothing to do with the answer.
    if (shown) void request('sectionViewed', { patientId, section });
  }, [shown, patientId, section]);
  const unitName = load.state === 'ready' ? (load.value.patient.location?.unit?.name ?? null) : null;
  useEffect(() => onUnit(unitName), [unitName, onUnit]);
  return (
    <div className="view chart-view">
      <LoadView load={load} what="chart">
        {(chart) => (
          <>
            <PatientBanner chart={chart} section={section} now={now} />
            <section className="chart-section" aria-label={section} data-testid={`section-${section}`}>
              <SectionBody chart={chart} section={section} />
            </section>
          </>
        )}
      </LoadView>
    </div>
  );
}

function SectionBody({ chart, section }: { chart: Chart; section: ChartSection }) {
  switch (section) {
    case 'summary':
      return <SummarySection chart={chart} />;
    case 'medications':
      return <MedicationsSection chart={chart} />;
    case 'vitals':
      return <VitalsSection chart={chart} />;
    case 'labs':
      return <LabsSection chart={chart} />;
    case 'problems':
      return <ProblemsSection chart={chart} />;
    case 'notes':
      return <NotesSection chart={chart} />;
    case 'orders':
      return <OrdersSection chart={chart} />;
    case 'care-team':
      return <CareTeamSection chart={chart} />;
    case 'other':
      return <OtherRecordsSection chart={chart} />;
    default:
      // A tab without a view does not compile.
      return section satisfies never;
  }
}
