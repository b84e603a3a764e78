import { describe, expect, it } from 'vitest';
import { summarizeAllergies } from '../../electron/core/chart/facts/allergies';
import type { Allergy } from '../../electron/shared/contract';
import { allergyLine, bedLabel, dobWithAge, sexLabel } from '../../renderer/src/lib/patient';
import { parseRoute, routeHref } from '../../renderer/src/lib/route';
import { formatAge, formatAgeAt, formatDate, formatDateTime } from '../../renderer/src/lib/time';
import { cssString, freshnessLine, pageCss, patientPagesCss, type PageInfo } from '../../renderer/src/print/page-css';

process.env.TZ = 'UTC';

const allergy = (substance: string, extra: Partial<Allergy> = {}): Allergy => ({
  id: substance, substance, category: null, criticality: null, severity: null, reactions: [], clinicalStatus: 'active',
  verificationStatus: 'confirmed', recordedDate: null, noKnownAllergy: false, ...extra,
});

describe('dates and ages', () => {
  it('reads birth dates without shifting them across time zones', () => {
    expect(formatDate('1948-02-17')).toBe('17 Feb 1948');
    expect(formatDate('1948-02')).toBe('Feb 1948');
    expect(formatDate(null)).toBe('—');
    expect(formatDateTime('2026-11-21T14:05:00Z')).toBe('21 Nov 2026 14:05');
  });

  it('gives ages in years, months for infants, days for newborns', () => {
    const now = Date.parse('2026-11-21T12:00:00Z');
    expect(formatAgeAt('1948-02-17', now)).toBe('78 y');
    expect(formatAgeAt('1948-11-22', now)).toBe('77 y');
    expect(formatAgeAt('2026-03-01', now)).toBe('8 mo');
    expect(formatAgeAt('2026-11-09', now)).toBe('12 d');
    expect(dobWithAge('1948-02-17', now)).toBe('17 Feb 1948 (78 y)');
    expect(dobWithAge(null, now)).toBe('DOB not recorded');
  });

  // When it turns stale, then expired: test/shared/freshness.test.ts.
  it('says how old the data is', () => {
    expect(formatAge(133 * 60_000)).toBe('2 h 13 min');
    expect(formatAge(45 * 60_000)).toBe('45 min');
    expect(formatAge((3 * 24 + 4) * 3_600_000)).toBe('3 d 4 h');
  });
});

describe('patient identification', () => {
  it('lists active allergies with severity and says plainly when none are recorded', () => {
    const line = (list: Allergy[]) => allergyLine(summarizeAllergies(list));
    expect(line([allergy('Penicillin', { severity: 'severe', reactions: ['Anaphylaxis'] }), allergy('Latex', { criticality: 'low' })])).toBe(
      'ALLERGIES: Penicillin (severe: Anaphylaxis); Latex (low risk)',
    );
    expect(line([allergy('Codeine', { verificationStatus: 'unconfirmed' })])).toBe('ALLERGIES: Codeine — unconfirmed');
    expect(line([allergy('Codeine', { verificationStatus: 'refuted' })])).toBe('ALLERGIES: Not recorded — ask the patient');
    expect(line([allergy('Latex', { clinicalStatus: 'inactive' })])).toBe('ALLERGIES: None active (no longer active: Latex — inactive)');
    expect(line([allergy('No known allergy', { noKnownAllergy: true })])).toBe('ALLERGIES: No known allergies');
    expect(line([allergy('Penicillin'), allergy('NKDA', { noKnownAllergy: true })])).toBe(
      'ALLERGIES: Penicillin (the chart also says "no known allergies" — confirm with the patient)',
    );
    expect(line([])).toBe('ALLERGIES: Not recorded — ask the patient');
  });

  it('labels beds and sex compactly', () => {
    expect(bedLabel({ room: '412', bed: 'A' })).toBe('412-A');
    expect(bedLabel({ room: '201', bed: '201-A' })).toBe('201-A');
    expect(bedLabel(null)).toBe('—');
    expect(sexLabel('female')).toBe('F');
    expect(sexLabel('unknown')).toBe('unknown');
  });
});

