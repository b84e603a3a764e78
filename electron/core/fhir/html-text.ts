import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';

/**
 * HTML (or XHTML narrative) as inert plain text, read the way a browser reads it: htmlparser2's
 * tokenizer splits the markup (quoted attributes, comments, CDATA, raw-text elements, entities
 * decoded once, a "<" that starts no tag kept as text) and this file decides what of it is text.
 * htmlparser2's tree builder is not used: it keeps the open elements in an array that it shifts
 * and searches at every tag, which a deeply nested note makes quadratic. This is one pass (two
 * at most, below), linear in the length of the note.
 *
 * Markup that never ends hides nothing. An unterminated comment, or a script or style that is
 * never closed, would take the rest of the note with it: instead, the rest is read again as
 * the note (once; what still does not end then is shown as written). A tag cut off at the end
 * is shown as written.
 */

/** Elements no browser shows; dropped when they close. All but template are raw text to the tokenizer. */
const HIDDEN = new Set(['script', 'style', 'template', 'title', 'iframe', 'noembed', 'noframes']);
const RAW_TEXT = new Set(['script', 'style', 'title', 'iframe', 'noembed', 'noframes']);
/** A blank line before and after. */
const PARAGRAPH = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'dl', 'table', 'blockquote', 'pre', 'xmp', 'listing', 'plaintext', 'textarea', 'hr', 'figure']);
/** A line of their own. */
const LINE = new Set([
  'div', 'tr', 'dt', 'dd', 'option', 'address', 'article', 'aside', 'section', 'header', 'footer', 'nav', 'main',
  'details', 'summary', 'figcaption', 'fieldset', 'legend', 'form', 'caption', 'center', 'thead', 'tbody', 'tfoot',
  'hgroup', 'search', 'html', 'head', 'body',
]);
/** Whitespace kept as written. */
const PREFORMATTED = new Set(['pre', 'xmp', 'listing', 'plaintext', 'textarea']);
const LISTS = new Set(['ul', 'ol', 'menu', 'dir']);

const WHITESPACE = /[\t\n\f\r \u00a0]+/g;
// Control characters other than whitespace are no text to show (and U+0001 marks names to resolve).
const CONTROL = /[^\P{Cc}\t\n\f\r]/gu;

interface List {
  ordered: boolean;
  next: number;
}

/** What the text looked like when a hidden element opened: its close rolls back to this. */
interface Mark {
  name: string;
  /** Where its content starts in the source. */
  content: number;
  parts: number;
  lists: number;
  /** The next number of the innermost list, which items inside may have counted on. */
  next: number;
  pre: number;
  started: boolean;
  newlines: number;
  breaks: number;
  space: boolean;
  cell: boolean;
  prefix: string;
  rowHasCell: boolean;
}

