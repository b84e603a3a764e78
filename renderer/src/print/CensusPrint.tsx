import type { Census } from '../../../electron/shared/contract';
import { allergySummaryText, ageSex, bedLabel, mrnLabel } from '../lib/patient';
import { formatDate } from '../lib/time';
import { PrintPageHead } from './PrintPageHead';

/** The unit census on paper: every row carries name, MRN, DOB and allergies. */
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
          const p = b.patient;
          const label = bedLabel({ room: b.room, bed: b.bed });
          if (!p) {
            return (
              <tr key={`${label}-${i}`}>
                <th scope="row">{label}</th>
                <td colSpan={7}>Empty bed</td>
              </tr>
            );
          }
          return (
            <tr key={`${label}-${i}`}>
              <th scope="row">{label}</th>
              <td>
                <strong>{p.name}</strong>
                <div>{mrnLabel(p.mrn)}</div>
              </td>
              <td>
                {formatDate(p.birthDate)}
                <div>{ageSex(p, now)}</div>
              </td>
              <td>
                {allergySummaryText(p.allergies)}
              </td>
              <td>{p.codeStatus ?? 'not recorded'}</td>
              <td>{p.isolation.join(', ') || 'not recorded'}</td>
              <td>{p.attending ?? '—'}</td>
              <td>{formatDate(p.admitDate)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
