import type { SessionState } from '../../../electron/shared/contract';
import { formatStamp } from '../lib/time';
import { personLine } from '../session';

/** Who is signed in, on every screen, with Lock and Switch user; an emergency session says so loudly. */
export function SessionBar({ session, onLock }: { session: SessionState; onLock: (why: 'lock' | 'switch-user') => void }) {
  const person = session.person;
  if (!person) return null;
  const emergency = person.how === 'emergency';
  return (
    <div className={`session-bar no-print${emergency ? ' session-emergency' : ''}`} data-testid="session-bar">
      {emergency ? (
        <strong data-testid="emergency-banner">
          EMERGENCY ACCESS — {personLine(person)} — ends {session.until ? formatStamp(session.until) : ''}
        </strong>
      ) : (
        <span>
          Signed in: <strong data-testid="signed-in-as">{personLine(person)}</strong>
        </span>
      )}
      <span className="session-actions">
        <button type="button" onClick={() => onLock('lock')} data-testid="lock-button">
          Lock
        </button>
        <button type="button" onClick={() => onLock('switch-user')} data-testid="switch-user">
          Switch user
        </button>
      </span>
    </div>
  );
}
