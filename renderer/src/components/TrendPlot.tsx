import { rangeText, type Trend } from '../lib/series';
import { formatDateTime } from '../lib/time';
import { NameDisclosure } from './TestName';

const W = 420;
const H = 150;
const PAD = { left: 44, right: 10, top: 10, bottom: 26 };
const LINE_COLOURS = ['#0b4f9c', '#7a4100', '#1b5e20'];

/** A small line chart; abnormal values drawn as large filled squares, not colour alone. */
export function TrendPlot({ trend }: { trend: Trend }) {
  const points = trend.lines.flatMap((l) => l.points);
  // The band the source's range gives (both bounds sent), as core read it.
  const range = trend.referenceLow !== null && trend.referenceHigh !== null ? [trend.referenceLow, trend.referenceHigh] as const : null;
  const values = points.map((p) => p.value).concat(range ? [...range] : []);
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (lo === hi) {
    lo -= 1;
    hi += 1;
  }
  const t0 = Math.min(...points.map((p) => p.at));
  const t1 = Math.max(...points.map((p) => p.at));
  // The first and last times as the tables show them: with the year, and the zone where the
  // source's offset differs from the workstation's.
  const oldest = points.find((p) => p.at === t0)!;
  const newest = points.find((p) => p.at === t1)!;
  const x = (t: number) => PAD.left + (t1 === t0 ? 0.5 : (t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - (v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  const unit = trend.unit ?? '';
  return (
    <figure className="trend" data-testid="trend">
      <h3>
        <NameDisclosure name={trend.title} full={trend.fullName} /> <span className="muted">{unit}</span>
      </h3>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${trend.title} trend, ${points.length} values; latest ${trend.latest}`}>
        {range && (
          <rect x={PAD.left} y={y(range[1])} width={W - PAD.left - PAD.right} height={Math.max(1, y(range[0]) - y(range[1]))} fill="#e3f0e3" />
        )}
        <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} stroke="#555" />
        <line x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} stroke="#555" />
        <text x={PAD.left - 4} y={y(hi) + 4} textAnchor="end" fontSize="12" fill="#222">
          {round(hi)}
        </text>
        <text x={PAD.left - 4} y={y(lo)} textAnchor="end" fontSize="12" fill="#222">
          {round(lo)}
        </text>
        <text x={PAD.left} y={H - 8} fontSize="12" fill="#222" data-testid="trend-axis-start">
          {formatDateTime(oldest.when)}
        </text>
        <text x={W - PAD.right} y={H - 8} textAnchor="end" fontSize="12" fill="#222" data-testid="trend-axis-end">
          {formatDateTime(newest.when)}
        </text>
        {trend.lines.map((line, i) => (
          <g key={line.label}>
            <polyline
              fill="none"
              stroke={LINE_COLOURS[i % LINE_COLOURS.length]}
              strokeWidth="2"
              points={line.points.map((p) => `${x(p.at)},${y(p.value)}`).join(' ')}
            />
            {line.points.map((p) =>
              p.abnormal ? (
                <rect key={p.at} x={x(p.at) - 4} y={y(p.value) - 4} width="8" height="8" fill="#b00020" />
              ) : (
                <circle key={p.at} cx={x(p.at)} cy={y(p.value)} r="2.5" fill={LINE_COLOURS[i % LINE_COLOURS.length]} />
              ),
            )}
          </g>
        ))}
      </svg>
      {trend.lines.length > 1 && (
        <div className="trend-legend">
          {trend.lines.map((l, i) => (
            <span key={l.label}>
              <svg width="18" height="10" aria-hidden="true">
                <line x1="0" y1="5" x2="18" y2="5" stroke={LINE_COLOURS[i % LINE_COLOURS.length]} strokeWidth="3" />
              </svg>{' '}
              {l.label}
            </span>
          ))}
        </div>
      )}
      <figcaption className="muted">
        Latest: {trend.latest}
        {range ? ` · range ${rangeText(trend)}` : ''} · ■ abnormal
      </figcaption>
    </figure>
  );
}

const round = (v: number) => (Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 10) / 10);

/** The "Trends" block under a results table: one plot per measurement with enough points. */
export function TrendPlots({ trends }: { trends: Trend[] }) {
  if (trends.length === 0) return null;
  return (
    <>
      <h2>Trends</h2>
      <div className="trends">
        {trends.map((t) => (
          <TrendPlot key={t.key} trend={t} />
        ))}
      </div>
    </>
  );
}
