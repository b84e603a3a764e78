import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mapResource } from '../../electron/core/chart/map';
import type { ChartItem, Note } from '../../electron/shared/contract';
import { htmlToText } from '../../electron/core/fhir/util';
import { buildChartDb } from '../support/chart-db';
import { tempDir } from '../support/snapshots';

/** [what it is, the note's HTML, the text a nurse must see] */
const MEANING: [string, string, string][] = [
  ['an escaped "<" in an order', 'Hold metoprolol if SBP &lt; 90', 'Hold metoprolol if SBP < 90'],
  ['an escaped ">"', 'Call if HR &gt; 120', 'Call if HR > 120'],
  ['bare "<" and ">" before numbers', 'give 4 units if glucose <150, 8 units if glucose >250', 'give 4 units if glucose <150, 8 units if glucose >250'],
  ['a bare "<" before a space', 'Target SBP < 140 and > 100', 'Target SBP < 140 and > 100'],
  ['"<=" and "<-"', 'K <= 3.5 <- replace', 'K <= 3.5 <- replace'],
  ['entities decoded once', 'written &amp;lt; and &amp;amp; in the source', 'written &lt; and &amp; in the source'],
  ['numeric entities', 'Temp 38&#176;C &#x2014; recheck', 'Temp 38°C — recheck'],
  ['quotes and apostrophes', 'Patient says &quot;I&apos;m fine&quot;', 'Patient says "I\'m fine"'],
  ['a lone ampersand', 'Tylenol & ice', 'Tylenol & ice'],
  ['an XHTML narrative', '<div xmlns="http://www.w3.org/1999/xhtml"><p>Stable &#8212; continue plan</p></div>', 'Stable — continue plan'],
  ['inline markup without spaces', 'Plan: <b>continue</b> <i>antibiotics</i>', 'Plan: continue antibiotics'],
];

const HOSTILE: [string, string, string][] = [
  ['a script that ends', '<p>Plan reviewed</p><script>alert(1)</script><p>NO MORPHINE</p>', 'Plan reviewed\n\nNO MORPHINE'],
  ['a script that never ends', '<p>Allergies reviewed</p><script>var x = 1;<p>NO MORPHINE</p>', 'Allergies reviewed\n\nvar x = 1;\n\nNO MORPHINE'],
  ['a script tag cut off at the end', 'Allergies reviewed <script NO MORPHINE', 'Allergies reviewed <script NO MORPHINE'],
  ['"<script" run into the next tag', '<p>Allergies reviewed<script</p><p>NO MORPHINE</p>', 'Allergies reviewed\n\nNO MORPHINE'],
  ['a script in a script', '<script><script>alert(1)</script>NO MORPHINE</script>', 'NO MORPHINE'],
  ['a script name split by a script', '<scr<script>ipt>alert(1)</script>Continue heparin', 'ipt>alert(1)Continue heparin'],
  ['upper-case script', '<SCRIPT type="text/javascript">steal()</SCRIPT>NO MORPHINE', 'NO MORPHINE'],
  ['a self-closed (XHTML) script', '<script src="x.js"/>NO MORPHINE', 'NO MORPHINE'],
  ['a script end tag with spaces', '<script>a()</script  >NO MORPHINE', 'NO MORPHINE'],
  ['a style, a title and a template', '<head><title>Note</title><style>p { color: red }</style></head><body><template><p>draft</p></template>Text</body>', 'Text'],
  ['a style that never ends', 'Wound care <style>p { color: red } <p>NO MORPHINE', 'Wound care p { color: red }\n\nNO MORPHINE'],
  ['a comment', 'Heparin<!-- old: warfarin --> drip', 'Heparin drip'],
  ['a comment that never ends', '<p>Vitals stable</p><!-- unterminated comment <p>NO MORPHINE</p>', 'Vitals stable\n\nunterminated comment\n\nNO MORPHINE'],
  ['a comment with "--" and ">" inside', 'a<!-- x > y -- z -->b', 'ab'],
  ['a CDATA section', '<![CDATA[K < 3.5 and Mg > 2]]> recheck', 'K < 3.5 and Mg > 2 recheck'],
  ['a CDATA section that never ends', 'Labs: <![CDATA[K < 3.5', 'Labs: K < 3.5'],
  ['">" in quoted attributes', '<a title="a > b" data-x=\'>\' href="#">Order set</a> applied', 'Order set applied'],
  ['event handlers and images', '<p onclick="steal()">Plan</p><img src=x onerror=alert(2)>', 'Plan'],
  ['an end tag cut off at the end', 'Continue</p NO MORPHINE', 'Continue\n\nNO MORPHINE'],
  ['a tag cut off at the end', 'Check BP <b', 'Check BP <b'],
  ['a doctype and an XML declaration', '<?xml version="1.0"?><!DOCTYPE html><html><body>Stable</body></html>', 'Stable'],
  ['control characters', 'a&#1;b\u0001c&#0;d', 'abc\ufffdd'],
];

