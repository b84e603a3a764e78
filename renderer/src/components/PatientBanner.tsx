import { useLayoutEffect, useRef, type RefObject } from 'react';
import type { Chart } from '../../../electron/shared/contract';
import { CHART_TABS, routeHref, type ChartSection } from '../lib/route';
import { dobWithAge, mrnLabel, placeLine, sexLabel } from '../lib/patient';
import { datedWhenOld } from '../lib/time';
import { AllergyList, CodeStatus, Isolation } from './Flags';

/**
 * Who this chart belongs to. The first part stays in view however far the chart scrolls: two
 * identifiers (name, MRN) with DOB, where the patient is, allergies with severity, code status
 * and isolation. Weight, height, attending and the section tabs scroll away beneath it, so on
 * a small or zoomed screen the banner condenses to that strip and the table gets the room.
 */
export function PatientBanner({ chart, section, now }: { chart: Chart; section: ChartSection; now: number }) {
  const p = chart.patient;
  const strip = useRef<HTMLDivElement>(null);
  useStripHeight(strip);
  return (
    <>
      <div className="patient-banner" data-testid="patient-banner" ref={strip}>
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
          <span className="banner-id">{placeLine(p.location)}</span>
          {p.deceased && <span className="flag flag-allergy">DECEASED</span>}
        </div>
        <div className="banner-alerts">
          <div className="banner-allergies">
            <span className="label">Allergies:</span>
            <AllergyList summary={chart.allergySummary} />
          </div>
          <dl className="banner-facts">
            <div>
              <dt>Code status</dt>
              <dd data-testid="banner-code-status">
                <CodeStatus value={chart.codeStatus} limits={chart.codeStatusLimits} />
              </dd>
            </div>
            <div>
              <dt>Isolation</dt>
              <dd data-testid="banner-isolation">
                <Isolation values={chart.isolation} />
              </dd>
            </div>
          </dl>
        </div>
      </div>
      <div className="banner-more" data-testid="banner-more">
        <dl className="banner-facts">
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
          {CHART_TABS.map((s) => (
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
    </>
  );
}

/**
 * The strip's height and how far down the window it sits, as CSS variables on the chart:
 * table headings stick just below the strip instead of under it, and a long (virtualized)
 * table fits the room left beneath it.
 */
function useStripHeight(strip: RefObject<HTMLDivElement | null>): void {
  useLayoutEffect(() => {
    const el = strip.current;
    const chart = el?.parentElement;
    if (!el || !chart) return;
    const scroller = el.closest('#main') ?? document.documentElement;
    const update = () => {
      chart.style.setProperty('--banner-h', `${Math.ceil(el.offsetHeight)}px`);
      chart.style.setProperty('--above-pane', `${Math.ceil(scroller.getBoundingClientRect().top + el.offsetHeight)}px`);
    };
    update();
    const observer = new ResizeObserver(update);
    observer.observe(el);
    observer.observe(scroller);
    return () => observer.disconnect();
  }, [strip]);
}
