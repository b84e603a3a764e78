import type { Administration, HomeQueries, MarRow, MedicationOrder } from '../../../shared/contract';
import { MAR_HOURS, MAR_MATCH_MINUTES, marWindow } from '../../../shared/defaults';
import { LanternError } from '../../../shared/errors';
import { S } from '../codes';
import { marEvents } from '../facts/mar';
import type { OrderAux } from '../map';
import { doseInterval, dueTimes } from '../schedule';
import { HOUR, medRank, ms, type QueryContext } from './context';

/** The medication administration record: each order with its due times and documented doses in a window. */
export function createMar(q: QueryContext): HomeQueries['mar'] {
  return ({ patientId, from, to }) => {
    const p = q.requirePatient(patientId);
    // Without a window: the one every screen and print uses.
    const window = marWindow(q.asOf);
    const toMs = Date.parse(to ?? window.to);
    const fromMs = from ? Date.parse(from) : Math.min(toMs, q.asOfMs) - MAR_HOURS * HOUR;
    if (!(toMs > fromMs)) throw new LanternError('BAD_REQUEST', 'The MAR window must end after it starts.');
    if (toMs - fromMs > 31 * 24 * HOUR) throw new LanternError('BAD_REQUEST', 'The MAR window can be at most 31 days.');
    const orders = new Map<string, { order: MedicationOrder; schedule: OrderAux | null }>();
    for (const r of q.rowsOf(p.pkey, S.MEDREQ)) {
      orders.set(r.id, { order: q.parse<MedicationOrder>(r.data), schedule: r.schedule ? (JSON.parse(r.schedule) as OrderAux) : null });
    }
    const adminsByOrder = new Map<string, Administration[]>();
    for (const r of q.rowsOf(p.pkey, S.MEDADMIN)) {
      const a = q.parseItem<Administration>(S.MEDADMIN, r);
      const key = a.orderId && orders.has(a.orderId) ? a.orderId : `unmatched:${a.medication}`;
      let list = adminsByOrder.get(key);
      if (!list) adminsByOrder.set(key, (list = []));
      list.push(a);
    }
    const rows: MarRow[] = [];
    const consider = new Set<string>([...orders.keys(), ...adminsByOrder.keys()]);
    for (const key of consider) {
      const entry = orders.get(key);
      const all = (adminsByOrder.get(key) ?? []).slice().sort((a, b) => (ms(a.at) ?? 0) - (ms(b.at) ?? 0));
      const inWindow = all.filter((a) => {
        const t = ms(a.at);
        return t !== null && t >= fromMs && t <= toMs;
      });
      const order: MedicationOrder = entry?.order ?? unmatchedOrder(key, all[0]?.medication);
      const live = ['active', 'on-hold', 'draft'].includes(order.status);
      if (!live && inWindow.length === 0) continue;
      const lastGivenAdmin = [...all].reverse().find((a) => a.status === 'completed' || a.status === 'in-progress');
      const lastGiven = lastGivenAdmin?.at ?? null;
      let scheduled: string[] = [];
      let nextDue: string | null = null;
      const aux = entry?.schedule;
      if (aux && !order.prn && live && order.status !== 'on-hold') {
        const start = ms(aux.start) ?? ms(order.authoredOn);
        const end = ms(aux.end);
        const interval = doseInterval(aux.timing);
        if (start !== null && interval) {
          scheduled = dueTimes(aux.timing, start, end, fromMs, toMs).map((t) => new Date(t).toISOString());
          const lastDoc = [...all].reverse().find((a) => ms(a.at) !== null);
          const after = lastDoc ? (ms(lastDoc.at) as number) + interval / 2 : q.asOfMs - interval;
          const next = dueTimes(aux.timing, start, end, after, Math.max(after, q.asOfMs) + 2 * interval + 25 * HOUR).find((t) => t > after);
          nextDue = next === undefined ? null : new Date(next).toISOString();
        }
      }
      rows.push({ order, scheduled, administrations: inWindow, events: marEvents(scheduled, inWindow, q.asOf, MAR_MATCH_MINUTES), lastGiven, nextDue });
    }
    rows.sort((a, b) => marRank(a.order) - marRank(b.order) || medRank(a.order) - medRank(b.order) || a.order.medication.localeCompare(b.order.medication));
    return { patient: q.summary(p), from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), rows, asOf: q.asOf };
  };
}

/** The scheduled orders a nurse works through first, then PRNs, then inactive orders (and their PRNs). */
function marRank(o: MedicationOrder): number {
  const active = o.status === 'active' || o.status === 'on-hold';
  return (active ? 0 : 2) + (o.prn ? 1 : 0);
}

/** Doses documented against an order the extract does not contain: shown, and said to be so. */
function unmatchedOrder(key: string, medication: string | undefined): MedicationOrder {
  return {
    id: key.slice(0, 200),
    medication: medication ?? 'Medication',
    dose: null,
    route: null,
    frequency: null,
    prn: false,
    status: 'unknown (no matching order in the extract)',
    intent: null,
    prescriber: null,
    authoredOn: null,
    start: null,
    end: null,
    instructions: null,
  };
}