const LAYOUT: [string, string, string][] = [
  ['paragraphs and headings', '<h2>History</h2><p>Line one<br>Line two<br><br>After a blank line</p><p>Next</p>', 'History\n\nLine one\nLine two\n\nAfter a blank line\n\nNext'],
  ['divisions, one line each', '<div>BP 120/80</div><div>HR 72</div>', 'BP 120/80\nHR 72'],
  ['a bulleted list, nested', '<ul><li>Metoprolol</li><li>Lisinopril<ul><li>hold if SBP &lt; 100</li></ul></li><li><p>Aspirin</p></li></ul><p>Reviewed</p>', '• Metoprolol\n• Lisinopril\n  • hold if SBP < 100\n• Aspirin\n\nReviewed'],
  ['a numbered list, items left open', '<ol><li>Assess<li>Treat<li>Reassess</ol>', '1. Assess\n2. Treat\n3. Reassess'],
  ['a numbered list from 4', '<ol start="4"><li>Notify</li></ol>', '4. Notify'],
  ['a table, a row a line', '<table><tr><th>Time</th><th>Dose</th></tr>\n<tr><td>08:00</td>\n  <td>5 mg</td></tr></table>Given', 'Time | Dose\n08:00 | 5 mg\n\nGiven'],
  ['whitespace collapsed', '  Pain\n\n   2/10 \t at&nbsp;rest  ', 'Pain 2/10 at rest'],
  ['preformatted text kept', '<pre>\nBP   120/80\nHR   72</pre>Signed', 'BP   120/80\nHR   72\n\nSigned'],
  ['carriage returns', '<p>a\r\nb</p>', 'a b'],
  ['nothing but markup', '<p></p><br><div> </div>', ''],
];

describe('note HTML to text', () => {
  describe.each([
    ['keeps what the note means', MEANING],
    ['lets no markup hide or swallow text', HOSTILE],
    ['lays out blocks, lists and tables as lines', LAYOUT],
  ])('%s', (_, table) => {
    it.each(table)('%s', (_what, html, text) => {
      expect(htmlToText(html)).toBe(text);
    });
  });

  it('reads a huge, hostile note in one linear pass', { timeout: 15_000 }, () => {
    // Quadratic work on these (shifting and searching the open elements at every tag, as
    // htmlparser2's tree builder does, or rescanning for a closing tag) takes over half a
    // minute at this size; the linear pass takes well under a second for all of them.
    const n = 200_000;
    const notes = [
      '<div>'.repeat(n) + 'NO MORPHINE' + '</span>'.repeat(n),
      '<ul><li>'.repeat(n) + 'NO MORPHINE',
      '<template>'.repeat(n) + 'NO MORPHINE',
      '<'.repeat(5 * n) + 'NO MORPHINE',
      '<!--'.repeat(n) + 'NO MORPHINE',
      '<script>'.repeat(n) + 'NO MORPHINE',
      '&amp;lt;'.repeat(n) + 'NO MORPHINE',
      '<a title="'.repeat(n) + '">NO MORPHINE',
    ];
    for (const html of notes) expect(htmlToText(html)).toContain('NO MORPHINE');
  });
});

describe('where note HTML is read', () => {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  const ORDER = '<p>Hold metoprolol if SBP &lt; 90</p><p>give 4 units if glucose <150, 8 units if glucose >250</p><script>x()<p>NO MORPHINE</p>';
  const TEXT = 'Hold metoprolol if SBP < 90\n\ngive 4 units if glucose <150, 8 units if glucose >250\n\nx()\n\nNO MORPHINE';
  const subject = { reference: 'Patient/p1' };

  it('a note\'s narrative and its HTML attachment', () => {
    const narrative = mapResource('DocumentReference', { resourceType: 'DocumentReference', id: 'n1', status: 'current', subject, text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${ORDER}</div>` } }, '');
    expect((narrative.data as Note).text).toBe(TEXT);
    const attached = mapResource('DocumentReference', { resourceType: 'DocumentReference', id: 'n2', status: 'current', subject, content: [{ attachment: { contentType: 'text/html; charset=utf-8', data: b64(ORDER) } }] }, '');
    expect((attached.data as Note).text).toBe(TEXT);
  });

  it('a report\'s presented form', () => {
    const report = mapResource('DiagnosticReport', { resourceType: 'DiagnosticReport', id: 'r1', status: 'final', code: { text: 'Glucose protocol' }, subject, presentedForm: [{ contentType: 'text/html', data: b64(ORDER) }] }, '');
    expect((report.data as ChartItem).detail).toBe(TEXT);
  });

  const work = tempDir();
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  it('an HTML protocol, as searched', () => {
    mkdirSync(path.join(work, 'Endocrine'), { recursive: true });
    writeFileSync(path.join(work, 'Endocrine', 'insulin.html'), `<html><head><title>Insulin sliding scale</title></head><body>${ORDER}</body></html>`);
    const { queries } = buildChartDb({}, { protocolsDir: work });
    const found = (text: string) => queries.protocolSearch({ text }).map((p) => p.id);
    // Every one of these words was lost to the "<" and the unclosed script before.
    for (const word of ['150', 'units', '250', 'MORPHINE']) expect(found(word), word).toEqual(['Endocrine/insulin.html']);
  });
});
