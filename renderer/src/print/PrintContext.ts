import { createContext, useContext } from 'react';
import type { PrintFreshness } from './page-css';

export interface PrintInfo {
  facility: string;
  unit: string | null;
  /** Already formatted for paper. */
  asOf: string;
  printedAt: string;
  /** The print time in ms (ages on paper are computed at it). */
  now: number;
  demo: boolean;
  /** "Jane Doe (RN)": who is signed in, on every page (null: a station without sign-in). */
  printedBy: string | null;
  /** Printed in an emergency access session: said on every page. */
  emergency: boolean;
  /** Stale or expired at the print time: said on every page. */
  freshness: PrintFreshness;
}

export const PrintContext = createContext<PrintInfo | null>(null);

export function usePrintInfo(): PrintInfo {
  const info = useContext(PrintContext);
  if (!info) throw new Error('usePrintInfo outside a PrintFrame');
  return info;
}
