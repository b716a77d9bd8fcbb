import { type PendingProblem, problem } from "./pending-problem.js";

/**
 * Bounds that stop hostile YAML before the `yaml` parser sees it: the parser needs roughly 1 KB of
 * memory per structural token and recurses once per nesting level, so a few megabytes of `[[[[`,
 * `- - - -` or ever deeper indentation would otherwise take gigabytes or overflow the stack.
 * Real scenario files stay far below these (the format nests 6 levels).
 *
 * @internal
 */
export const YAML_PRESCAN_LIMITS: { readonly nesting: number; readonly tokens: number } = Object.freeze({
  nesting: 200,
  tokens: 200_000,
});

/**
 * One linear pass over YAML text that estimates its structure: nesting (open indentation levels
 * plus block indicators on the line plus open brackets) and structural tokens (indicators,
 * commas, lines). Quoted scalars and comments are skipped; the estimate errs on the high side.
 * Returns the problem that stops parsing, or undefined. Internal to the scenario loader.
 *
 * @internal
 */
export function prescanYaml(text: string): PendingProblem | undefined {
  const indents: number[] = [];
  let flowDepth = 0;
  let lineIndicators = 0;
  let tokens = 0;
  let nodeStart = true;
  let lineStart = true;
  let quote = 0; // 0, or the char code of the open quote
  let comment = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      tokens++;
      lineIndicators = 0;
      comment = false;
      quote = 0;
      nodeStart = true;
      lineStart = true;
      if (tokens > YAML_PRESCAN_LIMITS.tokens) return tooManyTokens(i);
      continue;
    }
    if (comment) continue;
    if (quote !== 0) {
      if (quote === 0x22 && c === 0x5c) i++;
      else if (c === quote) {
        if (quote === 0x27 && text.charCodeAt(i + 1) === 0x27) i++;
        else {
          quote = 0;
          nodeStart = false;
        }
      }
      continue;
    }
    if (lineStart && c !== 0x20 && c !== 0x0d) {
      lineStart = false;
      if (c !== 0x23 && flowDepth === 0) {
        // The first character of a content line: track the open indentation levels.
        const indent = i - (text.lastIndexOf("\n", i) + 1);
        while (indents.length > 0 && (indents[indents.length - 1] as number) >= indent) indents.pop();
        indents.push(indent);
        if (indents.length > YAML_PRESCAN_LIMITS.nesting) return tooDeep(i);
      }
    }
    switch (c) {
      case 0x20:
      case 0x09:
      case 0x0d:
        break;
      case 0x23: // #
        if (i === 0 || isSpace(text.charCodeAt(i - 1))) comment = true;
        else nodeStart = false;
        break;
      case 0x22:
      case 0x27:
        if (nodeStart) quote = c;
        break;
      case 0x5b: // [
      case 0x7b: // {
        flowDepth++;
        tokens++;
        nodeStart = true;
        if (indents.length + lineIndicators + flowDepth > YAML_PRESCAN_LIMITS.nesting) return tooDeep(i);
        break;
      case 0x5d:
      case 0x7d:
        if (flowDepth > 0) flowDepth--;
        nodeStart = false;
        break;
      case 0x2c: // ,
        if (flowDepth > 0) {
          tokens++;
          nodeStart = true;
        }
        break;
      case 0x2d: // -
      case 0x3f: // ?
      case 0x3a: {
        // :
        const next = text.charCodeAt(i + 1);
        const indicator = i + 1 >= n || isSpace(next) || (flowDepth > 0 && c === 0x3a && next === 0x2c);
        if (indicator) {
          tokens++;
          nodeStart = true;
          if (flowDepth === 0) lineIndicators++;
          if (indents.length + lineIndicators + flowDepth > YAML_PRESCAN_LIMITS.nesting) return tooDeep(i);
        } else nodeStart = false;
        break;
      }
      default:
        nodeStart = false;
    }
    if (tokens > YAML_PRESCAN_LIMITS.tokens) return tooManyTokens(i);
  }
  return undefined;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

function tooDeep(offset: number): PendingProblem {
  return {
    ...problem(
      [],
      "TOO_DEEP",
      `the YAML is nested more than ${YAML_PRESCAN_LIMITS.nesting} levels deep (counting indentation, - ? : indicators and brackets); a scenario needs 6`,
    ),
    offset,
  };
}

function tooManyTokens(offset: number): PendingProblem {
  return {
    ...problem(
      [],
      "LIMIT",
      `the YAML input has more than ${YAML_PRESCAN_LIMITS.tokens} structural elements (lines, list items, keys); write very large scenarios as JSON, which has no such limit`,
    ),
    offset,
  };
}
