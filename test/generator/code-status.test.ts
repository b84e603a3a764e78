import { describe, expect, it } from 'vitest';
import { codeStatusLimits } from '../../electron/core/chart/facts/bedside';
import { CODE_STATUS } from '../../electron/core/demo/data';

/**
 * The generated hospital codes each code-status answer in SNOMED CT beside its words. Where core
 * reads the code, it must say what the words say, or a station reading the coded answer would
 * call a full code "not for resuscitation".
 */
describe('the generated code-status answers', () => {
  it.each(CODE_STATUS)('"$text" is coded as what its words say ($code)', ({ text, code }) => {
    const byWords = codeStatusLimits(text, null);
    expect(byWords, 'the words decide on their own').not.toBeNull();
    const byCode = codeStatusLimits('Resuscitation status', code);
    if (byCode !== null) expect(byCode).toBe(byWords);
  });
});
