import type { Freshness } from '../../../electron/shared/freshness';

/** How old the copy is at the moment of printing, worded for paper. */
export interface PrintFreshness {
  state: Freshness;
  /** "5 h 7 min": from data-as-of to the print time. */
  age: string;
  /** When the copy expires (or expired), formatted. */
  expiresAt: string;
}

/** What every printed page carries in its margins, whatever the document. */
export interface PageInfo {
  facility: string;
  unit: string | null;
  asOf: string;
  printedAt: string;
  demo: boolean;
  printedBy: string | null;
  emergency: boolean;
  orientation: 'portrait' | 'landscape';
  freshness: PrintFreshness;
}

/** The page margins, in mm: the MAR's pagination measures its pages against them. */
export const PAGE_MARGIN_MM = { top: 16, side: 10, bottom: 16 } as const;

/**
 * The line that says, on every page, that the copy is too old: null for a fresh copy.
 * "STALE COPY — DATA 5 h 7 min OLD", "EXPIRED COPY — DATA 9 d 4 h OLD, expired 02 Dec 2026 01:21".
 */
export function freshnessLine(f: PrintFreshness): string | null {
  switch (f.state) {
    case 'fresh':
      return null;
    case 'stale':
      return `STALE COPY — DATA ${f.age} OLD`;
    case 'expired':
      return `EXPIRED COPY — DATA ${f.age} OLD, expired ${f.expiresAt}`;
  }
}

/** A CSS string literal: quotes, backslashes and line breaks escaped. */
export function cssString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/[\n\r\f]/g, ' ')}"`;
}

/**
 * The @page rule: margin boxes with "DOWNTIME COPY — READ ONLY", the data-as-of time, the
 * print time, the facility and "Page x of y" on every sheet (DEMO too, for demo data); on a
 * stale or expired copy, a black box with STALE or EXPIRED and the age above the read-only line.
 */
export function pageCss(info: PageInfo): string {
  const where = [info.facility, info.unit].filter(Boolean).join(' · ');
  const box = (name: string, content: string, extra = '') =>
    `@${name} { content: ${content}; font-family: system-ui, Arial, sans-serif; font-size: 9pt; color: #000; ${extra} }`;
  const readOnly = info.demo ? 'DOWNTIME COPY — READ ONLY · DEMO DATA' : 'DOWNTIME COPY — READ ONLY';
  const old = freshnessLine(info.freshness);
  const m = PAGE_MARGIN_MM;
  return `@page {
  size: ${info.orientation};
  margin: ${m.top}mm ${m.side}mm ${m.bottom}mm ${m.side}mm;
  ${
    old
      ? box('top-left', `${cssString(old)} "\\A " ${cssString(readOnly)}`, 'font-weight: 800; font-size: 10pt; white-space: pre-wrap; color: #fff; background: #000; padding: 1mm 2mm; vertical-align: middle;')
      : box('top-left', cssString(readOnly), 'font-weight: 700;')
  }
  ${box('top-center', cssString(info.demo ? 'DEMO DATA — NOT REAL PATIENTS' : where), info.demo ? 'font-weight: 700;' : '')}
  ${box('top-right', cssString(`Data as of ${info.asOf}`), 'font-weight: 700;')}
  ${box('bottom-left', cssString(`Printed ${info.printedAt}${info.printedBy ? ` by ${info.printedBy}` : ''}${info.emergency ? ' · EMERGENCY ACCESS' : ''}`), info.emergency ? 'font-weight: 800;' : '')}
  ${box('bottom-center', cssString(info.demo ? `${where} · DEMO` : where))}
  ${box('bottom-right', '"Page " counter(page) " of " counter(pages)', 'font-weight: 700;')}
}`;
}

/** Who a run of printed pages is about, for the page margins. */
export interface PagePatient {
  /** "Whitfield, Eleanor · MRN 100234 · DOB 17 Feb 1948" */
  identity: string;
  /** "ALLERGIES: Penicillin (severe: Anaphylaxis)" */
  allergies: string;
}

/** A CSS identifier for the named page of the n-th patient. */
export const patientPageName = (n: number): string => `patient-${n}`;

/**
 * A named page per patient: the element carrying `data-page` prints on pages whose margins
 * name that patient (identifiers, DOB, allergies), whatever the table heads do.
 */
export function patientPagesCss(patients: PagePatient[]): string {
  return patients
    .map((p, n) => {
      const name = patientPageName(n);
      return `[data-page="${name}"] { page: ${name}; }
@page ${name} {
  @top-center { content: ${cssString(p.identity)}; font-family: system-ui, Arial, sans-serif; font-size: 9pt; font-weight: 700; color: #000; }
  @bottom-center { content: ${cssString(p.allergies)}; font-family: system-ui, Arial, sans-serif; font-size: 8.5pt; font-weight: 700; color: #000; }
}`;
    })
    .join('\n');
}

let sheet: CSSStyleSheet | null = null;

/** Install (or replace) the page rules through the CSSOM: the CSP allows no inline <style>. */
export function applyPageCss(info: PageInfo, patients: PagePatient[] = []): () => void {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  }
  sheet.replaceSync(`${pageCss(info)}\n${patientPagesCss(patients)}`);
  const mine = sheet;
  return () => mine.replaceSync('');
}
