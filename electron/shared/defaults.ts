/**
 * Defaults that every surface must agree on (the views, the printed pages, the CLI, the bench,
 * the queries themselves): each is defined here once.
 */

/** Minutes after the data-as-of time when a copy is flagged stale, unless the home or policy says otherwise. */
export const DEFAULT_STALE_AFTER_MINUTES = 120;

/** How far a snapshot's, a pointer's or a roster's time may lie ahead of the workstation's clock, in minutes, unless the home says otherwise. */
export const DEFAULT_CLOCK_SKEW_MINUTES = 5;

/** Minutes between two heartbeats of a station (docs/FLEET.md), unless the policy says otherwise. */
export const DEFAULT_HEARTBEAT_MINUTES = 15;
/** A station whose last heartbeat is older than this many of its intervals is reported silent. */
export const SILENT_AFTER_INTERVALS = 2;

/** The medication administration record covers the 72 hours up to the data-as-of time... */
export const MAR_HOURS = 72;
/** ...and the 12 after it, so that doses falling due are on the page. */
export const MAR_AHEAD_HOURS = 12;

/** A charted dose within this many minutes of a scheduled time answers it; a scheduled time no dose answers is "not charted" (or "due"). */
export const MAR_MATCH_MINUTES = 120;

const HOUR_MS = 3_600_000;

/** The MAR window of a snapshot whose data is as of `asOf`: what the chart shows and the MAR prints. */
export function marWindow(asOf: string): { from: string; to: string } {
  const at = Date.parse(asOf);
  return { from: new Date(at - MAR_HOURS * HOUR_MS).toISOString(), to: new Date(at + MAR_AHEAD_HOURS * HOUR_MS).toISOString() };
}

/**
 * The most patients one census group lists (by name) on the screen and in the CLI unless the
 * request asks for more; the group says how many it holds, and search finds every patient. A
 * health system's export can hold thousands of outpatients with no bed.
 */
export const CENSUS_GROUP_LIMIT = 200;

/**
 * The most a census request may ask one group to list (`groupLimit`): the printed census asks
 * for this many, so paper lists every patient of a group (some 180 pages at this bound) — beyond
 * it, the page says how many it leaves out and that search finds them, as the screen does.
 */
export const CENSUS_GROUP_MAX = 5_000;
/** How many patients one search returns unless the caller asks for another number (search box, CLI, bench)... */
export const SEARCH_LIMIT = 25;
/** ...and the most a caller may ask for. */
export const SEARCH_LIMIT_MAX = 200;
/** The longest search text accepted; the search box sends no more than this. */
export const SEARCH_TEXT_MAX = 100;
