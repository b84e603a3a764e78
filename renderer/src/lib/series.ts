import type { ObservationValue } from '../../../electron/shared/contract';
import { observationValueText, testName } from '../../../electron/shared/observation-text';
import { unitText } from '../../../electron/shared/unit-text';

/** One line on a trend plot. */
export interface TrendLine {
  label: string;
  /** `at`: the moment, for the x axis; `when`: the time as the source wrote it, for the axis labels (its zone). */
  points: Array<{ at: number; when: string; value: number; abnormal: boolean }>;
}

/** A trend plot: one measurement (or a pair, like systolic/diastolic) over time. */
export interface Trend {
  key: string;
  /** The short name; `fullName` is the long name and code. */
  title: string;
  fullName: string;
  /** The unit as read (°C, mmHg); '' where none is needed, null where none was given. */
  unit: string | null;
  /** The newest value as every table shows it ("128/76 mmHg"). */
  latest: string;
  referenceRange: string | null;
  /** The range's bounds as core read them from the source (null where not sent). */
  referenceLow: number | null;
  referenceHigh: number | null;
  lines: TrendLine[];
}

const codeKey = (o: ObservationValue) => o.code.code ?? o.code.display;

/**
 * Group observations into trends: one per code with at least two numeric values, and one
 * per code with numeric components (blood pressure: a line per component). Oldest first.
 */
export function trendsOf(observations: ObservationValue[], minPoints = 2): Trend[] {
  const groups = new Map<string, ObservationValue[]>();
  for (const o of observations) {
    const key = codeKey(o);
    groups.set(key, [...(groups.get(key) ?? []), o]);
  }
  const trends: Trend[] = [];
  for (const [key, obs] of groups) {
    const timed = obs
      .map((o) => ({ o, when: o.at ?? '', at: o.at ? Date.parse(o.at) : NaN }))
      .filter((x) => !Number.isNaN(x.at))
      .sort((a, b) => a.at - b.at);
    const first = obs[0]!;
    const name = testName(first.code);
    const numeric = timed.filter((x) => x.o.numeric !== null);
    if (numeric.length >= minPoints) {
      trends.push({
        key,
        title: name.name,
        fullName: name.full,
        unit: unitText(first.unit),
        latest: observationValueText(numeric.at(-1)!.o),
        referenceRange: first.referenceRange,
        referenceLow: first.referenceLow,
        referenceHigh: first.referenceHigh,
        lines: [{ label: name.name, points: numeric.map((x) => ({ at: x.at, when: x.when, value: x.o.numeric!, abnormal: x.o.abnormal })) }],
      });
      continue;
    }
    const componentLines = new Map<string, TrendLine>();
    for (const { o, at, when } of timed) {
      for (const c of o.components) {
        if (c.numeric === null) continue;
        const label = testName(c.code).name;
        const line = componentLines.get(label) ?? { label, points: [] };
        line.points.push({ at, when, value: c.numeric, abnormal: o.abnormal });
        componentLines.set(label, line);
      }
    }
    const lines = [...componentLines.values()].filter((l) => l.points.length >= minPoints);
    if (lines.length > 0) {
      const newest = timed.findLast((x) => x.o.components.some((c) => c.numeric !== null))!.o;
      trends.push({ key, title: name.name, fullName: name.full, unit: unitText(first.components[0]?.unit ?? first.unit), latest: observationValueText(newest), referenceRange: null, referenceLow: null, referenceHigh: null, lines });
    }
  }
  return trends;
}

// Results in words: one helper for the screens, pages and the CLI; display only.
export {
  flagLabel,
  noAbnormalText,
  observationValueText,
  quietFlagLabel,
  rangeText,
  testName,
  unflaggedText,
  unjudgedCount,
} from '../../../electron/shared/observation-text';
