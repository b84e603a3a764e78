import type { ProtocolDocument } from '../../../electron/shared/contract';
import { markdownToSafeHtml, sanitizeHtml } from '../lib/sanitize';
import { PdfDocument } from './PdfDocument';

/** A protocol's content by kind: PDF drawn by pdf.js, Markdown and HTML sanitized, text as text. */
export function ProtocolBody({ doc }: { doc: ProtocolDocument }) {
  switch (doc.kind) {
    case 'pdf':
      return doc.base64 ? <PdfDocument base64={doc.base64} title={doc.title} /> : <p className="empty">This PDF is empty.</p>;
    case 'markdown':
      return <div className="protocol-doc" data-testid="protocol-html" dangerouslySetInnerHTML={{ __html: markdownToSafeHtml(doc.text ?? '') }} />;
    case 'html':
      return <div className="protocol-doc" data-testid="protocol-html" dangerouslySetInnerHTML={{ __html: sanitizeHtml(doc.text ?? '') }} />;
    case 'text':
      return (
        <pre className="protocol-doc note-text" data-testid="protocol-text">
          {doc.text ?? ''}
        </pre>
      );
  }
}
