import { useEffect } from 'react';
import type { Census, CensusBed, CensusGroup, CensusPatient } from '../../../electron/shared/contract';
import { AllergyFlag, CodeStatus, Isolation } from '../components/Flags';
import { LoadView } from '../components/LoadState';
import { UnitSwitcher } from '../components/UnitSwitcher';
import { useRequest } from '../hooks/useRequest';
import { ageSex, bedLabel, censusGroupCut, censusGroupNote, censusGroupTitle, mrnLabel, noBedText } from '../lib/patient';
import { noteFoundVia } from '../lib/found-via';
import { parseRoute, routeHref } from '../lib/route';
import { formatDate } from '../lib/time';

/**
 * The unit's beds in order: who is where, allergies, code status, isolation; then its patients
 * without a bed, by the class of their encounter. `all`: every unit and every patient.
 */
export function CensusView({ unit, all = false, now, onUnit }: { unit: string | null; all?: boolean; now: number; onUnit: (name: string | null) => void }) {
  const load = useRequest('census', unit ? { unit } : {});
  const unitName = load.state === 'ready' ? (load.value.unit?.name ?? null) : null;
  useEffect(() => onUnit(unitName), [unitName, onUnit]);
  // No unit chosen and the answer covers several: open the first unit's census instead, but
  // only while the address still asks for no unit. A screen chosen while this census was
  // loading (a link, a print view) is not overwritten.
  const firstUnit = load.state === 'ready' && !load.value.unit && !all ? (load.value.units[0]?.id ?? null) : null;
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
  const withoutBed = census.groups.reduce((n, g) => n + g.total, 0);
  const unitId = census.unit?.id ?? null;
  return (
    <>
      <div className="view-head">
        <h1>
          Census — {census.unit?.name ?? 'All units'}{' '}
          <span className="count" data-testid="census-count">
            {census.beds.length > 0 && (
              <>
                {occupied} patient{occupied === 1 ? '' : 's'}, {census.beds.length - occupied} empty bed
                {census.beds.length - occupied === 1 ? '' : 's'}
              </>
            )}
            {census.beds.length > 0 && withoutBed > 0 && ', '}
            {withoutBed > 0 && `${withoutBed.toLocaleString('en-US')} without a bed`}
            {census.beds.length === 0 && withoutBed === 0 && '0 patients'}
          </span>
        </h1>
        <div className="actions">
          {unitId && (
            <a className="button" href={routeHref({ name: 'print', kind: 'mar-unit', id: unitId })}>
              Print unit MAR
            </a>
          )}
          {(unitId || census.beds.length > 0 || census.groups.length > 0) && (
            <a className="button" href={routeHref(unitId ? { name: 'print', kind: 'census', id: unitId } : { name: 'print', kind: 'census-all', id: 'all' })}>
              Print census
            </a>
          )}
        </div>
      </div>
      <UnitSwitcher units={census.units} current={unitId} />
      {census.beds.length === 0 && census.groups.length === 0 ? (
        <p className="empty" data-testid="census-empty">
          No patient in this snapshot is assigned to a bed on this unit. Find a patient with Search (Ctrl+K or /).
        </p>
      ) : (
        census.beds.length > 0 && (
          <table className="data census-table" data-testid="census-table">
            <CensusHead first="Bed" />
            <tbody>
              {census.beds.map((bed, i) => (
                <BedRow key={`${bed.locationId ?? ''}-${bed.room ?? ''}-${bed.bed}-${i}`} bed={bed} now={now} />
              ))}
            </tbody>
          </table>
        )
      )}
      {census.groups.map((g) => (
        <GroupTable key={`${g.kind}-${g.encounterClass ?? ''}-${g.unit?.id ?? ''}`} group={g} now={now} />
      ))}
      {unitId && census.withoutUnit > 0 && (
        <p className="muted" data-testid="census-elsewhere">
          {census.withoutUnit.toLocaleString('en-US')} patient{census.withoutUnit === 1 ? ' has' : 's have'} neither a bed nor a unit in this copy:{' '}
          <a href={routeHref({ name: 'census', unit: null, all: true })}>see all units and patients</a>.
        </p>
      )}
      {!unitId && census.units.length > 0 && (
        <p className="muted">
          <a href={routeHref({ name: 'census', unit: census.units[0]!.id })}>Back to one unit’s census</a>
        </p>
      )}
    </>
  );
}

function CensusHead({ first }: { first: string }) {
  return (
    <thead>
      <tr>
        <th scope="col">{first}</th>
        <th scope="col">Patient</th>
        <th scope="col">Allergies</th>
        <th scope="col">Code status</th>
        <th scope="col">Isolation</th>
        <th scope="col">Attending, admitted</th>
      </tr>
    </thead>
  );
}

/** One group of patients without a bed, under its heading and count. */
function GroupTable({ group, now }: { group: CensusGroup; now: number }) {
  const cut = censusGroupCut(group);
  return (
    <section className="census-group" data-testid="census-group" aria-label={censusGroupTitle(group)}>
      <h2>
        {censusGroupTitle(group)}{' '}
        <span className="count">
          {group.total.toLocaleString('en-US')} patient{group.total === 1 ? '' : 's'} without a bed
        </span>
      </h2>
      <p className="muted">{censusGroupNote(group)}</p>
      <table className="data census-table" data-testid="census-group-table">
        <CensusHead first="Place" />
        <tbody>
          {group.patients.map((p) => (
            <PatientRow key={p.id} label={noBedText(p)} p={p} now={now} />
          ))}
        </tbody>
      </table>
      {cut && (
        <p className="muted" data-testid="census-group-cut">
          {cut} (Ctrl+K or /)
        </p>
      )}
    </section>
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
  return <PatientRow label={label} p={p} now={now} />;
}

function PatientRow({ label, p, now }: { label: string; p: CensusPatient; now: number }) {
  return (
    <tr data-testid="census-row">
      <th scope="row">{label}</th>
      <td>
        <a className="patient-link" href={routeHref({ name: 'chart', patientId: p.id, section: 'summary' })} onClick={() => noteFoundVia(p.id, 'census')}>
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
        <CodeStatus value={p.codeStatus} limits={p.codeStatusLimits} />
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
