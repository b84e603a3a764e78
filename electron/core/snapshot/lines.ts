/**
 * How a snapshot's NDJSON bytes become lines, for the publisher (counting and mapping them)
 * and the reader alike, so both always agree on what line N is: split at \n, a trailing \r
 * dropped, blank lines (spaces, tabs, \r only) counted in the numbering but not emitted.
 */

export const MAX_LINE_BYTES = 64 * 1024 * 1024;

const isBlank = (buf: Buffer, start: number, end: number): boolean => {
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b !== 13 && b !== 32 && b !== 9) return false;
  }
  return true;
};

export class NdjsonLines {
  /** Non-blank lines emitted so far. */
  lines = 0;
  private lineNumber = 0;
  /** The start of a line that continues in the next chunk, in parts (joined once it ends). */
  private carry: Buffer[] = [];
  private carried = 0;

  /**
   * @param emit one non-blank line: buf[start, end) without its line end; lineNumber is 1-based
   * @param tooLong called for a line longer than maxLineBytes; must throw
   */
  constructor(
    private readonly emit: (buf: Buffer, start: number, end: number, lineNumber: number) => void,
    private readonly tooLong: (lineNumber: number) => never,
    private readonly maxLineBytes = MAX_LINE_BYTES,
  ) {}

  push(buf: Buffer): void {
    let start = 0;
    if (this.carried > 0) {
      const nl = buf.indexOf(10);
      if (nl < 0) {
        this.keep(buf);
        return;
      }
      this.carry.push(buf.subarray(0, nl));
      const joined = Buffer.concat(this.carry, this.carried + nl);
      this.carry = [];
      this.carried = 0;
      this.line(joined, 0, joined.length);
      start = nl + 1;
    }
    let nl: number;
    while ((nl = buf.indexOf(10, start)) >= 0) {
      this.line(buf, start, nl);
      start = nl + 1;
    }
    if (start < buf.length) this.keep(buf.subarray(start));
  }

  /** The last line, if it had no line end; returns the count of non-blank lines. */
  end(): number {
    if (this.carried > 0) {
      const joined = Buffer.concat(this.carry, this.carried);
      this.carry = [];
      this.carried = 0;
      this.line(joined, 0, joined.length);
    }
    return this.lines;
  }

  /** Copied: the caller may reuse its buffer. */
  private keep(part: Buffer): void {
    this.carried += part.length;
    if (this.carried > this.maxLineBytes) this.tooLong(this.lineNumber + 1);
    this.carry.push(Buffer.from(part));
  }

  private line(buf: Buffer, start: number, end: number): void {
    this.lineNumber++;
    if (end - start > this.maxLineBytes) this.tooLong(this.lineNumber);
    if (isBlank(buf, start, end)) return;
    this.lines++;
    this.emit(buf, start, buf[end - 1] === 13 ? end - 1 : end, this.lineNumber);
  }
}
