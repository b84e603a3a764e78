import { randomInt } from 'node:crypto';
import { FIRST_F, LAST } from '../../electron/core/demo/data';

/** A made-up patient (name, MRN, birth date), different each run: what must never reach a log or an error. */
export function fakePatient() {
  const given = FIRST_F[randomInt(FIRST_F.length)]!;
  const family = LAST[randomInt(LAST.length)]!;
  const mrn = String(randomInt(10_000_000, 99_999_999));
  const birthDate = `19${randomInt(30, 99)}-0${randomInt(1, 9)}-1${randomInt(0, 9)}`;
  return { name: `${given} ${family}`, mrn, birthDate, all: [`${given} ${family}`, mrn, birthDate] };
}
