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
  private carry: Buffer | null = null;

  /**
   * @param emit one non-blank line: buf[start, end) without its line end; lineNumber is 1-based
   * @param tooLong called for a line longer than MAX_LINE_BYTES; must throw
   */
  constructor(
    private readonly emit: (buf: Buffer, start: number, end: number, lineNumber: number) => void,
    private readonly tooLong: (lineNumber: number) => never,
  ) {}

  push(buf: Buffer): void {
    let start = 0;
    if (this.carry) {
      const nl = buf.indexOf(10);
      if (nl < 0) {
        if (this.carry.length + buf.length > MAX_LINE_BYTES) this.tooLong(this.lineNumber + 1);
        this.carry = Buffer.concat([this.carry, buf]);
        return;
      }
      const joined = Buffer.concat([this.carry, buf.subarray(0, nl)]);
      this.carry = null;
      this.line(joined, 0, joined.length);
      start = nl + 1;
    }
    let nl: number;
    while ((nl = buf.indexOf(10, start)) >= 0) {
      this.line(buf, start, nl);
      start = nl + 1;
    }
    if (start < buf.length) this.carry = Buffer.from(buf.subarray(start));
  }

  /** The last line, if it had no line end; returns the count of non-blank lines. */
  end(): number {
    if (this.carry) this.line(this.carry, 0, this.carry.length);
    this.carry = null;
    return this.lines;
  }

  private line(buf: Buffer, start: number, end: number): void {
    this.lineNumber++;
    if (end - start > MAX_LINE_BYTES) this.tooLong(this.lineNumber);
    if (isBlank(buf, start, end)) return;
    this.lines++;
    this.emit(buf, start, buf[end - 1] === 13 ? end - 1 : end, this.lineNumber);
  }
}
