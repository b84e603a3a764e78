import {
  CHANNELS,
  type AppStatus,
  type ChannelName,
  type ParsedRequestOf,
  type ResponseOf,
  type HomeQueries,
  type QueryChannel,
} from '../../shared/contract';
import { LanternError } from '../../shared/errors';


/** What the handlers need from the outside world, injected so tests can fake any of it. */
export interface ApiContext {
  shell: 'desktop' | 'preview';
  version: string;
  /** Status of the home in use (null snapshot when nothing has been ingested yet). */
  status(): Omit<AppStatus, 'now'>;
  /** The open home's queries, or null when there is no snapshot to query. */
  queries(): HomeQueries | null;
  clock(): Date;
  /** Printing through the shell (the desktop app); absent where the browser prints instead. */
  print?: (request: ParsedRequestOf<'print'>) => Promise<ResponseOf<'print'>>;
}

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
  const query =
    <C extends QueryChannel>(channel: C) =>
    (request: ParsedRequestOf<C>): ResponseOf<C> => {
      const queries = ctx.queries();
      if (!queries) throw new LanternError('NO_SNAPSHOT', NO_SNAPSHOT);
      return queries[channel](request);
    };
  const queryChannels = (Object.keys(CHANNELS) as ChannelName[]).filter(
    (c): c is QueryChannel => c !== 'appInfo' && c !== 'status' && c !== 'print',
  );
  const delegated = Object.fromEntries(queryChannels.map((c) => [c, query(c)])) as {
    [C in QueryChannel]: Handlers[C];
  };
  return {
    appInfo: () => ({ name: 'Lantern', version: ctx.version, shell: ctx.shell }),
    status: () => ({ ...ctx.status(), now: ctx.clock().toISOString() }),
    print: (request) => {
      if (!ctx.print) {
        throw new LanternError('UNAVAILABLE', 'Printing here goes through the browser: use its Print command (Ctrl+P).');
      }
      return ctx.print(request);
    },
    ...delegated,
  };
}
