import { z } from 'zod';
import type { Result } from '../result';
import type { ChannelName } from './names';
import * as chart from './chart';
import * as records from './records';
import { EmergencyRequest, LockRequest, SessionState, SignInRequest } from './sign-in';
import { AcknowledgeExpiredRequest, AppInfo, AppStatus, Empty, ExpiredCopy, PrintRequest, PrintResult } from './status';

export * from './names';
export * from './status';
export * from './records';
export * from './sections';
export * from './chart';
export * from './sign-in';

interface ChannelDef {
  request: z.ZodType;
  response: z.ZodType;
}

/**
 * The whole IPC contract: for each request the renderer may make, the schema its input
 * must satisfy and the schema of its answer. `satisfies Record<ChannelName, …>` makes a
 * name without a schema (or a schema without a name) a compile error.
 */
export const CHANNELS = {
  appInfo: { request: Empty, response: AppInfo },
  status: { request: Empty, response: AppStatus },
  search: { request: chart.SearchRequest, response: z.array(records.PatientSummary) },
  census: { request: chart.CensusRequest, response: chart.Census },
  chart: { request: chart.ChartRequest, response: chart.Chart },
  mar: { request: chart.MarRequest, response: chart.Mar },
  series: { request: chart.SeriesRequest, response: chart.Series },
  record: { request: chart.RecordRequest, response: chart.RawRecord },
  protocols: { request: Empty, response: z.array(chart.ProtocolInfo) },
  protocolSearch: { request: chart.ProtocolSearchRequest, response: z.array(chart.ProtocolHit) },
  protocolOpen: { request: chart.ProtocolOpenRequest, response: chart.ProtocolDocument },
  print: { request: PrintRequest, response: PrintResult },
  /** The nurse confirms the age of the expired copy in use; answers its state after (null: not expired). */
  acknowledgeExpired: { request: AcknowledgeExpiredRequest, response: ExpiredCopy.nullable() },
  /** A tab of an open chart was shown: recorded in the audit log. */
  sectionViewed: { request: chart.SectionViewedRequest, response: Empty },
  /** Sign-in (docs/SIGN-IN.md): who is on, whether the station is locked; each answers the state after. */
  session: { request: Empty, response: SessionState },
  signIn: { request: SignInRequest, response: SessionState },
  signInEmergency: { request: EmergencyRequest, response: SessionState },
  /** Lock now (the Lock and Switch user buttons, the renderer's inactivity timer). */
  lock: { request: LockRequest, response: SessionState },
  /** The person is still at the station: postpones the automatic lock. */
  touch: { request: Empty, response: SessionState },
} as const satisfies Record<ChannelName, ChannelDef>;

type Channels = typeof CHANNELS;
export type RequestOf<C extends ChannelName> = z.input<Channels[C]['request']>;
export type ParsedRequestOf<C extends ChannelName> = z.output<Channels[C]['request']>;
export type ResponseOf<C extends ChannelName> = z.output<Channels[C]['response']>;

/** The one API the renderer gets (`window.lantern`): derived here, never written twice. */
export type LanternApi = {
  readonly [C in ChannelName]: (request: RequestOf<C>) => Promise<Result<ResponseOf<C>>>;
};

/** Channels the shell answers itself rather than the home's data. */
export const SHELL_CHANNELS = ['appInfo', 'status', 'print', 'acknowledgeExpired', 'sectionViewed', 'session', 'signIn', 'signInEmergency', 'lock', 'touch'] as const satisfies readonly ChannelName[];
type ShellChannel = (typeof SHELL_CHANNELS)[number];
/** The chart queries a home answers; every channel except the ones the shell answers itself. */
export type QueryChannel = Exclude<ChannelName, ShellChannel>;
/** What a chart model's queries answer, one function per query channel (synchronous). */
export type HomeQueries = {
  [C in QueryChannel]: (request: ParsedRequestOf<C>) => ResponseOf<C>;
};

export const isChannelName = (name: string): name is ChannelName =>
  Object.prototype.hasOwnProperty.call(CHANNELS, name);
