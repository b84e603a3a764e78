/** The app's screens, addressed by the URL hash so Back works and a screen can be linked. */
export const CHART_SECTIONS = [
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
export type ChartSection = (typeof CHART_SECTIONS)[number]['id'];

/** census-all: the census of every unit with every patient without a bed (its id is ignored). */
export type PrintKind = 'mar-unit' | 'mar' | 'summary' | 'census' | 'census-all' | 'protocol';

export type Route =
  /** all: every unit's beds and every patient without a bed, never narrowed to the first unit. */
  | { name: 'census'; unit: string | null; all?: true }
  | { name: 'chart'; patientId: string; section: ChartSection }
  | { name: 'protocols'; id: string | null }
  | { name: 'print'; kind: PrintKind; id: string };

const PRINT_KINDS: readonly PrintKind[] = ['mar-unit', 'mar', 'summary', 'census', 'census-all', 'protocol'];
const isSection = (s: string | undefined): s is ChartSection => CHART_SECTIONS.some((c) => c.id === s);

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
