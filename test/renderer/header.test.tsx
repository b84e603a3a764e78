import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { AppStatus } from '../../electron/shared/contract';
import { Header } from '../../renderer/src/components/Header';
import { formatDateTime } from '../../renderer/src/lib/time';

const NOW = Date.parse('2026-11-21T15:00:00Z');
const status: AppStatus = {
  demo: false,
  staleAfterMinutes: 120,
  snapshot: {
    facility: { id: 'GH', name: 'General Hospital' },
    units: [],
    sequence: 7,
    asOf: '2026-11-21T14:20:00Z',
    ingestedAt: '2026-11-21T14:25:00Z',
    expiresAt: '2026-11-24T14:20:00Z',
    counts: { Patient: 412 },
  },
  lastRejection: null,
  lastFailure: null,
  now: new Date(NOW).toISOString(),
};

const render = (s: AppStatus) => renderToStaticMarkup(<Header status={s} now={NOW} unitName={null} onSearch={() => {}} />);
const text = (html: string, testId: string) => {
  const m = new RegExp(`<div[^>]*data-testid="${testId}"[^>]*>(.*?)</div>`).exec(html);
  return m ? m[1]!.replace(/<[^>]+>/g, '').replace(/&#x27;/g, "'").replace(/&quot;/g, '"') : null;
};

describe('the header when the copy on screen is not the newest', () => {
  it('says nothing extra for the newest copy', () => {
    const html = render(status);
    expect(text(html, 'fallback-notice')).toBeNull();
    expect(text(html, 'held-back-notice')).toBeNull();
  });

  it('says that the snapshot in use was damaged and which copy is shown, as an alert', () => {
    const html = render({ ...status, fallback: { at: '2026-11-21T14:50:00Z', kind: 'damaged', from: { sequence: 8, asOf: '2026-11-21T14:40:00Z' }, reason: 'the database file is missing' } });
    expect(html).toMatch(/role="alert" data-testid="fallback-notice"/);
    expect(text(html, 'fallback-notice')).toMatch(/^The snapshot in use was damaged; showing the previous copy, data as of \d\d \w{3} 2026 \d\d:\d0\./);
  });

  it('says that a new snapshot was held back, with the numbers and what IT can do', () => {
    const held = { at: '2026-11-21T14:55:00Z', file: 'general-8.lantern', sequence: 8, asOf: '2026-11-21T14:40:00Z', patients: { snapshot: 3, inUse: 412 }, missing: [] };
    expect(text(render({ ...status, heldBack: held }), 'held-back-notice')).toBe(
      'A new snapshot was held back: it has 3 patients where the copy in use has 412. The copy in use is still shown. ' +
        'IT: check the EHR export and the publisher; if the change is real, take it on purpose with ' +
        'lantern ingest FILE --home DIR --accept-drop (FILE: general-8.lantern, sequence 8).',
    );
  });
});

describe('the header on an expired copy', () => {
  it('carries the EXPIRED banner with the age core decided, on every screen, as an alert and instead of the stale warning', () => {
    const later = Date.parse('2026-12-03T18:00:00Z');
    const expired: AppStatus = { ...status, now: new Date(later).toISOString(), expired: { sequence: 7, ageDays: 12, charts: 'open' } };
    const html = renderToStaticMarkup(<Header status={expired} now={later} unitName={null} onSearch={() => {}} />);
    expect(html).toMatch(/role="alert" data-testid="expired-banner"/);
    expect(text(html, 'expired-banner')).toBe(
      `EXPIRED — this copy is 12 days old (data as of ${formatDateTime('2026-11-21T14:20:00Z')}). ` +
        'Anything after that time is not shown: check every value against paper records, and call the IT service desk.',
    );
    expect(text(html, 'stale-warning')).toBeNull();
    // Core did not say expired: no banner, whatever the page's own clock says.
    const pastExpiry = Date.parse('2026-11-25T00:00:00Z');
    expect(text(renderToStaticMarkup(<Header status={status} now={pastExpiry} unitName={null} onSearch={() => {}} />), 'expired-banner')).toBeNull();
  });
});
