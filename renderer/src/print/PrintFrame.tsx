import { useEffect, useState, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import type { AppInfo, AppStatus, RequestOf, SnapshotStatus } from '../../../electron/shared/contract';
import { freshnessOf } from '../../../electron/shared/freshness';
import { request } from '../api';
import { goBack, parentRoute, parseRoute } from '../lib/route';
import { formatAge, formatStamp } from '../lib/time';
import { applyPageCss, type PagePatient, type PrintFreshness } from './page-css';
import { PrintContext, type PrintInfo } from './PrintContext';
import { personLine, useSession, whilePrinting } from '../session';

interface PrintFrameProps {
  title: string;
  status: AppStatus;
  snapshot: SnapshotStatus;
  shell: AppInfo['shell'];
  unit: string | null;
  orientation: 'portrait' | 'landscape';
  /** True once every part of the document has loaded: printing earlier would lose pages. */
  ready: boolean;
  /** The patients of the document, in order, each on pages of its own (see patientPagesCss). */
  patients?: PagePatient[];
  /** For the audit log: which printout, and the ids of the patients on it. */
  audit: Required<Pick<RequestOf<'print'>, 'what' | 'patients'>>;
  children: ReactNode;
}

/**
 * A printable document and its toolbar. On paper: the page margins and heads carry the
 * safety lines; the print time is re-stamped at the moment of printing.
 */
export function PrintFrame({ title, status, snapshot, shell, unit, orientation, ready, patients, audit, children }: PrintFrameProps) {
  const [printedAt, setPrintedAt] = useState(() => Date.now());
  const [message, setMessage] = useState<string | null>(null);
  const person = useSession()?.person ?? null;
  // Decided at the print time, which is re-stamped when printing starts: a preview opened
  // while the copy was fresh prints STALE or EXPIRED if that is what it is by then.
  const judged = freshnessOf({ asOf: snapshot.asOf, expiresAt: snapshot.expiresAt, now: printedAt, staleAfterMinutes: status.staleAfterMinutes });
  const freshness: PrintFreshness = {
    state: judged.state,
    age: formatAge(judged.ageMs),
    expiresAt: formatStamp(snapshot.expiresAt),
  };
  const info: PrintInfo = {
    facility: snapshot.facility.name,
    unit,
    asOf: formatStamp(snapshot.asOf),
    printedAt: formatStamp(printedAt),
    now: printedAt,
    demo: status.demo,
    printedBy: person ? personLine(person) : null,
    emergency: person?.how === 'emergency',
    freshness,
  };

  const patientsKey = JSON.stringify(patients ?? []);
  const freshnessKey = JSON.stringify(freshness);
  useEffect(
    () =>
      applyPageCss(
        {
          facility: info.facility,
          unit,
          asOf: info.asOf,
          printedAt: info.printedAt,
          demo: info.demo,
          printedBy: info.printedBy,
          emergency: info.emergency,
          orientation,
          freshness: JSON.parse(freshnessKey) as PrintFreshness,
        },
        JSON.parse(patientsKey) as PagePatient[],
      ),
    [info.facility, unit, info.asOf, info.printedAt, info.demo, info.printedBy, info.emergency, orientation, patientsKey, freshnessKey],
  );
  useEffect(() => {
    const restamp = () => flushSync(() => setPrintedAt(Date.now()));
    window.addEventListener('beforeprint', restamp);
    return () => window.removeEventListener('beforeprint', restamp);
  }, []);

  const print = async (mode: 'dialog' | 'pdf') => {
    setMessage(null);
    flushSync(() => setPrintedAt(Date.now()));
    if (shell !== 'desktop') {
      window.print();
      return;
    }
    const result = await whilePrinting(() => request('print', { mode, title, ...audit }));
    if (!result.ok) setMessage(result.error.message);
    else if (result.value.savedTo) setMessage(`Saved to ${result.value.savedTo}`);
  };

  return (
    <PrintContext.Provider value={info}>
      <div className="print-toolbar no-print">
        <button type="button" onClick={() => goBack(parentRoute(parseRoute(window.location.hash)))}>
          ← Back
        </button>
        <h1>{title}</h1>
        <button type="button" className="primary" disabled={!ready} onClick={() => void print('dialog')} data-testid="print-button">
          Print
        </button>
        {shell === 'desktop' && (
          <button type="button" disabled={!ready} onClick={() => void print('pdf')}>
            Save as PDF
          </button>
        )}
        <span role="status" className="muted">
          {ready ? (message ?? 'Ready to print. Every page carries name, MRN, DOB, allergies, data-as-of and page numbers.') : 'Preparing…'}
        </span>
      </div>
      <div className="print-preview">
        <div className="print-doc" data-testid={ready ? 'print-ready' : 'print-loading'}>
          {children}
        </div>
      </div>
    </PrintContext.Provider>
  );
}
