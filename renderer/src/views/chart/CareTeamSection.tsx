import type { Chart } from '../../../../electron/shared/contract';
import { DataTable } from '../../components/DataTable';

export function CareTeamSection({ chart }: { chart: Chart }) {
  const p = chart.patient;
  return (
    <>
      <h2>Care team</h2>
      <DataTable
        label="Care team"
        testId="care-team-table"
        rows={chart.careTeam.map((m, i) => ({ ...m, key: `${i}` }))}
        rowKey={(m) => m.key}
        empty="No care team recorded in this snapshot."
        columns={[
          { header: 'Name', width: '2fr', cell: (m) => <strong>{m.name}</strong> },
          { header: 'Role', width: '2fr', cell: (m) => m.role ?? '—' },
          { header: 'Team', width: '2fr', cell: (m) => m.team ?? '—' },
        ]}
      />
      {chart.encounter && chart.encounter.participants.length > 0 && (
        <>
          <h3>This admission</h3>
          <p>{chart.encounter.participants.join(' · ')}</p>
        </>
      )}
      <h2>Patient contacts</h2>
      <dl className="facts">
        <dt>Phone</dt>
        <dd>{p.phone ?? 'not recorded'}</dd>
        <dt>Address</dt>
        <dd>{p.address ?? 'not recorded'}</dd>
      </dl>
      <DataTable
        label="Contacts"
        rows={p.contacts.map((c, i) => ({ ...c, key: `${i}` }))}
        rowKey={(c) => c.key}
        empty="No emergency contacts recorded."
        columns={[
          { header: 'Name', cell: (c) => c.name ?? '—' },
          { header: 'Relationship', cell: (c) => c.relationship ?? '—' },
          { header: 'Phone', cell: (c) => c.phone ?? '—' },
        ]}
      />
    </>
  );
}