export function htmlToText(html: string): string {
  const parts: string[] = [];
  let started = false; // any text written yet
  let newlines = 0; // line feeds at the end of what is written (0..2)
  let breaks = 0; // line feeds wanted before the next text
  let space = false; // a collapsed space wanted before the next text
  let cell = false; // a table cell separator wanted before the next text
  let prefix = ''; // a list item's marker wanted before the next text
  let rowHasCell = false;
  let pre = 0; // open preformatted elements
  let preFirst = false; // the line feed right after <pre> is not content
  const lists: List[] = [];
  const hidden: Mark[] = [];

  const pending = (): void => {
    if (started) {
      if (breaks > newlines) {
        parts.push('\n'.repeat(breaks - newlines));
        newlines = breaks;
      } else if (newlines === 0 && cell) parts.push(' | ');
      else if (newlines === 0 && space) parts.push(' ');
    }
    if (prefix) parts.push(prefix);
    started = true;
    breaks = 0;
    space = cell = false;
    prefix = '';
  };

  const text = (raw: string): void => {
    if (raw === '') return;
    if (pre > 0) {
      let s = raw.replace(/\r\n?/g, '\n').replace(CONTROL, '');
      if (preFirst && s.startsWith('\n')) s = s.slice(1);
      preFirst = false;
      if (s === '') return;
      pending();
      parts.push(s);
      let end = 0;
      while (end < 2 && s[s.length - 1 - end] === '\n') end++;
      newlines = end === s.length ? Math.min(2, newlines + end) : end;
      return;
    }
    const s = raw.replace(CONTROL, '').replace(WHITESPACE, ' ');
    if (s === '') return;
    if (s === ' ') {
      space = true;
      return;
    }
    const lead = s.startsWith(' ');
    const trail = s.endsWith(' ');
    if (lead) space = true;
    pending();
    parts.push(s.slice(lead ? 1 : 0, trail ? -1 : s.length));
    newlines = 0;
    space = trail;
  };

  const block = (n: number): void => {
    if (prefix) return; // a list item's first paragraph stays on its marker's line
    breaks = Math.max(breaks, n);
    space = cell = false;
  };

  const lineBreak = (): void => {
    if (!started) return;
    const target = Math.min(2, Math.max(breaks, newlines + 1));
    if (target > newlines) parts.push('\n'.repeat(target - newlines));
    newlines = Math.max(newlines, target);
    breaks = 0;
    space = cell = false;
  };

  const rollBack = (mark: Mark): void => {
    parts.length = mark.parts;
    lists.length = mark.lists;
    const list = lists[lists.length - 1];
    if (list) list.next = mark.next;
    ({ pre, started, newlines, breaks, space, cell, prefix, rowHasCell } = mark);
  };

  const open = (name: string, olStart: number | null, content: number): void => {
    if (HIDDEN.has(name)) {
      hidden.push({
        name, content, parts: parts.length, lists: lists.length, next: lists[lists.length - 1]?.next ?? 1,
        pre, started, newlines, breaks, space, cell, prefix, rowHasCell,
      });
      return;
    }
    if (name === 'br') return lineBreak();
    if (LISTS.has(name)) {
      block(lists.length > 0 ? 1 : 2);
      lists.push({ ordered: name === 'ol', next: olStart ?? 1 });
      return;
    }
    if (name === 'li') {
      block(1);
      const list = lists[lists.length - 1];
      prefix = '  '.repeat(Math.max(0, lists.length - 1)) + (list?.ordered ? `${list.next++}. ` : '• ');
      return;
    }
    if (name === 'td' || name === 'th') {
      if (rowHasCell) cell = true;
      rowHasCell = true;
      return;
    }
    if (name === 'tr') rowHasCell = false;
    if (PARAGRAPH.has(name)) block(2);
    else if (LINE.has(name)) block(1);
    if (PREFORMATTED.has(name)) {
      pre++;
      preFirst = true;
    }
  };

  const close = (name: string): void => {
    const top = hidden[hidden.length - 1];
    if (top?.name === name) {
      hidden.pop();
      rollBack(top);
      return;
    }
    if (name === 'br') return lineBreak(); // </br> is a line break to browsers too
    if (name === 'li' || LISTS.has(name)) prefix = ''; // an empty item shows no marker
    if (LISTS.has(name)) {
      if (lists.length > (top?.lists ?? 0)) lists.pop(); // not a list opened outside a hidden element
      block(lists.length > 0 ? 1 : 2);
      return;
    }
    if (name === 'td' || name === 'th') return;
    if (PARAGRAPH.has(name)) block(2);
    else if (LINE.has(name)) block(1);
    if (PREFORMATTED.has(name) && pre > 0) pre--;
  };

  let src = html;
  let final = false; // reading the rest again: what does not end now is shown as written
  let again = null as string | null;
  // How far the source is accounted for; anything past it at the end is an unfinished tag.
  let pos = 0;
  let tagStart = 0;
  let tagName: string | null = null;
  let afterEndTag = false; // the last thing read was an end tag's name, its ">" not reported
  let attrName = '';
  let attrValue = '';
  let olStart: number | null = null;

  const lower = (start: number, end: number) => src.slice(start, end).toLowerCase();
  const callbacks: TokenizerCallbacks = {
    ontext(start, end) {
      // At the very end the tokenizer may report text from before the last end tag: count it once.
      text(src.slice(Math.max(start, pos), end));
      pos = end;
      afterEndTag = false;
    },
    ontextentity(codepoint, end) {
      text(String.fromCodePoint(codepoint));
      pos = end;
      afterEndTag = false;
    },
    onopentagname(start, end) {
      tagStart = start - 1;
      tagName = lower(start, end);
      olStart = null;
      afterEndTag = false;
    },
    onattribname(start, end) {
      attrName = tagName === 'ol' ? lower(start, end) : '';
      attrValue = '';
    },
    onattribdata(start, end) {
      if (attrName === 'start' && attrValue.length < 12) attrValue += src.slice(start, Math.min(end, start + 12));
    },
    onattribentity(codepoint) {
      if (attrName === 'start' && attrValue.length < 12) attrValue += String.fromCodePoint(codepoint);
    },
    onattribend() {
      if (attrName === 'start' && /^\s*-?\d{1,9}\s*$/.test(attrValue)) olStart = Number(attrValue);
      attrName = '';
    },
    onopentagend(end) {
      if (tagName !== null) open(tagName, olStart, end + 1);
      tagName = null;
      pos = end + 1;
    },
    onselfclosingtag(end) {
      if (tagName !== null) {
        open(tagName, olStart, end + 1);
        close(tagName);
      }
      tagName = null;
      pos = end + 1;
    },
    onclosetag(start, end) {
      close(lower(start, end));
      pos = end;
      afterEndTag = true;
    },
    oncomment(start, end) {
      if (end >= src.length) {
        // Unterminated (an unclosed CDATA section is reported as one too).
        const data = src.slice(start, end);
        const rest = data.startsWith('[CDATA[') ? data.slice(7) : data;
        if (final) text(rest);
        else again = rest;
      }
      pos = end + 1;
      afterEndTag = false;
    },
    oncdata(start, end, offset) {
      text(src.slice(start, end - offset));
      pos = end + 1;
      afterEndTag = false;
    },
    ondeclaration(_start, end) {
      pos = end + 1;
      afterEndTag = false;
    },
    onprocessinginstruction(_start, end) {
      pos = end + 1;
      afterEndTag = false;
    },
    onend() {
      const top = hidden[hidden.length - 1];
      if (!final && top && RAW_TEXT.has(top.name)) {
        // Raw text to the end: the element never closed, so its content is the note.
        hidden.pop();
        rollBack(top);
        again = src.slice(top.content);
        return;
      }
      if (tagName !== null) pos = tagStart;
      else if (afterEndTag) {
        const gt = src.indexOf('>', pos);
        if (gt >= 0) pos = gt + 1;
      }
      if (pos < src.length) text(src.slice(pos));
    },
  };

  const read = (source: string): void => {
    src = source;
    pos = 0;
    tagName = null;
    afterEndTag = false;
    const tokenizer = new Tokenizer({ decodeEntities: true, recognizeSelfClosing: true }, callbacks);
    tokenizer.write(source);
    tokenizer.end();
  };
  read(html);
  if (again !== null) {
    final = true;
    read(again);
  }
  return parts.join('').trimEnd();
}
