import type { HomeQueries } from '../api/handlers';
import type { AppStatus } from '../../shared/contract';
import type { ContentModel } from '../store/content';
import type { KeyProtector } from './key-protector';

export interface OpenHomeOptions {
  /** How the home's secrets are unwrapped; defaults to the CLI's key-file protector. */
  protector?: KeyProtector;
  clock?: () => Date;
  model?: ContentModel;
}

/** A home opened for reading: what the API and the CLI query commands use. */
export interface OpenedHome {
  readonly dir: string;
  status(): Omit<AppStatus, 'now'>;
  /** Queries over the snapshot in use, or null when none has been ingested. */
  queries(): HomeQueries | null;
  close(): void;
}

export function openHome(dir: string, _options: OpenHomeOptions = {}): OpenedHome {
  void dir;
  throw new Error('openHome is not built yet');
}
