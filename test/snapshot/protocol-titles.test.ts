import { describe, expect, it } from 'vitest';
import { makePdf } from '../../electron/core/demo/protocols';
import { protocolKind, protocolTitle } from '../../electron/core/publisher/protocols';

const title = (file: string, text: string | Buffer) => {
  const kind = protocolKind(file)!;
  return protocolTitle(file, kind, typeof text === 'string' ? Buffer.from(text) : text);
};

describe('protocol document titles', () => {
  it('takes the Markdown heading (ATX or underlined), the HTML <title>, the PDF Info title', () => {
    expect(title('a.md', 'intro\n\n## Code blue during downtime ##\ntext')).toBe('Code blue during downtime');
    expect(title('a.md', 'Sepsis bundle\n=====\n')).toBe('Sepsis bundle');
    expect(title('a.html', '<html><head><title>Insulin &amp; potassium</title></head></html>')).toBe('Insulin & potassium');
    expect(title('form.pdf', makePdf('Downtime lab requisition', [['x']]))).toBe('Downtime lab requisition');
  });

  it('falls back to the file name, in words, capitalised', () => {
    expect(title('downtime/rapid-response_criteria.txt', 'Call 5555')).toBe('Rapid response criteria');
    expect(title('x/untitled-note.md', 'no heading here')).toBe('Untitled note');
    expect(protocolKind('virus.exe')).toBeNull();
  });
});
