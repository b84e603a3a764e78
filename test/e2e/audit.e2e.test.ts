import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditLog, type AuditEntry, type AuditLog } from '../../electron/core/home/audit';
import type { Census } from '../../electron/shared/contract';
import { chromiumPath, go, openPage, startApp, type App } from './support/app';
import { generatedHome, type E2eHome } from './support/homes';

/**
 * What the audit log hears from the screens: a chart opened from the census and from the
 * patient search says so, a chart reached by its address is a link, and each tab shown is a
 * section viewed.
 */
describe.skipIf(!chromiumPath)('the audit log, from the screens', () => {
  let home: E2eHome;
  let audit: AuditLog;
  let app: App;
  let census: Census;

  beforeAll(async () => {
    home = await generatedHome({ beds: 6, units: 1 });
    audit = openAuditLog(home.dir);
    app = await startApp({ ...home.context, audit });
    census = home.context.queries()!.census({ unit: home.units[0]!.id });
  });
  afterAll(async () => {
    await app?.close();
    audit?.close();
    home?.close();
  });

  const opened = () => audit.entries().filter((e): e is Extract<AuditEntry, { kind: 'chart-opened' }> => e.kind === 'chart-opened');
  const viewed = () => audit.entries().filter((e): e is Extract<AuditEntry, { kind: 'section-viewed' }> => e.kind === 'section-viewed');

  it('records the census, the search and a link as the way to each chart, and every tab shown', async () => {
    const [first, second] = census.beds.flatMap((b) => (b.patient ? [b.patient] : []));
    const page = await openPage(app);
    await go(page, `#/census/${census.unit!.id}`);
    await page.getByTestId('census-row').first().waitFor();

    await page.getByRole('link', { name: first!.name }).click();
    await page.getByTestId('section-summary').waitFor();
    await expect.poll(() => opened().at(-1)).toMatchObject({ patient: first!.id, foundVia: 'census' });
    await expect.poll(() => viewed().at(-1)).toMatchObject({ patient: first!.id, section: 'summary' });

    await page.getByRole('link', { name: 'Labs', exact: true }).click();
    await page.getByTestId('section-labs').waitFor();
    await expect.poll(() => viewed().at(-1)).toMatchObject({ patient: first!.id, section: 'labs' });
    // Moving between tabs of the same chart does not open it again.
    expect(opened().filter((e) => e.patient === first!.id)).toHaveLength(1);

    await page.keyboard.press('Control+k');
    await page.keyboard.type(second!.name.split(/[ ,]+/)[0]!);
    await page.getByTestId('search-result').filter({ hasText: second!.name }).first().click();
    await page.getByTestId('section-summary').waitFor();
    await expect.poll(() => opened().at(-1)).toMatchObject({ patient: second!.id, foundVia: 'search' });

    await go(page, `#/patient/${encodeURIComponent(first!.id)}/vitals`);
    await page.getByTestId('section-vitals').waitFor();
    await expect.poll(() => opened().at(-1)).toMatchObject({ patient: first!.id, foundVia: 'link' });
    await expect.poll(() => viewed().at(-1)).toMatchObject({ patient: first!.id, section: 'vitals' });
    expect(page.errors).toEqual([]);
  });
});
