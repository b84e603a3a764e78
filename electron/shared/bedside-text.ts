/**
 * Code status and isolation in words (decided in core: chart/facts/bedside.ts). The export's
 * silence reads "not recorded" on every screen, page and in the CLI, never "None" or "Full code".
 */
export const NOT_RECORDED_TEXT = 'not recorded';

export function codeStatusText(value: string | null): string {
  return value?.trim() || NOT_RECORDED_TEXT;
}

export function isolationText(values: readonly string[], separator = ', '): string {
  return values.join(separator) || NOT_RECORDED_TEXT;
}
