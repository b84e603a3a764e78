import type { Chart } from '../../../electron/shared/contract';
import { CHART_SECTIONS, routeHref, type ChartSection } from '../lib/route';
import { dobWithAge, mrnLabel, placeLine, sexLabel } from '../lib/patient';
import { datedWhenOld } from '../lib/time';
import { AllergyList, CodeStatus, Isolation } from './Flags';

/**
 * Who this chart belongs to, always in view: two identifiers (name, MRN) with DOB, where the
 * patient is, allergies with severity, code status, isolation, weight/height, attending.
 */
export function PatientBanner({ chart, section, now }: { chart: Chart; section: ChartSection; now: number }) {
  const p = chart.patient;
  return (
    <div className="patient-banner" data-testid="patient-banner">
      <div className="banner-main">
        <h1 className="banner-name" data-testid="banner-name">
          {p.name}
        </h1>
        <span className="banner-id mrn" data-testid="banner-mrn">
          {mrnLabel(p.mrn)}
        </span>
        <span className="banner-id" data-testid="banner-dob">
          DOB {dobWithAge(p.birthDate, now)}
        </span>
        <span className="banner-id">{sexLabel(p.sex)}</span>
        <span className="banner-id">
          {placeLine(p.location)}
        </span>
        {p.deceased && <span className="flag flag-allergy">DECEASED</span>}
      </div>
      <div className="banner-allergies">
        <span className="label">Allergies:</span>
        <AllergyList summary={chart.allergySummary} />
      </div>
      <dl className="banner-facts">
        <div>
          <dt>Code status</dt>
          <dd data-testid="banner-code-status">
            <CodeStatus value={chart.codeStatus} />
          </dd>
        </div>
        <div>
          <dt>Isolation</dt>
          <dd>
            <Isolation values={chart.isolation} />
          </dd>
        </div>
        <div>
          <dt>Weight</dt>
          <dd data-testid="banner-weight">{chart.weight ? datedWhenOld(chart.weight, chart.weightAt, now) : 'not recorded'}</dd>
        </div>
        <div>
          <dt>Height</dt>
          <dd data-testid="banner-height">{chart.height ? datedWhenOld(chart.height, chart.heightAt, now) : 'not recorded'}</dd>
        </div>
        <div>
          <dt>Attending</dt>
          <dd>{chart.attending ?? 'not recorded'}</dd>
        </div>
      </dl>
      <nav className="section-tabs" aria-label="Chart sections">
        {CHART_SECTIONS.map((s) => (
          <a key={s.id} href={routeHref({ name: 'chart', patientId: p.id, section: s.id })} aria-current={s.id === section ? 'page' : undefined}>
            {s.label}
          </a>
        ))}
        <div className="chart-actions">
            <a className="button" href={routeHref({ name: 'print', kind: 'mar', id: p.id })}>
              Print MAR
            </a>
            <a className="button" href={routeHref({ name: 'print', kind: 'summary', id: p.id })}>
              Print summary
            </a>
        </div>
      </nav>
    </div>
  );
}
