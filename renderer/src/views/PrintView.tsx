import { useEffect, useMemo } from 'react';
import type { AppInfo, AppStatus, Census, SnapshotStatus } from '../../../electron/shared/contract';
import { CENSUS_GROUP_MAX } from '../../../electron/shared/defaults';
import { Loading, ProblemNotice } from '../components/LoadState';
import { ProtocolBody } from '../components/ProtocolBody';
import { useRequest, useRequests, type Load } from '../hooks/useRequest';
import { marWindow } from '../lib/mar-grid';
import { goBack, parentRoute, type PrintKind } from '../lib/route';
import { CensusPrint } from '../print/CensusPrint';
import { MarPrintDocument, pagePatientOf, type MarPrintItem } from '../print/MarPrint';
import { PrintFrame } from '../print/PrintFrame';
import { PrintPageHead } from '../print/PrintPageHead';
import { SummaryPrint } from '../print/SummaryPrint';

interface PrintViewProps {
  kind: PrintKind;
  id: string;
  status: AppStatus;
  snapshot: SnapshotStatus;
  shell: AppInfo['shell'];
  onUnit: (name: string | null) => void;
}

type FrameProps = Omit<PrintViewProps, 'kind' | 'id' | 'onUnit'>;

/** Print previews: what the page will look like, with Print (and Save as PDF in the desktop app). */
export function PrintView({ kind, id, onUnit, ...frame }: PrintViewProps) {
  useEscapeLeaves(kind, id);
  switch (kind) {
    case 'mar-unit':
      return <UnitPrint unit={id} frame={frame} onUnit={onUnit} what="mar" />;
    case 'census':
      return <UnitPrint unit={id} frame={frame} onUnit={onUnit} what="census" />;
    case 'census-all':
      return <UnitPrint unit={null} frame={frame} onUnit={onUnit} what="census" />;
    case 'mar':
      return <PatientPrint patientId={id} frame={frame} what="mar" />;
    case 'summary':
      return <PatientPrint patientId={id} frame={frame} what="summary" />;
    case 'protocol':
      return <ProtocolPrint id={id} frame={frame} />;
  }
}

/** Esc leaves the preview for the screen it was opened from, as the Back button does. */
function useEscapeLeaves(kind: PrintKind, id: string): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // An Esc that closed something else (search, a dialog) is not also a Back.
      if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('dialog[open]')) return;
      e.preventDefault();
      goBack(parentRoute({ name: 'print', kind, id }));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [kind, id]);
}

function firstError(...loads: Load<unknown>[]) {
  for (const l of loads) if (l.state === 'error') return l.error;
  return null;
}

