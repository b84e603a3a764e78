import type { Census, CensusPatient } from '../../../electron/shared/contract';
import { allergySummaryText, ageSex, bedLabel, censusGroupCut, censusGroupNote, censusGroupTitle, mrnLabel, noBedText } from '../lib/patient';
import { formatDate } from '../lib/time';
import { PrintPageHead } from './PrintPageHead';

/**
 * The unit census on paper: every row carries name, MRN, DOB and allergies; after the beds, the
 * patients without a bed under their group's heading and count (one table, so the page head with
 * the data-as-of time repeats on every page).
 */
export function CensusPrint({ census, now }: { census: Census; now: number }) {
  return (
    <table className="data print-table census-print" data-testid="census-print">
      <thead>
        <tr className="page-head-row">
          <th colSpan={8} className="page-head-cell">
            <PrintPageHead title={`Census — ${census.unit?.name ?? 'all units'}`} />
          </th>
        </tr>
        <tr>
          <th scope="col">Bed</th>
          <th scope="col">Patient · MRN</th>
          <th scope="col">DOB · age/sex</th>
          <th scope="col">Allergies</th>
          <th scope="col">Code status</th>
          <th scope="col">Isolation</th>
          <th scope="col">Attending</th>
          <th scope="col">Admitted</th>
        </tr>
      </thead>
      <tbody>
        {census.beds.map((b, i) => {
          const label = bedLabel({ room: b.room, bed: b.bed });
          if (!b.patient) {
            return (
              <tr key={`${label}-${i}`}>
                <th scope="row">{label}</th>
                <td colSpan={7}>Empty bed</td>
              </tr>
            );
          }
          return <PrintRow key={`${label}-${i}`} label={label} p={b.patient} now={now} />;
        })}
      </tbody>
      {census.groups.map((g) => {
        const cut = censusGroupCut(g);
        return (
          <tbody key={`${g.kind}-${g.encounterClass ?? ''}-${g.unit?.id ?? ''}`} data-testid="census-print-group">
            <tr className="census-print-group-head">
              <th colSpan={8} scope="colgroup">
                {censusGroupTitle(g)} — {g.total.toLocaleString('en-US')} patient{g.total === 1 ? '' : 's'} without a bed. {censusGroupNote(g)}
              </th>
            </tr>
            {g.patients.map((p) => (
              <PrintRow key={p.id} label={noBedText(p)} p={p} now={now} />
            ))}
            {cut && (
              <tr>
                <td colSpan={8}>{cut}</td>
              </tr>
            )}
          </tbody>
        );
      })}
    </table>
  );
}

function PrintRow({ label, p, now }: { label: string; p: CensusPatient; now: number }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>
        <strong>{p.name}</strong>
        <div>{mrnLabel(p.mrn)}</div>
      </td>
      <td>
        {formatDate(p.birthDate)}
        <div>{ageSex(p, now)}</div>
      </td>
      <td>{allergySummaryText(p.allergies)}</td>
      <td>{p.codeStatus ?? 'not recorded'}</td>
      <td>{p.isolation.join(', ') || 'not recorded'}</td>
      <td>{p.attending ?? '—'}</td>
      <td>{formatDate(p.admitDate)}</td>
    </tr>
  );
}
