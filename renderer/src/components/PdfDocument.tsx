import { useEffect, useRef, useState } from 'react';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { ErrorNotice, Loading } from './LoadState';

function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * A PDF drawn in the app by pdf.js, page by page onto canvases: no plugin, no frame, no
 * scripts from the document (pdf.js never runs PDF JavaScript), its worker from the app's own files.
 */
export function PdfDocument({ base64, title }: { base64: string; title: string }) {
  const host = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<{ status: 'loading' | 'ready' | 'error'; pages: number; message?: string }>({
    status: 'loading',
    pages: 0,
  });

  useEffect(() => {
    let cancelled = false;
    let destroy: (() => void) | null = null;
    void (async () => {
      try {
        const pdfjs = await import('pdfjs-dist');
        pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;
        const task = pdfjs.getDocument({ data: base64ToBytes(base64), isEvalSupported: false, enableXfa: false, stopAtErrors: false });
        destroy = () => void task.destroy();
        const doc = await task.promise;
        const target = host.current;
        if (cancelled || !target) return;
        target.replaceChildren();
        for (let n = 1; n <= doc.numPages; n++) {
          const page = await doc.getPage(n);
          if (cancelled) return;
          const viewport = page.getViewport({ scale: 1.6 });
          const canvas = document.createElement('canvas');
          canvas.width = Math.floor(viewport.width);
          canvas.height = Math.floor(viewport.height);
          canvas.setAttribute('role', 'img');
          canvas.setAttribute('aria-label', `${title}, page ${n} of ${doc.numPages}`);
          canvas.dataset['page'] = String(n);
          target.append(canvas);
          await page.render({ canvas, viewport }).promise;
        }
        if (!cancelled) setState({ status: 'ready', pages: doc.numPages });
      } catch (error) {
        if (!cancelled) {
          setState({ status: 'error', pages: 0, message: `This PDF could not be shown (${(error as Error).name}). Ask IT to check the document.` });
        }
      }
    })();
    return () => {
      cancelled = true;
      destroy?.();
    };
  }, [base64, title]);

  return (
    <>
      {state.status === 'loading' && <Loading what="PDF" />}
      {state.status === 'error' && <ErrorNotice title="Could not show the PDF." message={state.message ?? ''} />}
      <div ref={host} className="pdf-pages" data-testid="pdf-pages" data-pages={state.pages} data-status={state.status} />
    </>
  );
}
