import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { app, dialog, type BrowserWindow } from 'electron';
import type { ApiContext } from '../core/api/handlers';
import { LanternError } from '../shared/errors';

/** A file name from a title: letters, digits, spaces and dashes only. */
export const pdfFileName = (title: string): string =>
  `${title.replace(/[^\p{L}\p{N} -]+/gu, ' ').replace(/\s+/g, ' ').trim() || 'Lantern'}.pdf`;

/**
 * Pages in a PDF Chromium made: one `/Type /Page` dictionary per page (its page tree nodes are
 * `/Type /Pages`). null when none is found (not a PDF as expected).
 */
export function pdfPageCount(pdf: Uint8Array): number | null {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1');
  const pages = text.match(/\/Type\s*\/Page(?![A-Za-z])/g)?.length ?? 0;
  return pages > 0 ? pages : null;
}

/**
 * Printing for the desktop app: the system print dialog, or print-to-PDF saved where the
 * user chooses. Page layout (identifiers, as-of, page x of y) is the renderer's print CSS.
 */
export function createPrinter(getWindow: () => BrowserWindow | null): NonNullable<ApiContext['print']> {
  return async ({ mode, title }) => {
    const window = getWindow();
    if (!window) throw new LanternError('UNAVAILABLE', 'There is no Lantern window to print from.');
    // Laid out as a PDF first in both modes: the audit log records how many pages were sent.
    const pdf = await window.webContents.printToPDF({ printBackground: true, preferCSSPageSize: true });
    const pages = pdfPageCount(pdf);
    if (mode === 'dialog') {
      const printed = await new Promise<boolean>((resolve) =>
        window.webContents.print({ silent: false, printBackground: true }, (success) => resolve(success)),
      );
      return { printed, savedTo: null, pages };
    }
    const choice = await dialog.showSaveDialog(window, {
      title: 'Save PDF',
      defaultPath: path.join(app.getPath('documents'), pdfFileName(title)),
      filters: [{ name: 'PDF', extensions: ['pdf'] }],
    });
    if (choice.canceled || !choice.filePath) return { printed: false, savedTo: null, pages };
    await writeFile(choice.filePath, pdf);
    return { printed: true, savedTo: choice.filePath, pages };
  };
}
