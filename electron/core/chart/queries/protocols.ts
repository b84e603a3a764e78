import type { HomeQueries, ProtocolInfo } from '../../../shared/contract';
import { LanternError } from '../../../shared/errors';
import type { RowOf } from '../../store/table';
import { protocolTable } from '../tables';
import type { QueryContext } from './context';

const INFO = ['id', 'title', 'category', 'kind', 'size'] as const;
type ProtocolRow = RowOf<typeof protocolTable.columns>;
/** A protocol as listed: the columns of ProtocolInfo (returned as it, so the two must agree). */
type InfoRow = Pick<ProtocolRow, (typeof INFO)[number]>;

const ftsQuote = (t: string) => `"${t.replace(/"/g, '""')}"`;

/** The hospital's protocols and forms: the list, full-text search and one document. */
export function createProtocols(q: QueryContext): Pick<HomeQueries, 'protocols' | 'protocolSearch' | 'protocolOpen'> {
  const protocolList = q.db.prepare(`SELECT ${protocolTable.select(INFO)} FROM protocol ORDER BY category, title`);
  const protocolOpen = q.db.prepare(`SELECT ${protocolTable.select()} FROM protocol WHERE id = ?`);
  const protocolSearch = q.db.prepare(
    `SELECT ${protocolTable.select(INFO, { alias: 'p' })}, snippet(protocol_text, 1, '', '', '…', 16) AS snippet
     FROM protocol_text JOIN protocol p ON p.rowid = protocol_text.rowid WHERE protocol_text MATCH ? ORDER BY bm25(protocol_text, 5.0, 1.0) LIMIT 50`,
  );
  return {
    protocols(): ProtocolInfo[] {
      return protocolList.all() as InfoRow[];
    },

    protocolSearch({ text }) {
      const words = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
      if (!words.length) return [];
      // Every word must match; the last one may be the start of a word still being typed.
      const match = words.map((w, i) => (i === words.length - 1 ? `${ftsQuote(w)}*` : ftsQuote(w))).join(' ');
      return protocolSearch.all(match) as (InfoRow & { snippet: string })[];
    },

    protocolOpen({ id }) {
      const r = protocolOpen.get(id) as ProtocolRow | undefined;
      if (!r) throw new LanternError('NOT_FOUND', 'That protocol is not in this snapshot.');
      return { id: r.id, title: r.title, category: r.category, kind: r.kind, size: r.size, text: r.text, base64: r.bytes ? r.bytes.toString('base64') : null };
    },
  };
}