function UnitPrint({ unit, frame, onUnit, what }: { unit: string | null; frame: FrameProps; onUnit: (n: string | null) => void; what: 'mar' | 'census' }) {
  // Paper lists every patient of each group without a bed (the screen lists the first CENSUS_GROUP_LIMIT), and a unit's MAR covers them all.
  const census = useRequest('census', unit ? { unit, groupLimit: CENSUS_GROUP_MAX } : { groupLimit: CENSUS_GROUP_MAX });
  // A unit's MAR covers its patients without a bed too (the groups of a unit's census are all on it).
  const ids = useMemo(
    () =>
      census.state === 'ready'
        ? [
            ...census.value.beds.flatMap((b) => (b.patient ? [b.patient.id] : [])),
            ...(census.value.unit ? census.value.groups.flatMap((g) => g.patients.map((p) => p.id)) : []),
          ]
        : null,
    [census],
  );
  const window = marWindow(frame.snapshot.asOf);
  // The census row carries the allergy summary: only the MAR needs each chart.
  const charts = useRequests('chart', ids && what === 'mar' ? ids.map((patientId) => ({ patientId })) : null);
  const mars = useRequests('mar', ids && what === 'mar' ? ids.map((patientId) => ({ patientId, ...window })) : null);
  const unitName = census.state === 'ready' ? (census.value.unit?.name ?? null) : null;
  useEffect(() => onUnit(unitName), [unitName, onUnit]);

  const error = what === 'mar' ? firstError(census, charts, mars) : firstError(census);
  const ready = census.state === 'ready' && (what === 'census' || (charts.state === 'ready' && mars.state === 'ready'));
  const title = `${what === 'mar' ? 'Unit MAR' : 'Census'} — ${unitName ?? unit ?? 'all units'}`;
  const now = Date.parse(frame.snapshot.asOf);
  const patients = what === 'mar' && charts.state === 'ready' ? charts.value.map((c) => pagePatientOf(c, now)) : undefined;
  const items = useMemo<MarPrintItem[] | null>(
    () => (charts.state === 'ready' && mars.state === 'ready' ? mars.value.map((mar, i) => ({ chart: charts.value[i]!, mar })) : null),
    [charts, mars],
  );
  return (
    <PrintFrame
      title={title}
      unit={unitName}
      orientation="landscape"
      ready={ready}
      patients={patients}
      audit={{ what: what === 'mar' ? 'mar-unit' : unit ? 'census' : 'census-all', patients: ids ?? [] }}
      {...frame}
    >
      {error && <ProblemNotice title="Could not prepare this printout." error={error} />}
      {!error && !ready && <Loading what="the printout" />}
      {ready && what === 'census' && <CensusPrint census={(census as { value: Census }).value} now={Date.parse(frame.snapshot.asOf)} />}
      {ready && what === 'mar' && items && <MarPrintDocument items={items} />}
    </PrintFrame>
  );
}

function PatientPrint({ patientId, frame, what }: { patientId: string; frame: FrameProps; what: 'mar' | 'summary' }) {
  const chart = useRequest('chart', { patientId });
  const mar = useRequest('mar', what === 'mar' ? { patientId, ...marWindow(frame.snapshot.asOf) } : null);
  const error = firstError(chart, mar);
  const ready = chart.state === 'ready' && (what === 'summary' || mar.state === 'ready');
  const name = chart.state === 'ready' ? chart.value.patient.name : 'patient';
  const unit = chart.state === 'ready' ? (chart.value.patient.location?.unit?.name ?? null) : null;
  const patients = chart.state === 'ready' ? [pagePatientOf(chart.value, Date.parse(frame.snapshot.asOf))] : undefined;
  const items = useMemo<MarPrintItem[] | null>(
    () => (chart.state === 'ready' && mar.state === 'ready' ? [{ chart: chart.value, mar: mar.value }] : null),
    [chart, mar],
  );
  return (
    <PrintFrame
      patients={patients}
      audit={{ what, patients: [patientId] }}
      title={`${what === 'mar' ? 'MAR' : 'Summary'} — ${name}`}
      unit={unit}
      orientation={what === 'mar' ? 'landscape' : 'portrait'}
      ready={ready}
      {...frame}
    >
      {error && <ProblemNotice title="Could not prepare this printout." error={error} />}
      {!error && !ready && <Loading what="the printout" />}
      {ready && chart.state === 'ready' && what === 'summary' && <SummaryPrint chart={chart.value} />}
      {ready && what === 'mar' && items && <MarPrintDocument items={items} />}
    </PrintFrame>
  );
}

function ProtocolPrint({ id, frame }: { id: string; frame: FrameProps }) {
  const doc = useRequest('protocolOpen', { id });
  const title = doc.state === 'ready' ? doc.value.title : 'document';
  return (
    <PrintFrame title={title} unit={null} orientation="portrait" ready={doc.state === 'ready'} audit={{ what: 'protocol', patients: [] }} {...frame}>
      {doc.state === 'error' && <ProblemNotice title="Could not prepare this printout." error={doc.error} />}
      {doc.state === 'loading' && <Loading what="the document" />}
      {doc.state === 'ready' && (
        <table className="print-table">
          <thead>
            <tr className="page-head-row">
              <th className="page-head-cell">
                <PrintPageHead title={doc.value.title} />
              </th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td>
                <ProtocolBody doc={doc.value} />
              </td>
            </tr>
          </tbody>
        </table>
      )}
    </PrintFrame>
  );
}
