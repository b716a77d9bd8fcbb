import { countControlCharacters, firstControlCharacter } from "./control-characters.js";
import { LineIndex } from "./line-index.js";
import { type PendingProblem, problem } from "./pending-problem.js";
import { SCENARIO_LIMITS } from "./scenario-limits.js";

/**
 * The decoded text, or the problems that stop everything else.
 *
 * @internal
 */
export type DecodedInput =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly problems: readonly PendingProblem[] };

/**
 * Turns the raw input into text: checks its type and size, decodes bytes as strict UTF-8, strips a
 * leading byte-order mark, and rejects empty and binary input. Internal to the scenario loader.
 *
 * @internal
 */
export function decodeScenarioInput(input: unknown): DecodedInput {
  let text: string;
  if (typeof input === "string") {
    if (utf8Length(input) > SCENARIO_LIMITS.inputBytes) return fail("LIMIT", tooLarge(utf8Length(input)));
    text = input;
  } else if (input instanceof Uint8Array) {
    if (input.byteLength > SCENARIO_LIMITS.inputBytes) return fail("LIMIT", tooLarge(input.byteLength));
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(input);
    } catch {
      return fail("NOT_UTF8", describeBadUtf8(input));
    }
  } else {
    const got = input === null ? "null" : Array.isArray(input) ? "an array" : typeof input;
    return fail("TYPE", `expected the scenario as a string or a Uint8Array, got ${got}`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") {
    return fail(
      "EMPTY_INPUT",
      "the input is empty: expected a YAML or JSON scenario with at least `cluster` and `job`",
    );
  }
  // C0 controls other than tab, LF and CR, and DEL, never appear in a YAML or JSON text file.
  const at = firstControlCharacter(text, true);
  if (at >= 0) {
    const { line, column } = new LineIndex(text).position(at);
    const count = countControlCharacters(text, at);
    const code = `U+${text.charCodeAt(at).toString(16).toUpperCase().padStart(4, "0")}`;
    return fail(
      "NOT_TEXT",
      `the input contains ${count} control character${count === 1 ? "" : "s"} (first: ${code} at line ${line}, column ${column}): expected a YAML or JSON text file, not binary data`,
      at,
    );
  }
  return { ok: true, text };
}

function fail(code: PendingProblem["code"], message: string, offset?: number): DecodedInput {
  const p = problem([], code, message);
  return { ok: false, problems: [offset === undefined ? p : { ...p, offset }] };
}

function tooLarge(bytes: number): string {
  return `the input is ${bytes} bytes long; the limit is ${SCENARIO_LIMITS.inputBytes} bytes (${SCENARIO_LIMITS.inputBytes / 1024 / 1024} MiB)`;
}

/** UTF-8 byte length of a string without allocating an encoded copy. */
function utf8Length(text: string): number {
  if (text.length * 3 <= SCENARIO_LIMITS.inputBytes) return text.length; // cannot exceed the limit
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Finds the first byte that breaks UTF-8 and says where it is. */
function describeBadUtf8(bytes: Uint8Array): string {
  let line = 1;
  let lineStart = 0;
  let i = 0;
  let truncated = false;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    let need = 0;
    let min = 0;
    if (b < 0x80) {
      if (b === 0x0a) {
        line++;
        lineStart = i + 1;
      }
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else break;
    if (i + need >= bytes.length) {
      truncated = true;
      break;
    }
    let cp = b & (0x3f >> need);
    let ok = true;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k] as number;
      if ((c & 0xc0) !== 0x80) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (c & 0x3f);
    }
    if (!ok || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) break;
    i += need + 1;
  }
  const hex = `0x${((bytes[i] ?? 0) as number).toString(16).padStart(2, "0")}`;
  const what = truncated ? `a character cut off by the end of the input (byte ${hex})` : `byte ${hex}`;
  return `the input is not valid UTF-8: ${what} at byte offset ${i} (line ${line}, byte ${i - lineStart + 1} of the line); save the file as UTF-8`;
}
