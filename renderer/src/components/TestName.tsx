import { useEffect, useId, useRef, useState } from 'react';
import type { Coded } from '../../../electron/shared/contract';
import { testName } from '../lib/series';

/** A test by its short name, with its full (LOINC) name and code one click away. */
export function TestName({ code }: { code: Coded }) {
  const { name, full } = testName(code);
  return <NameDisclosure name={name} full={full} />;
}

/**
 * A short name that opens its full name: a button read as text, which shows the full name
 * beneath it on a click, Enter or Space (or a touch), and hides it on a second one, on Esc
 * or on a click elsewhere. A name that is already the full one is plain text. On paper only
 * the short name prints.
 */
export function NameDisclosure({ name, full }: { name: string; full: string }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const root = useRef<HTMLSpanElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('dialog[open]')) return;
      e.preventDefault();
      setOpen(false);
      if (root.current?.contains(document.activeElement)) button.current?.focus();
    };
    const onPointer = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);
  if (full === name) return <span className="test-name">{name}</span>;
  return (
    <span className="test-name" ref={root}>
      <button ref={button} type="button" className="name-toggle" aria-expanded={open} aria-controls={open ? id : undefined} onClick={() => setOpen((o) => !o)}>
        {name}
      </button>
      {open && (
        <span id={id} className="name-full" data-testid="name-full">
          {full}
        </span>
      )}
    </span>
  );
}
