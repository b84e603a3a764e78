// Types of what layers-rule.js exports for the tests (ESLint loads the JavaScript itself).
import type { Rule } from 'eslint';

export interface Layer {
  name: string;
  /** The layer's folder, repo-relative. */
  dir: string;
  /** The layers it may import; null: any. */
  layers: string[] | null;
  /** Whether Node built-ins are allowed. */
  node: boolean;
  /** The npm packages it may import; null: any. */
  packages: string[] | null;
  electronNames?: string[];
  inner?: { ranks: string[][]; onlyFrom: Record<string, string[]> };
}

export const CORE_RANKS: string[][];
export const LAYERS: Layer[];
export const layersRule: Rule.RuleModule;
declare const plugin: { rules: { layers: Rule.RuleModule } };
export default plugin;