describe('routes', () => {
  it('round-trips every screen through the URL hash, ids with slashes included', () => {
    for (const route of [
      { name: 'census', unit: '4W' },
      { name: 'chart', patientId: 'a/b c', section: 'labs' },
      { name: 'protocols', id: 'forms/paper-mar.html' },
      { name: 'print', kind: 'mar-unit', id: 'unit-icu' },
      { name: 'census', unit: null, all: true },
      { name: 'print', kind: 'census-all', id: 'all' },
    ] as const) {
      expect(parseRoute(routeHref(route))).toEqual(route);
    }
    expect(parseRoute('#/nonsense')).toEqual({ name: 'census', unit: null });
    expect(parseRoute('#/patient/p1/not-a-section')).toEqual({ name: 'chart', patientId: 'p1', section: 'summary' });
  });
});

describe('printed page margins', () => {
  const page: PageInfo = {
    facility: 'General',
    unit: '4 West',
    asOf: '21 Nov 2026 14:05',
    printedAt: '21 Nov 2026 16:40',
    demo: true,
    printedBy: null,
    emergency: false,
    orientation: 'landscape',
    freshness: { state: 'fresh', age: '2 h 35 min', expiresAt: '24 Nov 2026 14:05' },
  };

  it('names who printed on every sheet, and an emergency access session', () => {
    expect(pageCss({ ...page, printedBy: 'Jane Doe (RN)' })).toContain('@bottom-left { content: "Printed 21 Nov 2026 16:40 by Jane Doe (RN)";');
    expect(pageCss({ ...page, printedBy: 'Sam "Q" Lee (Agency RN)', emergency: true })).toContain('content: "Printed 21 Nov 2026 16:40 by Sam \\"Q\\" Lee (Agency RN) · EMERGENCY ACCESS"; font-family');
  });

  it('puts read-only, as-of, print time and page x of y in the margins, DEMO when demo', () => {
    const css = pageCss(page);
    expect(css).toContain('"DOWNTIME COPY — READ ONLY · DEMO DATA"');
    expect(css).toContain('"Data as of 21 Nov 2026 14:05"');
    expect(css).toContain('"Printed 21 Nov 2026 16:40"');
    expect(css).toContain('"Page " counter(page) " of " counter(pages)');
    expect(css).toContain('DEMO DATA — NOT REAL PATIENTS');
    expect(css).toContain('size: landscape');
    expect(css).not.toMatch(/STALE|EXPIRED/);
  });

  it('says STALE with the age, or EXPIRED with the age and the expiry, above the read-only line of every page', () => {
    const stale = { ...page, demo: false, freshness: { ...page.freshness, state: 'stale' as const } };
    expect(freshnessLine(stale.freshness)).toBe('STALE COPY — DATA 2 h 35 min OLD');
    expect(pageCss(stale)).toContain('@top-left { content: "STALE COPY — DATA 2 h 35 min OLD" "\\A " "DOWNTIME COPY — READ ONLY";');
    const expired = { ...page, freshness: { state: 'expired' as const, age: '9 d 4 h', expiresAt: '24 Nov 2026 14:05' } };
    expect(freshnessLine(expired.freshness)).toBe('EXPIRED COPY — DATA 9 d 4 h OLD, expired 24 Nov 2026 14:05');
    expect(pageCss(expired)).toContain('content: "EXPIRED COPY — DATA 9 d 4 h OLD, expired 24 Nov 2026 14:05" "\\A " "DOWNTIME COPY — READ ONLY · DEMO DATA";');
    expect(freshnessLine(page.freshness)).toBeNull();
  });

  it('gives each patient named pages whose margins carry identifiers, DOB and allergies', () => {
    const css = patientPagesCss([
      { identity: 'Whitfield, Eleanor · MRN 100234 · DOB 17 Feb 1948 (78 y)', allergies: 'ALLERGIES: Penicillin (severe: Anaphylaxis)' },
      { identity: 'Okafor, Grace · MRN 200137 · DOB 28 Aug 2000 (26 y)', allergies: 'ALLERGIES: No known allergies' },
    ]);
    expect(css).toContain('[data-page="patient-1"] { page: patient-1; }');
    expect(css).toMatch(/@page patient-0 \{\s*@top-center \{ content: "Whitfield, Eleanor · MRN 100234 · DOB 17 Feb 1948 \(78 y\)"/);
    expect(css).toContain('content: "ALLERGIES: No known allergies"');
  });

  it('cannot be broken out of by a facility name', () => {
    expect(cssString('A "quoted" \\ name\n} body { display: none')).toBe('"A \\"quoted\\" \\\\ name } body { display: none"');
  });
});
