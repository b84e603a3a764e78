import type { UnitRef } from '../../../electron/shared/contract';
import { routeHref } from '../lib/route';

/** The units this workstation holds; links, so Tab and Enter work and Back returns. */
export function UnitSwitcher({ units, current }: { units: UnitRef[]; current: string | null }) {
  if (units.length < 2) return null;
  return (
    <nav className="unit-switcher" aria-label="Units">
      {units.map((u) => (
        <a
          key={u.id}
          href={routeHref({ name: 'census', unit: u.id })}
          className={u.id === current ? 'unit-link current' : 'unit-link'}
          aria-current={u.id === current ? 'page' : undefined}
        >
          {u.name}
        </a>
      ))}
    </nav>
  );
}
