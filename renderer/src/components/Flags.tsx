import { isolationText, NOT_RECORDED_TEXT } from '../../../electron/shared/bedside-text';
import type { AllergySummary } from '../../../electron/shared/contract';
import { ALLERGY_CONFLICT_TEXT, activeAllergyText, allergySummaryText, pastAllergiesText, withdrawnAllergiesText } from '../lib/patient';

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

/** Banner allergy list: every active allergy with its severity and reaction, or the explicit absence; past ones apart. */
export function AllergyList({ summary }: { summary: AllergySummary }) {
  const past = pastAllergiesText(summary);
  return (
    <>
      {summary.state !== 'allergies' ? (
        <span className={summary.state === 'not-recorded' ? 'allergy-unknown' : 'flag-none'} data-testid="banner-allergies">
          {allergySummaryText(summary)}
        </span>
      ) : (
        <ul className="allergy-list" data-testid="banner-allergies" aria-label="Allergies">
          {summary.active.map((a) => (
            <li key={a.id} className={a.severe ? 'flag flag-allergy severe' : 'flag flag-allergy'}>
              {activeAllergyText(a)}
            </li>
          ))}
          {summary.conflict && <li className="allergy-unknown">{ALLERGY_CONFLICT_TEXT}</li>}
        </ul>
      )}
      {past && (
        <span className="muted" data-testid="banner-past-allergies">
          {past}
        </span>
      )}
    </>
  );
}

/** The allergy block of the summary (screen and paper): what stands, what no longer does, and what was left out. */
export function AllergyDetail({ summary }: { summary: AllergySummary }) {
  const past = pastAllergiesText(summary);
  const withdrawn = withdrawnAllergiesText(summary);
  return (
    <div data-testid="allergy-detail">
      {summary.state === 'allergies' ? (
        <ul>
          {summary.active.map((a) => (
            <li key={a.id}>
              <strong>{activeAllergyText(a)}</strong>
            </li>
          ))}
          {summary.conflict && <li>{ALLERGY_CONFLICT_TEXT}</li>}
        </ul>
      ) : (
        <p>{allergySummaryText(summary)}</p>
      )}
      {past && <p data-testid="past-allergies">{past}</p>}
      {withdrawn && <p className="muted">{withdrawn}</p>}
    </div>
  );
}

/** The code status as sent; highlighted when core says it limits treatment (`limits`), plain when it says neither. */
export function CodeStatus({ value, limits }: { value: string | null; limits: boolean | null }) {
  if (!value?.trim()) return <span className="muted">{NOT_RECORDED_TEXT}</span>;
  return <span className={limits === true ? 'flag flag-code' : limits === false ? 'code-full' : undefined}>{value}</span>;
}

export function Isolation({ values }: { values: string[] }) {
  if (values.length === 0) return <span className="muted">{NOT_RECORDED_TEXT}</span>;
  return <span className="flag flag-isolation">{isolationText(values)}</span>;
}
