import type { HomeQueries, ObservationValue } from '../../../shared/contract';
import { decodeItemData } from '../compact';
import { S } from '../codes';
import { ms, type QueryContext } from './context';

/** One measurement over time (an observation code, or a component such as systolic pressure). */
export function createSeries(q: QueryContext): HomeQueries['series'] {
  return ({ patientId, code }) => {
    const p = q.requirePatient(patientId);
    const want = code.includes('|') ? code.slice(code.lastIndexOf('|') + 1) : code;
    const points: { at: string; numeric: number; interpretation: string | null; abnormal: boolean }[] = [];
    let found: ObservationValue['code'] | null = null;
    let unit: string | null = null;
    let range: string | null = null;
    let low: number | null = null;
    let high: number | null = null;
    for (const section of [S.VITAL, S.LAB, S.OBS]) {
      for (const r of q.rowsOf(p.pkey, section)) {
        const direct = r.code === want;
        // A component's code is only inside the stored object: a cheap text test before decoding.
        if (!direct && !r.data.includes(want)) continue;
        const o = decodeItemData<ObservationValue>(section, r);
        if (!o.at) continue;
        if (direct) {
          if (o.numeric === null) continue;
          found ??= o.code;
          unit ??= o.unit;
          if (range === null) [range, low, high] = [o.referenceRange, o.referenceLow, o.referenceHigh];
          points.push({ at: o.at, numeric: o.numeric, interpretation: o.interpretation, abnormal: o.abnormal });
        } else {
          const c = o.components.find((x) => x.code.code === want);
          if (!c || c.numeric === null) continue;
          found ??= c.code;
          unit ??= c.unit;
          points.push({ at: o.at, numeric: c.numeric, interpretation: o.interpretation, abnormal: o.abnormal });
        }
      }
    }
    points.sort((a, b) => (ms(a.at) ?? 0) - (ms(b.at) ?? 0));
    return { code: found ?? { code: want, system: null, display: want }, unit, referenceRange: range, referenceLow: low, referenceHigh: high, points };
  };
}
