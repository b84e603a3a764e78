/** The app's screens, addressed by the URL hash so Back works and a screen can be linked. */
export const CHART_TABS = [
  { id: 'summary', label: 'Summary' },
  { id: 'medications', label: 'Medications' },
  { id: 'vitals', label: 'Vitals' },
  { id: 'labs', label: 'Labs' },
  { id: 'problems', label: 'Problems' },
  { id: 'notes', label: 'Notes' },
  { id: 'orders', label: 'Orders' },
  { id: 'care-team', label: 'Care team' },
  { id: 'other', label: 'Other records' },
] as const;
export type ChartSection = (typeof CHART_TABS)[number]['id'];

/** census-all: the census of every unit with every patient without a bed (its id is ignored). */
export type PrintKind = 'mar-unit' | 'mar' | 'summary' | 'census' | 'census-all' | 'protocol';

export type Route =
  /** all: every unit's beds and every patient without a bed, never narrowed to the first unit. */
  | { name: 'census'; unit: string | null; all?: true }
  | { name: 'chart'; patientId: string; section: ChartSection }
  | { name: 'protocols'; id: string | null }
  | { name: 'print'; kind: PrintKind; id: string };

const PRINT_KINDS: readonly PrintKind[] = ['mar-unit', 'mar', 'summary', 'census', 'census-all', 'protocol'];
const isSection = (s: string | undefined): s is ChartSection => CHART_TABS.some((c) => c.id === s);

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return '';
    }
  });
  const [head, a, b] = parts;
  if (head === 'patient' && a) return { name: 'chart', patientId: a, section: isSection(b) ? b : 'summary' };
  if (head === 'protocols') return { name: 'protocols', id: a || null };
  if (head === 'print' && a && b && (PRINT_KINDS as readonly string[]).includes(a)) {
    return { name: 'print', kind: a as PrintKind, id: b };
  }
  if (head === 'census') return { name: 'census', unit: a || null };
  if (head === 'all-patients') return { name: 'census', unit: null, all: true };
  return { name: 'census', unit: null };
}

export function routeHref(route: Route): string {
  const e = encodeURIComponent;
  switch (route.name) {
    case 'census':
      return route.unit ? `#/census/${e(route.unit)}` : route.all ? '#/all-patients' : '#/census';
    case 'chart':
      return `#/patient/${e(route.patientId)}/${route.section}`;
    case 'protocols':
      return route.id ? `#/protocols/${e(route.id)}` : '#/protocols';
    case 'print':
      return `#/print/${route.kind}/${e(route.id)}`;
  }
}

export function navigate(route: Route): void {
  window.location.hash = routeHref(route);
}

const PRINT_LABELS: Record<PrintKind, string> = {
  'mar-unit': 'Unit MAR',
  mar: 'MAR',
  summary: 'Summary',
  census: 'Census',
  'census-all': 'Census of all units',
  protocol: 'Document',
};

/**
 * The window title: which screen, never who. A title shows on the taskbar, in the window
 * switcher and as the default name of a saved PDF, so a patient's name has no place in it.
 */
export function screenTitle(route: Route, unitName: string | null): string {
  const screen = (() => {
    switch (route.name) {
      case 'census':
        return route.all ? 'Census — all units and patients' : unitName ? `Census — ${unitName}` : 'Census';
      case 'chart':
        return `Chart — ${CHART_TABS.find((s) => s.id === route.section)!.label}`;
      case 'protocols':
        return 'Protocols and forms';
      case 'print':
        return `Print preview — ${PRINT_LABELS[route.kind]}`;
    }
  })();
  return `${screen} · Lantern`;
}

/**
 * Where a screen's heading is, for the focus after a navigation: the chart's patient name on
 * opening a chart, the section's heading on moving between sections of the same chart.
 */
export function headingSelector(route: Route, previous: Route | null): string {
  if (route.name === 'chart') {
    const sameChart = previous?.name === 'chart' && previous.patientId === route.patientId;
    return sameChart ? '.chart-section h2' : '.patient-banner h1';
  }
  if (route.name === 'protocols' && route.id) return '[data-testid="protocol-document"] h1';
  return 'h1';
}

/** The screen a print preview was opened from, when the history cannot say. */
export function parentRoute(route: Route): Route {
  if (route.name !== 'print') return { name: 'census', unit: null };
  switch (route.kind) {
    case 'mar':
      return { name: 'chart', patientId: route.id, section: 'medications' };
    case 'summary':
      return { name: 'chart', patientId: route.id, section: 'summary' };
    case 'mar-unit':
    case 'census':
      return { name: 'census', unit: route.id };
    case 'census-all':
      return { name: 'census', unit: null, all: true };
    case 'protocol':
      return { name: 'protocols', id: route.id };
  }
}

/*
 * How many in-app screens lie behind the current history entry. Each entry is stamped when it
 * is first seen; Back and Forward bring the stamp back. Without it, Back on the first screen
 * would leave the app (or, in the desktop app, do nothing).
 */
interface DepthState {
  lanternDepth?: number;
}
let depth = 0;
let lengthSeen = 0;

/** Call on start and on every hash change. */
export function noteHistoryEntry(): void {
  const state = (window.history.state ?? null) as DepthState | null;
  if (typeof state?.lanternDepth === 'number') {
    depth = state.lanternDepth;
  } else {
    // A longer history is a new entry; the same length is a replaced one (location.replace).
    if (lengthSeen > 0 && window.history.length > lengthSeen) depth += 1;
    window.history.replaceState({ ...(state ?? {}), lanternDepth: depth }, '');
  }
  lengthSeen = window.history.length;
}

/** Back to the previous screen if there is one in the app, else to `fallback`. */
export function goBack(fallback: Route): void {
  if (depth > 0) window.history.back();
  else window.location.replace(routeHref(fallback));
}
