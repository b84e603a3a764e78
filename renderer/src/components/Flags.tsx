import type { Allergy } from '../../../electron/shared/contract';
import { activeAllergies, allergyText, isSevere } from '../lib/patient';

/** Census allergy cell: a count that cannot be missed, or the explicit absence. */
export function AllergyFlag({ count, noKnown }: { count: number; noKnown: boolean }) {
  if (count > 0) {
    return (
      <span className="flag flag-allergy" data-testid="allergy-flag">
        ⚠ {count} allerg{count === 1 ? 'y' : 'ies'}
      </span>
    );
  }
  return noKnown ? <span className="flag-none">NKA</span> : <span className="muted">Not recorded</span>;
}

/** Banner allergy list: every active allergy with its severity and reaction. */
export function AllergyList({ allergies }: { allergies: Allergy[] }) {
  const active = activeAllergies(allergies);
  if (active.length === 0) {
    const nka = allergies.length > 0;
    return (
      <span className={nka ? 'flag-none' : 'allergy-unknown'} data-testid="banner-allergies">
        {nka ? 'No known allergies' : 'Allergies not recorded — ask the patient'}
      </span>
    );
  }
  return (
    <ul className="allergy-list" data-testid="banner-allergies" aria-label="Allergies">
      {active.map((a) => (
        <li key={a.id} className={isSevere(a) ? 'flag flag-allergy severe' : 'flag flag-allergy'}>
          {allergyText(a)}
        </li>
      ))}
    </ul>
  );
}

export function CodeStatus({ value }: { value: string | null }) {
  if (!value) return <span className="muted">Not recorded</span>;
  const limited = !/^full/i.test(value.trim());
  return <span className={limited ? 'flag flag-code' : 'code-full'}>{value}</span>;
}

export function Isolation({ values }: { values: string[] }) {
  if (values.length === 0) return <span className="muted">None</span>;
  return <span className="flag flag-isolation">{values.join(', ')}</span>;
}
