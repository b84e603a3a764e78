/** The longest start of `text` that is at most `maxBytes` bytes of UTF-8, cut between characters. */
export function utf8Prefix(text: string, maxBytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return text;
  let end = Math.max(0, maxBytes);
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--; // not inside a character
  return buf.toString('utf8', 0, end);
}
