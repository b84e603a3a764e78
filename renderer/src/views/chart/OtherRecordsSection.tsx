import { useState } from 'react';
import type { Chart, ChartItem, RawRecordRef } from '../../../../electron/shared/contract';
import { ITEM_LISTS } from './sections';
import { DataTable } from '../../components/DataTable';
import { LoadView } from '../../components/LoadState';
import { useRequest } from '../../hooks/useRequest';
import { TestName } from '../../components/TestName';
import { observationValueText } from '../../lib/series';
import { formatDateTime } from '../../lib/time';

/** Everything the chart views do not map is still here: other items, raw records, counts. Lists come in core's reading order. */
export function OtherRecordsSection({ chart }: { chart: Chart }) {
  const [open, setOpen] = useState<RawRecordRef | null>(null);
  return (
    <>
      {ITEM_LISTS.map(({ list, title }) => (
        <ItemTable key={list} title={title} items={chart[list]} />
      ))}
      <h2>Other observations</h2>
      <DataTable
        label="Other observations"
        rows={chart.otherObservations}
        rowKey={(o) => o.id}
        empty="None."
        columns={[
          { header: 'Time', width: '9rem', nowrap: true, cell: (o) => formatDateTime(o.at) },
          { header: 'Observation', width: '2fr', cell: (o) => <TestName code={o.code} /> },
          { header: 'Value', width: '2fr', cell: (o) => observationValueText(o) },
          { header: 'Category', width: '1fr', cell: (o) => o.category },
        ]}
      />
      <h2>Encounters</h2>
      <DataTable
        label="Encounters"
        rows={chart.encounters}
        rowKey={(e) => e.id}
        empty="None."
        columns={[
          { header: 'Start', width: '9rem', nowrap: true, cell: (e) => formatDateTime(e.start) },
          { header: 'End', width: '9rem', nowrap: true, cell: (e) => formatDateTime(e.end) },
          { header: 'Type', width: '2fr', cell: (e) => [e.class, e.type].filter(Boolean).join(' · ') || '—' },
          { header: 'Reason', width: '2fr', cell: (e) => e.reason ?? '—' },
          { header: 'Status', width: '7rem', cell: (e) => e.status ?? '—' },
        ]}
      />
      <h2>Records not shown elsewhere</h2>
      <p className="muted">Resources this chart view does not map, kept as the EHR sent them.</p>
      <DataTable
        label="Unmapped records"
        testId="raw-records"
        rows={chart.other}
        rowKey={(r) => `${r.type}/${r.id}`}
        empty="None: every record of this patient appears in a chart section."
        columns={[
          { header: 'Type', width: '10rem', cell: (r) => r.type },
          { header: 'Summary', width: '3fr', cell: (r) => r.summary },
          {
            header: 'Raw record',
            width: '9rem',
            cell: (r) => (
              <button type="button" onClick={() => setOpen(r)} aria-pressed={open?.id === r.id && open.type === r.type}>
                View raw
              </button>
            ),
          },
        ]}
      />
      {open && <RawRecordView patientId={chart.patient.id} record={open} />}
      <h2>Records in this snapshot, by type</h2>
      <DataTable
        label="Record counts"
        testId="record-counts"
        rows={Object.entries(chart.counts).sort(([a], [b]) => a.localeCompare(b))}
        rowKey={([type]) => type}
        empty="No counts recorded."
        columns={[
          { header: 'FHIR resource type', cell: ([type]) => type },
          { header: 'Records', cell: ([, n]) => n },
        ]}
      />
    </>
  );
}

function ItemTable({ title, items }: { title: string; items: ChartItem[] }) {
  return (
    <>
      <h2>{title}</h2>
      <DataTable
        label={title}
        rows={items}
        rowKey={(i) => i.id}
        empty="None."
        columns={[
          { header: 'Date', width: '9rem', nowrap: true, cell: (i) => formatDateTime(i.at) },
          { header: 'Item', width: '2fr', cell: (i) => <strong>{i.title}</strong> },
          { header: 'Detail', width: '2fr', cell: (i) => i.detail ?? '—' },
          { header: 'Status', width: '7rem', cell: (i) => i.status ?? '—' },
        ]}
      />
    </>
  );
}

function RawRecordView({ patientId, record }: { patientId: string; record: RawRecordRef }) {
  const load = useRequest('record', { patientId, type: record.type, id: record.id });
  return (
    <section aria-label={`Raw ${record.type} record`} data-testid="raw-record">
      <h3>
        {record.type} / {record.id}
      </h3>
      <LoadView load={load} what="raw record">
        {(raw) => <pre className="raw-json">{prettyJson(raw.json)}</pre>}
      </LoadView>
    </section>
  );
}

function prettyJson(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}
