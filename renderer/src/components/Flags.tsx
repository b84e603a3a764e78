import type { AllergySummary } from '../../../electron/shared/contract';
import { ALLERGY_CONFLICT_TEXT, activeAllergyText, allergySummaryText } from '../lib/patient';

/** Census allergy cell: the allergies by name so they cannot be missed, or the explicit absence. */
export function AllergyFlag({ summary }: { summary: AllergySummary }) {
  if (summary.state === 'allergies') {
    return (
      <span className="flag flag-allergy" data-testid="allergy-flag">
        ⚠ {allergySummaryText(summary)}
      </span>
    );
  }
  return <span className={summary.state === 'not-recorded' ? 'muted' : 'flag-none'}>{allergySummaryText(summary)}</span>;
}

/** Banner allergy list: every active allergy with its severity and reaction, or the explicit absence. */
export function AllergyList({ summary }: { summary: AllergySummary }) {
  if (summary.state !== 'allergies') {
    return (
      <span className={summary.state === 'not-recorded' ? 'allergy-unknown' : 'flag-none'} data-testid="banner-allergies">
        {allergySummaryText(summary)}
      </span>
    );
  }
  return (
    <ul className="allergy-list" data-testid="banner-allergies" aria-label="Allergies">
      {summary.active.map((a) => (
        <li key={a.id} className={a.severe ? 'flag flag-allergy severe' : 'flag flag-allergy'}>
          {activeAllergyText(a)}
        </li>
      ))}
      {summary.conflict && <li className="allergy-unknown">{ALLERGY_CONFLICT_TEXT}</li>}
    </ul>
  );
}

export function CodeStatus({ value }: { value: string | null }) {
  if (!value) return <span className="muted">Not recorded</span>;
  const limited = !/^full/i.test(value.trim());
  return <span className={limited ? 'flag flag-code' : 'code-full'}>{value}</span>;
}

export function Isolation({ values }: { values: string[] }) {
  if (values.length === 0) return <span className="muted">Not recorded</span>;
  return <span className="flag flag-isolation">{values.join(', ')}</span>;
}
