import { useEffect } from 'react';
import type { Census, CensusBed } from '../../../electron/shared/contract';
import { AllergyFlag, CodeStatus, Isolation } from '../components/Flags';
import { LoadView } from '../components/LoadState';
import { UnitSwitcher } from '../components/UnitSwitcher';
import { useRequest } from '../hooks/useRequest';
import { ageSex, bedLabel, mrnLabel } from '../lib/patient';
import { parseRoute, routeHref } from '../lib/route';
import { formatDate } from '../lib/time';

/** The unit's beds in order: who is where, allergies, code status, isolation. */
export function CensusView({ unit, now, onUnit }: { unit: string | null; now: number; onUnit: (name: string | null) => void }) {
  const load = useRequest('census', unit ? { unit } : {});
  const unitName = load.state === 'ready' ? (load.value.unit?.name ?? null) : null;
  useEffect(() => onUnit(unitName), [unitName, onUnit]);
  // No unit chosen and the answer covers several: open the first unit's census instead, but
  // only while the address still asks for no unit. A screen chosen while this census was
  // loading (a link, a print view) is not overwritten.
  const firstUnit = load.state === 'ready' && !load.value.unit ? (load.value.units[0]?.id ?? null) : null;
  useEffect(() => {
    const current = parseRoute(window.location.hash);
    if (firstUnit && !unit && current.name === 'census' && !current.unit) {
      window.location.replace(routeHref({ name: 'census', unit: firstUnit }));
    }
  }, [firstUnit, unit]);
  return (
    <div className="view census-view">
      <LoadView load={load} what="unit census">
        {(census) => <CensusTable census={census} now={now} />}
      </LoadView>
    </div>
  );
}

function CensusTable({ census, now }: { census: Census; now: number }) {
  const occupied = census.beds.filter((b) => b.patient).length;
  const unitId = census.unit?.id ?? null;
  return (
    <>
      <div className="view-head">
        <h1>
          Census — {census.unit?.name ?? 'All units'}{' '}
          <span className="count">
            {occupied} patient{occupied === 1 ? '' : 's'}, {census.beds.length - occupied} empty bed
            {census.beds.length - occupied === 1 ? '' : 's'}
          </span>
        </h1>
        {unitId && (
          <div className="actions">
            <a className="button" href={routeHref({ name: 'print', kind: 'mar-unit', id: unitId })}>
              Print unit MAR
            </a>
            <a className="button" href={routeHref({ name: 'print', kind: 'census', id: unitId })}>
              Print census
            </a>
          </div>
        )}
      </div>
      <UnitSwitcher units={census.units} current={unitId} />
      {census.beds.length === 0 ? (
        <p className="empty" data-testid="census-empty">
          No patient in this snapshot is assigned to a bed on this unit. Find a patient with Search (Ctrl+K or /).
        </p>
      ) : (
        <table className="data census-table" data-testid="census-table">
          <thead>
            <tr>
              <th scope="col">Bed</th>
              <th scope="col">Patient</th>
              <th scope="col">Allergies</th>
              <th scope="col">Code status</th>
              <th scope="col">Isolation</th>
              <th scope="col">Attending, admitted</th>
            </tr>
          </thead>
          <tbody>
            {census.beds.map((bed, i) => (
              <BedRow key={`${bed.locationId ?? ''}-${bed.room ?? ''}-${bed.bed}-${i}`} bed={bed} now={now} />
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function BedRow({ bed, now }: { bed: CensusBed; now: number }) {
  const p = bed.patient;
  const label = bedLabel({ room: bed.room, bed: bed.bed });
  if (!p) {
    return (
      <tr className="empty-bed" data-testid="census-row">
        <th scope="row">{label}</th>
        <td colSpan={5} className="muted">
          Empty bed
        </td>
      </tr>
    );
  }
  return (
    <tr data-testid="census-row">
      <th scope="row">{label}</th>
      <td>
        <a className="patient-link" href={routeHref({ name: 'chart', patientId: p.id, section: 'summary' })}>
          {p.name}
        </a>
        <div className="mrn">{mrnLabel(p.mrn)}</div>
        {/* Age, sex and DOB under the name (and the admission under the attending), not columns
            of their own: the census fits the window at 1366 px and at 150% zoom. */}
        <div className="census-age">
          {ageSex(p, now)} · <span className="muted">DOB {formatDate(p.birthDate)}</span>
        </div>
      </td>
      <td>
        <AllergyFlag summary={p.allergies} />
      </td>
      <td>
        <CodeStatus value={p.codeStatus} />
      </td>
      <td>
        <Isolation values={p.isolation} />
      </td>
      <td>
        {p.attending ?? <span className="muted">Attending not recorded</span>}
        <div className="muted">Admitted {formatDate(p.admitDate)}</div>
      </td>
    </tr>
  );
}
