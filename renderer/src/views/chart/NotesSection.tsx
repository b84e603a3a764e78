import { useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Chart, Note } from '../../../../electron/shared/contract';
import { formatDateTime } from '../../lib/time';

/**
 * Notes as readable text. The text is only ever a React text child: whatever markup a note
 * carries is shown as characters, never parsed or run.
 */
export function NotesSection({ chart }: { chart: Chart }) {
  const notes = chart.notes;
  return (
    <>
      <h2>
        Notes <span className="count">{notes.length}</span>
      </h2>
      {notes.length === 0 ? (
        <p className="empty">No notes in this snapshot.</p>
      ) : notes.length <= 25 ? (
        notes.map((n) => <NoteCard key={n.id} note={n} />)
      ) : (
        <VirtualNotes notes={notes} />
      )}
    </>
  );
}

export function NoteCard({ note }: { note: Note }) {
  return (
    <article className="note" data-testid="note" aria-label={`${note.type}, ${formatDateTime(note.at)}`}>
      <div className="note-head">
        <span>{formatDateTime(note.at)}</span>
        <span>{note.type}</span>
        <span className="muted">{note.author ?? 'author not recorded'}</span>
        {note.status && note.status !== 'final' && note.status !== 'current' && <span className="muted">({note.status})</span>}
      </div>
      <pre className="note-text">{note.text}</pre>
    </article>
  );
}

function VirtualNotes({ notes }: { notes: Note[] }) {
  const scroller = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: notes.length, getScrollElement: () => scroller.current, estimateSize: () => 160, overscan: 4 });
  return (
    <div ref={scroller} className="vtable" tabIndex={0} aria-label="Notes" data-virtualized="true">
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {v.getVirtualItems().map((item) => (
          <div
            key={notes[item.index]!.id}
            ref={v.measureElement}
            data-index={item.index}
            style={{ position: 'absolute', top: 0, left: 0, right: 0, padding: '0 0.75rem', transform: `translateY(${item.start}px)` }}
          >
            <NoteCard note={notes[item.index]!} />
          </div>
        ))}
      </div>
    </div>
  );
}
