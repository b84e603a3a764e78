import type { Coded } from '../../../electron/shared/contract';
import { testName } from '../lib/series';

/** A test by its short name, the full (LOINC) name and code on hover and for screen readers. */
export function TestName({ code }: { code: Coded }) {
  const { name, full } = testName(code);
  return (
    <span className="test-name" title={full} aria-description={full === name ? undefined : full}>
      {name}
    </span>
  );
}
