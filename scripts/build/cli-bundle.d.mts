// Types of cli-bundle.mjs (plain JavaScript: the `lantern` launcher loads it before tsx).
import type * as Cli from '../cli/main';

export declare const ROOT: string;
export declare const CLI_BUNDLE_DIR: string;
export declare function freshCliBundle(dir?: string): { main: string; worker: string } | null;
export declare function buildCliBundle(dir?: string): Promise<void>;
export declare function loadCli(dir?: string): Promise<{ cli: typeof Cli; from: 'bundle' | 'source' }>;
