import {
  CHANNELS,
  SHELL_CHANNELS,
  type AppStatus,
  type ChannelName,
  type ParsedRequestOf,
  type ResponseOf,
  type HomeQueries,
  type QueryChannel,
} from '../../shared/contract';
import { LanternError } from '../../shared/errors';
import type { AuditEvent, AuditRecorder } from '../home/audit';
import { createExpiryGate, type ExpiryGate } from '../home/expiry';
import type { SignIn } from '../home/sign-in';


/** What the handlers need from the outside world, injected so tests can fake any of it. */
export interface ApiContext {
  shell: 'desktop' | 'preview';
  version: string;
  /** Status of the home in use (null snapshot when nothing has been ingested yet). */
  status(): Omit<AppStatus, 'now'>;
  /** The open home's queries, or null when there is no snapshot to query. */
  queries(): HomeQueries | null;
  clock(): Date;
  /**
   * What an expired copy allows and where acknowledgements are recorded (the managed policy and
   * the home's log). Absent: charts behind an acknowledgement, recorded nowhere.
   */
  expiry?: ExpiryGate;
  /**
   * Sign-in at this station (home/sign-in.ts). Absent: no sign-in (a test or a shell without
   * one); present and required: every query and print needs a signed-in person.
   */
  signIn?: SignIn;
  /** Printing through the shell (the desktop app); absent where the browser prints instead. */
  print?: (request: ParsedRequestOf<'print'>) => Promise<ResponseOf<'print'>>;
  /** The home's audit log (home/audit.ts): charts opened, parts viewed, prints. Absent: recorded nowhere. */
  audit?: AuditRecorder;
}

/** What reading a chart's data tells the audit log, per query channel (the others show no one patient's chart). */
const AUDITED: { [C in QueryChannel]?: (request: ParsedRequestOf<C>) => AuditEvent } = {
  chart: (r) => ({ kind: 'chart-opened', patient: r.patientId, foundVia: r.foundVia ?? 'other' }),
  mar: (r) => ({ kind: 'section-viewed', patient: r.patientId, section: 'mar' }),
  series: (r) => ({ kind: 'section-viewed', patient: r.patientId, section: `trend:${r.code}` }),
  record: (r) => ({ kind: 'section-viewed', patient: r.patientId, section: `record:${r.type}` }),
};

export type Handlers = {
  [C in ChannelName]: (request: ParsedRequestOf<C>) => ResponseOf<C> | Promise<ResponseOf<C>>;
};

const NO_SNAPSHOT =
  'No snapshot has reached this workstation yet, so there is no chart data to show. ' +
  'Ask IT to check the snapshot inbox.';

/**
 * The one handler table: electron/main registers it with ipcMain, and the preview server
 * answers HTTP with it. Inputs arrive already parsed by dispatch().
 */
export function createHandlers(ctx: ApiContext): Handlers {
  const expiry = ctx.expiry ?? createExpiryGate();
  const signIn = ctx.signIn;
  const noSignIn = () => {
    throw new LanternError('UNAVAILABLE', 'This station has no sign-in.');
  };
  const off: ResponseOf<'session'> = { required: false, person: null, until: null, autoLockMinutes: 10, locked: null, roster: null, problem: null };
  const query =
    <C extends QueryChannel>(channel: C) =>
    (request: ParsedRequestOf<C>): ResponseOf<C> => {
      const queries = ctx.queries();
      if (!queries) throw new LanternError('NO_SNAPSHOT', NO_SNAPSHOT);
      ctx.signIn?.require();
      // Checked on every query: a copy expires, or a newer one arrives, while a screen is open.
      expiry.check(channel, ctx.status().snapshot, ctx.clock());
      const answer = queries[channel](request);
      // Recorded once the data is on its way: a chart that was not found was not seen.
      const audited = AUDITED[channel] as ((r: ParsedRequestOf<C>) => AuditEvent) | undefined;
      if (audited) ctx.audit?.record(audited(request));
      return answer;
    };
  const shell: readonly ChannelName[] = SHELL_CHANNELS;
  const queryChannels = (Object.keys(CHANNELS) as ChannelName[]).filter((c): c is QueryChannel => !shell.includes(c));
  const delegated = Object.fromEntries(queryChannels.map((c) => [c, query(c)])) as {
    [C in QueryChannel]: Handlers[C];
  };
  return {
    appInfo: () => ({ name: 'Lantern', version: ctx.version, shell: ctx.shell }),
    status: () => {
      const status = ctx.status();
      const now = ctx.clock();
      return { ...status, expired: expiry.state(status.snapshot, now), now: now.toISOString() };
    },
    acknowledgeExpired: (request) => {
      signIn?.require();
      return expiry.acknowledge(ctx.status().snapshot, request, ctx.clock());
    },
    print: async (request) => {
      signIn?.require();
      if (!ctx.print) {
        throw new LanternError('UNAVAILABLE', 'Printing here goes through the browser: use its Print command (Ctrl+P).');
      }
      const result = await ctx.print(request);
      ctx.audit?.record({
        kind: 'print',
        what: request.what ?? 'page',
        patients: request.patients ?? [],
        pages: result.pages ?? null,
        mode: request.mode,
        printed: result.printed,
      });
      return result;
    },
    sectionViewed: (request) => {
      signIn?.require();
      ctx.audit?.record({ kind: 'section-viewed', patient: request.patientId, section: request.section });
      return {};
    },
    session: () => signIn?.state() ?? off,
    signIn: (request) => (signIn ? signIn.signIn(request.user, request.passphrase) : noSignIn()),
    signInEmergency: (request) => (signIn ? signIn.emergency(request) : noSignIn()),
    lock: (request) => signIn?.lock(request.why) ?? off,
    touch: () => signIn?.touch() ?? off,
    ...delegated,
  };
}
