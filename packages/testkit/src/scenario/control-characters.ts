/**
 * The index of the first control character in `text` (C0 controls and DEL), or −1. With
 * `allowLineBreaks`, tab, line feed and carriage return are allowed (as in a text file).
 * A loop rather than a regular expression with control characters in it. Internal.
 *
 * @internal
 */
export function firstControlCharacter(text: string, allowLineBreaks: boolean): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) {
      if (allowLineBreaks && (c === 0x09 || c === 0x0a || c === 0x0d)) continue;
      return i;
    }
  }
  return -1;
}

/**
 * How many control characters `text` holds from `from` on (tab, LF and CR not counted).
 *
 * @internal
 */
export function countControlCharacters(text: string, from: number): number {
  let n = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) n++;
  }
  return n;
}
