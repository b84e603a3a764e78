import { useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { PatientSummary } from '../../../electron/shared/contract';
import { SEARCH_LIMIT, SEARCH_TEXT_MAX } from '../../../electron/shared/defaults';
import { request } from '../api';
import { dobWithAge, mrnLabel, placeLine, sexLabel } from '../lib/patient';
import { noteFoundVia } from '../lib/found-via';
import { navigate } from '../lib/route';

interface Results {
  text: string;
  patients: PatientSummary[];
  error: string | null;
}

/**
 * Find a patient by name, MRN, birth date or room, as you type, keyboard only: arrows move,
 * Enter opens the chart, Esc closes. Every result shows name and MRN (two identifiers).
 */
export function SearchDialog({ onClose, now }: { onClose: () => void; now: number }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const seq = useRef(0);
  const [text, setText] = useState('');
  const [results, setResults] = useState<Results>({ text: '', patients: [], error: null });
  const [active, setActive] = useState(0);

  // Mounted = open: each opening starts empty. Layout effect, so a key pressed right after
  // closing never meets a half-closed dialog.
  useLayoutEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  const search = (value: string) => {
    setText(value);
    setActive(0);
    const mine = ++seq.current;
    const q = value.trim();
    if (!q) {
      setResults({ text: value, patients: [], error: null });
      return;
    }
    void request('search', { text: q.slice(0, SEARCH_TEXT_MAX), limit: SEARCH_LIMIT }).then((r) => {
      if (mine !== seq.current) return;
      setResults(r.ok ? { text: value, patients: r.value, error: null } : { text: value, patients: [], error: r.error.message });
    });
  };

  const openPatient = (p: PatientSummary | undefined) => {
    if (!p) return;
    onClose();
    noteFoundVia(p.id, 'search');
    navigate({ name: 'chart', patientId: p.id, section: 'summary' });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const n = results.patients.length;
    if (e.key === 'ArrowDown' && n > 0) {
      e.preventDefault();
      setActive((a) => (a + 1) % n);
    } else if (e.key === 'ArrowUp' && n > 0) {
      e.preventDefault();
      setActive((a) => (a - 1 + n) % n);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      openPatient(results.patients[active]);
    }
  };

  const q = text.trim();
  const settled = results.text === text;
  return (
    <dialog ref={dialog} className="search-dialog" aria-label="Find a patient" onClose={(e) => {
        // The close event is queued: ignore one that arrives after the dialog was reopened.
        if (!e.currentTarget.open) onClose();
      }}
      data-testid="search-dialog"
    >
      <label htmlFor="patient-search" className="search-label">
        Find a patient — name, MRN, date of birth (YYYY-MM-DD) or room
      </label>
      <input
        id="patient-search"
        className="search-input"
        type="text"
        role="combobox"
        aria-expanded={results.patients.length > 0}
        aria-controls="search-results"
        aria-activedescendant={results.patients[active] ? `result-${active}` : undefined}
        autoComplete="off"
        spellCheck={false}
        autoFocus
        value={text}
        onChange={(e) => search(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <ul id="search-results" role="listbox" className="search-results" aria-label="Matching patients">
        {results.patients.map((p, i) => (
          <li
            key={p.id}
            id={`result-${i}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'result active' : 'result'}
            data-testid="search-result"
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => openPatient(p)}
          >
            <span className="result-name">{p.name}</span>
            <span className="result-mrn">{mrnLabel(p.mrn)}</span>
            <span>DOB {dobWithAge(p.birthDate, now)}</span>
            <span>{sexLabel(p.sex)}</span>
            <span className="result-bed">
              {placeLine(p.location)}
            </span>
          </li>
        ))}
      </ul>
      <p className="search-hint" role="status">
        {results.error
          ? results.error
          : !q
            ? 'Type to search. ↑ ↓ to choose, Enter to open, Esc to close.'
            : settled && results.patients.length === 0
              ? `No patient in this snapshot matches “${q}”.`
              : `${results.patients.length} match${results.patients.length === 1 ? '' : 'es'}`}
      </p>
    </dialog>
  );
}
