import type { ExpiredCopy, Fallback, HeldBack } from './contract/status';

/**
 * The sentences that tell a nurse and IT that the copy on screen is not the newest one that
 * arrived: a held-back snapshot, or a switch to an earlier copy. One wording for the app's
 * header and `lantern status`. Counts and sequence numbers only, never content.
 */

const count = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const plural = (n: number, one: string, many: string) => `${count(n)} ${n === 1 ? one : many}`;

/** What the held-back snapshot lacks, e.g. "3 patients where the copy in use has 412". */
export function heldBackWhat(held: HeldBack): string {
  const parts: string[] = [];
  if (held.patients) parts.push(`${plural(held.patients.snapshot, 'patient', 'patients')} where the copy in use has ${count(held.patients.inUse)}`);
  if (held.missing.length > 0) {
    const types = held.missing.map((m) => `${m.type} (${count(m.inUse)} in the copy in use)`);
    parts.push(`no ${types.join(', ')} records`);
  }
  return parts.join(', and ');
}

/**
 * "A new snapshot was held back: it has 3 patients where the copy in use has 412. ..."
 * `home` (the home folder, for IT at the command line) makes the command exact.
 */
export function heldBackNotice(held: HeldBack, options: { home?: string } = {}): string {
  const home = options.home ? `"${options.home}"` : 'DIR';
  return (
    `A new snapshot was held back: it has ${heldBackWhat(held)}. The copy in use is still shown. ` +
    `IT: check the EHR export and the publisher; if the change is real, take it on purpose with ` +
    `lantern ingest FILE --home ${home} --accept-drop (FILE: ${held.file}, sequence ${held.sequence}).`
  );
}

/** "The snapshot in use was damaged; showing the previous copy, data as of ..." */
export function fallbackNotice(fallback: Fallback, asOfText: string): string {
  return fallback.kind === 'damaged'
    ? `The snapshot in use was damaged; showing the previous copy, data as of ${asOfText}. Anything after that time is not shown; tell IT (lantern status has the details).`
    : `IT switched back to an earlier copy of the chart; showing data as of ${asOfText}.`;
}

/** "9 days", "1 day", "less than a day": the age of an expired copy, as a nurse confirms it. */
export function copyAgeInDays(ageDays: number): string {
  if (ageDays < 1) return 'less than a day';
  return plural(ageDays, 'day', 'days');
}

/** The words a nurse confirms before a chart of an expired copy opens. */
export const expiredAcknowledgement = (ageDays: number): string => `I understand this copy is ${copyAgeInDays(ageDays)} old`;

/** What stays available on an expired copy, said wherever charts are closed. */
const STILL_HERE = 'The downtime protocols and forms, patient search and the census are still here.';

/**
 * Why a chart does not open on an expired copy and what to do instead: the API's refusal,
 * shown as is on the screen that replaces the chart.
 */
export function expiredChartsNotice(copy: Pick<ExpiredCopy, 'ageDays' | 'charts'>): string {
  const age = `This copy of the chart has expired: its data is ${copyAgeInDays(copy.ageDays)} old, and doses, orders and results since then are not in it.`;
  if (copy.charts === 'blocked') {
    return (
      `${age} This workstation’s policy keeps charts closed on an expired copy. ` +
      `Use your unit’s paper downtime records for patient care. ${STILL_HERE} ` +
      'Call the IT service desk: no new snapshot has reached this workstation.'
    );
  }
  return `${age} A chart opens only once you confirm that you understand its age. ${STILL_HERE}`;
}

/** The banner on every screen while the copy in use has expired: it cannot be closed. */
export function expiredBanner(copy: Pick<ExpiredCopy, 'ageDays'>, asOfText: string): string {
  return (
    `EXPIRED — this copy is ${copyAgeInDays(copy.ageDays)} old (data as of ${asOfText}). ` +
    'Anything after that time is not shown: check every value against paper records, and call the IT service desk.'
  );
}

/** The first, bold sentence of the warning on every screen while the copy in use is stale: "STALE DATA — 5 h 7 min old." */
export const staleHeadline = (ageText: string): string => `STALE DATA — ${ageText} old.`;

/** What the stale warning goes on to say: from when the copy is, and what to do about it. */
export const staleDetail = (asOfText: string): string =>
  `This copy is from ${asOfText}. Doses, orders and results after that time are not shown. Confirm with the charge nurse or pharmacy before acting on it.`;

/** The whole stale warning, as one line (the CLI). */
export const staleBanner = (ageText: string, asOfText: string): string => `${staleHeadline(ageText)} ${staleDetail(asOfText)}`;
