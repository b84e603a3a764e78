import { useState, type FormEvent } from 'react';
import { EMERGENCY_REASONS, type SessionState } from '../../../electron/shared/contract';
import type { ErrorInfo } from '../../../electron/shared/result';
import { request } from '../api';
import { formatStamp } from '../lib/time';
import { personLine } from '../session';

/**
 * The sign-in screen, also the lock screen: no patient data is on the page while it shows.
 * A roster user signs in by id and passphrase; anyone else with an emergency code read out by
 * IT or the house supervisor, their name, role and a reason.
 */
export function SignInView({ session, onSession }: { session: SessionState; onSession: (s: SessionState) => void }) {
  const locked = session.locked;
  const [mode, setMode] = useState<'roster' | 'emergency'>(locked?.how === 'emergency' || !session.roster ? 'emergency' : 'roster');
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const [user, setUser] = useState(locked?.how === 'roster' ? locked.id : '');
  const [passphrase, setPassphrase] = useState('');
  const [code, setCode] = useState('');
  const [name, setName] = useState(locked?.how === 'emergency' ? locked.name : '');
  const [role, setRole] = useState(locked?.how === 'emergency' ? locked.role : '');
  const [reason, setReason] = useState<string>(EMERGENCY_REASONS[0]);
  const [otherReason, setOtherReason] = useState('');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r =
      mode === 'roster'
        ? await request('signIn', { user, passphrase })
        : await request('signInEmergency', { code, name, role, reason: reason === 'Other' ? otherReason : reason });
    setBusy(false);
    setPassphrase('');
    if (r.ok) onSession(r.value);
    else setError(r.error);
  };

  return (
    <section className="sign-in" data-testid="sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{locked ? 'This station is locked' : 'Sign in to Lantern'}</h1>
      {locked && (
        <p data-testid="locked-as">
          {locked.why === 'inactivity' ? 'Locked after inactivity' : locked.why === 'session-ended' ? 'The emergency session has ended' : 'Locked'}:{' '}
          <strong>{personLine(locked)}</strong>.{' '}
          {locked.how === 'emergency' && locked.why !== 'session-ended' ? 'Enter the same emergency code to go on, or sign in as someone else.' : 'Sign in again, or as someone else.'}
        </p>
      )}
      {session.problem && (
        <p className="notice-it" role="alert" data-testid="sign-in-problem">
          {session.problem}
        </p>
      )}
      {session.roster?.expired && (
        <p className="notice-it" role="status">
          The staff roster on this station expired on {formatStamp(session.roster.expiresAt)}: it still works; tell IT to send a new one.
        </p>
      )}
      <div className="sign-in-modes" role="tablist">
        <button type="button" role="tab" aria-selected={mode === 'roster'} disabled={!session.roster} onClick={() => setMode('roster')}>
          Sign in
        </button>
        <button type="button" role="tab" aria-selected={mode === 'emergency'} onClick={() => setMode('emergency')} data-testid="emergency-mode">
          Emergency access
        </button>
      </div>
      <form onSubmit={(e) => void submit(e)} className="sign-in-form">
        {mode === 'roster' ? (
          <>
            <label>
              User id
              <input name="user" autoComplete="username" value={user} onChange={(e) => setUser(e.target.value)} required autoFocus data-testid="sign-in-user" />
            </label>
            <label>
              Passphrase
              <input name="passphrase" type="password" autoComplete="current-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} required data-testid="sign-in-passphrase" />
            </label>
          </>
        ) : (
          <>
            <p className="muted">For staff not in the roster or who cannot sign in: ask IT or the house supervisor for the next emergency code. Every use is recorded.</p>
            <label>
              Emergency code
              <input name="code" autoComplete="off" placeholder="XXXX-XXXX-XXXX-XXXX" value={code} onChange={(e) => setCode(e.target.value)} required data-testid="emergency-code" />
            </label>
            <label>
              Your name
              <input name="name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} required minLength={2} data-testid="emergency-name" />
            </label>
            <label>
              Your role
              <input name="role" placeholder="RN, agency RN, physician…" value={role} onChange={(e) => setRole(e.target.value)} required minLength={2} data-testid="emergency-role" />
            </label>
            <label>
              Reason
              <select value={reason} onChange={(e) => setReason(e.target.value)} data-testid="emergency-reason">
                {EMERGENCY_REASONS.map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
            </label>
            {reason === 'Other' && (
              <label>
                The reason, in words
                <input value={otherReason} onChange={(e) => setOtherReason(e.target.value)} required minLength={3} data-testid="emergency-other-reason" />
              </label>
            )}
          </>
        )}
        {error && (
          <p className="sign-in-error" role="alert" data-testid="sign-in-error">
            {error.message}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy} data-testid="sign-in-submit">
          {busy ? 'Checking…' : mode === 'roster' ? 'Sign in' : 'Open emergency access'}
        </button>
      </form>
    </section>
  );
}
