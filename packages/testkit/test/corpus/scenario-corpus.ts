// The bad-input corpus for scenario files: every entry is an input that must be rejected with a
// ScenarioError carrying the listed problems (code, exact path, and a fragment of the message).
// Inputs that are large or binary are built by functions, so the table stays readable.
import { SCENARIO_LIMITS } from "@slotpool/testkit";

/** One expected problem: its code, its exact path, and a fragment its message must contain. */
export interface ExpectedProblem {
  readonly code: string;
  readonly path: string;
  readonly message: string;
}

/** One bad input. */
export interface CorpusEntry {
  readonly name: string;
  /** The input, or a function building it (for large or binary inputs). */
  readonly input: unknown;
  readonly format?: "yaml" | "json" | "auto" | "xml";
  readonly fileName?: string;
  /** Every one of these must be among the problems. */
  readonly expect: readonly ExpectedProblem[];
}

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

const TMS = "    - { id: tm-1, host: host-a, slots: 2 }\n    - { id: tm-2, slots: 2 }\n";
const CLUSTER = `cluster:\n  taskManagers:\n${TMS}`;
const JOB = "job:\n  vertices:\n    - { id: map, parallelism: 2 }\n";

/** A valid scenario with one part replaced or added. */
function yaml(parts: { top?: string; cluster?: string; job?: string; events?: string; rest?: string } = {}): string {
  return `${parts.top ?? ""}${parts.cluster ?? CLUSTER}${parts.job ?? JOB}${parts.events === undefined ? "" : `events:\n${parts.events}`}${parts.rest ?? ""}`;
}
/** A valid scenario whose cluster has these extra cluster-level lines (YAML, indented 2). */
const withCluster = (lines: string): string => yaml({ cluster: `${CLUSTER}${lines}` });
/** A valid scenario with one extra static TaskManager written as a flow mapping body. */
const withTm = (body: string): string => yaml({ cluster: `cluster:\n  taskManagers:\n${TMS}    - { ${body} }\n` });
/** A valid scenario whose only vertex is this flow mapping body. */
const withVertex = (body: string): string => yaml({ job: `job:\n  vertices:\n    - { ${body} }\n` });
/** A valid scenario with these vertices (flow mapping bodies). */
const withVertices = (...bodies: string[]): string =>
  yaml({ job: `job:\n  vertices:\n${bodies.map((b) => `    - { ${b} }\n`).join("")}` });
/** A valid scenario with these events (flow mapping bodies). */
const withEvents = (...bodies: string[]): string => yaml({ events: bodies.map((b) => `  - { ${b} }\n`).join("") });

const VALID_JSON = {
  cluster: { taskManagers: [{ id: "tm-1", slots: 2 }] },
  job: { vertices: [{ id: "map", parallelism: 2 }] },
};
const json = (value: unknown): string => JSON.stringify(value);

const billionLaughs = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
  "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
  "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
  "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
  "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]",
  "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]",
  "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]",
  "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]",
].join("\n");

function nestedBlock(levels: number): string {
  let out = "";
  for (let i = 0; i < levels; i++) out += `${"  ".repeat(i)}a:\n`;
  return `${out}${"  ".repeat(levels)}b: 1\n`;
}

/** A deterministic pseudo-random byte string (binary garbage). */
function garbage(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export const SCENARIO_CORPUS: readonly CorpusEntry[] = [
  // ── Empty, encoding and binary input ─────────────────────────────────────────────────────────
  { name: "empty string", input: "", expect: [{ code: "EMPTY_INPUT", path: "", message: "the input is empty" }] },
  { name: "empty bytes", input: bytes(), expect: [{ code: "EMPTY_INPUT", path: "", message: "the input is empty" }] },
  {
    name: "whitespace only",
    input: "  \n\t\n   \r\n",
    expect: [{ code: "EMPTY_INPUT", path: "", message: "the input is empty" }],
  },
  {
    name: "UTF-8 byte-order mark only",
    input: bytes(0xef, 0xbb, 0xbf),
    expect: [{ code: "EMPTY_INPUT", path: "", message: "the input is empty" }],
  },
  {
    name: "byte-order mark then whitespace",
    input: concat(bytes(0xef, 0xbb, 0xbf), utf8("\n\n  \n")),
    expect: [{ code: "EMPTY_INPUT", path: "", message: "the input is empty" }],
  },
  {
    name: "comments only",
    input: "# a scenario\n# to be written\n",
    expect: [{ code: "EMPTY_INPUT", path: "", message: "no YAML content" }],
  },
  {
    name: "document marker only",
    input: "---\n",
    expect: [{ code: "EMPTY_INPUT", path: "", message: "no YAML content" }],
  },
  {
    name: "UTF-16 LE text with its byte-order mark",
    input: concat(bytes(0xff, 0xfe), ...Array.from("a: 1\n", (c) => bytes(c.charCodeAt(0), 0))),
    expect: [{ code: "NOT_UTF8", path: "", message: "byte 0xff at byte offset 0" }],
  },
  {
    name: "lone continuation byte",
    input: concat(utf8("name: x"), bytes(0x80), utf8("\n")),
    expect: [{ code: "NOT_UTF8", path: "", message: "byte 0x80 at byte offset 7" }],
  },
  {
    name: "overlong encoding of '/'",
    input: concat(utf8("name: "), bytes(0xc0, 0xaf)),
    expect: [{ code: "NOT_UTF8", path: "", message: "byte 0xc0" }],
  },
  {
    name: "UTF-8 encoded surrogate",
    input: concat(utf8("name: "), bytes(0xed, 0xa0, 0x80)),
    expect: [{ code: "NOT_UTF8", path: "", message: "byte 0xed" }],
  },
  {
    name: "character cut off at the end",
    input: concat(utf8("name: price in "), bytes(0xe2, 0x82)),
    expect: [{ code: "NOT_UTF8", path: "", message: "cut off by the end of the input" }],
  },
  {
    name: "Latin-1 encoded accent on line 3",
    input: concat(utf8("seed: 1\nname: caf"), bytes(0xe9), utf8("\n")),
    expect: [{ code: "NOT_UTF8", path: "", message: "line 2" }],
  },
  {
    name: "PNG header (binary garbage)",
    input: concat(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), garbage(64, 7)),
    expect: [{ code: "NOT_UTF8", path: "", message: "not valid UTF-8" }],
  },
  {
    name: "random bytes",
    input: garbage(4096, 12345),
    expect: [{ code: "NOT_UTF8", path: "", message: "save the file as UTF-8" }],
  },
  {
    name: "ELF header (ASCII control bytes)",
    input: bytes(0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00),
    expect: [{ code: "NOT_TEXT", path: "", message: "U+007F at line 1, column 1" }],
  },
  {
    name: "NUL character inside a string",
    input: withCluster("").replace("host-a", "host\u0000a"),
    expect: [{ code: "NOT_TEXT", path: "", message: "U+0000" }],
  },
  {
    name: "escape character in the text",
    input: `name: \u001b[31mred\n${yaml()}`,
    expect: [{ code: "NOT_TEXT", path: "", message: "not binary data" }],
  },
  {
    name: "input larger than the byte limit",
    input: () => `name: x\n#${"x".repeat(SCENARIO_LIMITS.inputBytes)}\n`,
    expect: [{ code: "LIMIT", path: "", message: "the limit is 8388608 bytes" }],
  },
  {
    name: "bytes larger than the byte limit",
    input: () => new Uint8Array(SCENARIO_LIMITS.inputBytes + 1).fill(0x20),
    expect: [{ code: "LIMIT", path: "", message: "the limit is 8388608 bytes" }],
  },

  // ── API misuse ────────────────────────────────────────────────────────────────────────────────
  {
    name: "a number instead of text",
    input: 42,
    expect: [{ code: "TYPE", path: "", message: "as a string or a Uint8Array, got number" }],
  },
  { name: "null instead of text", input: null, expect: [{ code: "TYPE", path: "", message: "got null" }] },
  {
    name: "a parsed object instead of text",
    input: VALID_JSON,
    expect: [{ code: "TYPE", path: "", message: "got object" }],
  },
  {
    name: "unknown format option",
    input: yaml(),
    format: "xml",
    expect: [{ code: "INVALID_VALUE", path: "", message: 'format option to be "yaml", "json" or "auto"' }],
  },

  // ── Syntax ────────────────────────────────────────────────────────────────────────────────────
  {
    name: "unclosed flow sequence",
    input: "cluster: { taskManagers: [ { id: tm-1 }\njob: {}\n",
    expect: [{ code: "SYNTAX", path: "", message: "YAML syntax error" }],
  },
  {
    name: "tab used as indentation",
    input: "cluster:\n\ttaskManagers: []\n",
    expect: [{ code: "SYNTAX", path: "", message: "Tabs are not allowed as indentation" }],
  },
  {
    name: "nested mapping on one line",
    input: "cluster: taskManagers: []\n",
    expect: [{ code: "SYNTAX", path: "", message: "YAML syntax error" }],
  },
  {
    name: "unterminated double-quoted string",
    input: `name: "wordcount\n${yaml()}`,
    expect: [{ code: "SYNTAX", path: "", message: "YAML syntax error" }],
  },
  {
    name: "YAML duplicate key",
    input: `seed: 1\nseed: 2\n${yaml()}`,
    expect: [{ code: "DUPLICATE_KEY", path: "", message: 'the key "seed" appears more than once' }],
  },
  {
    name: "several YAML documents",
    input: `${yaml()}---\n${yaml()}`,
    expect: [{ code: "MULTIPLE_DOCUMENTS", path: "", message: "holds 2 documents" }],
  },
  {
    name: "alias to an anchor that does not exist",
    input: yaml({ top: "name: *missing\n" }),
    expect: [{ code: "SYNTAX", path: "", message: "refers to no anchor" }],
  },
  {
    name: "a list used as a mapping key",
    input: `? [a, b]\n: 1\n${yaml()}`,
    expect: [{ code: "TYPE", path: "", message: "mapping keys must be plain strings" }],
  },
  {
    name: "INI file",
    input: "[scenario]\nname = wordcount\nseed = 7\n",
    expect: [{ code: "SYNTAX", path: "", message: "YAML syntax error" }],
  },
  {
    name: "XML file",
    input: '<?xml version="1.0"?>\n<scenario name="x"/>\n',
    expect: [{ code: "NOT_AN_OBJECT", path: "", message: "is this a YAML or JSON scenario file?" }],
  },
  {
    name: "a sentence of prose",
    input: "This file describes the cluster and the job.\n",
    expect: [{ code: "NOT_AN_OBJECT", path: "", message: "got the string" }],
  },
  {
    name: "top-level list",
    input: "- cluster: {}\n- job: {}\n",
    expect: [{ code: "NOT_AN_OBJECT", path: "", message: "got a list" }],
  },
  { name: "top-level number", input: "42\n", expect: [{ code: "NOT_AN_OBJECT", path: "", message: "got 42" }] },
  { name: "top-level null", input: "~\n", expect: [{ code: "NOT_AN_OBJECT", path: "", message: "got null" }] },
  { name: "top-level boolean", input: "true\n", expect: [{ code: "NOT_AN_OBJECT", path: "", message: "got true" }] },
  {
    name: "JSON top-level array",
    input: "[]",
    format: "json",
    expect: [{ code: "NOT_AN_OBJECT", path: "", message: "got a list" }],
  },
  {
    name: "JSON top-level string",
    input: '"scenario"',
    format: "json",
    expect: [{ code: "NOT_AN_OBJECT", path: "", message: 'got the string "scenario"' }],
  },
  {
    name: "JSON trailing comma",
    input: '{"cluster": {}, "job": {},}',
    format: "json",
    expect: [{ code: "SYNTAX", path: "", message: "expected a property name in double quotes, found '}'" }],
  },
  {
    name: "JSON single quotes",
    input: "{'cluster': {}}",
    format: "json",
    expect: [{ code: "SYNTAX", path: "", message: "JSON syntax error" }],
  },
  {
    name: "JSON with a comment",
    input: '{\n  // the cluster\n  "cluster": {}\n}',
    format: "json",
    expect: [{ code: "SYNTAX", path: "", message: "JSON syntax error" }],
  },
  {
    name: "JSON NaN literal",
    input: '{"seed": NaN}',
    format: "json",
    expect: [{ code: "SYNTAX", path: "", message: "expected a value" }],
  },
  {
    name: "JSON Infinity literal",
    input: '{"seed": Infinity}',
    format: "json",
    expect: [{ code: "SYNTAX", path: "", message: "(in seed)" }],
  },
  {
    name: "JSON unterminated string",
    input: '{"name": "wordcount',
    format: "json",
    expect: [{ code: "SYNTAX", path: "", message: "a valid string" }],
  },
  {
    name: "JSON raw tab inside a string",
    input: '{"name": "word\tcount"}',
    format: "json",
    expect: [{ code: "SYNTAX", path: "", message: "a valid string" }],
  },
  {
    name: "JSON trailing content",
    input: `${json(VALID_JSON)} extra`,
    format: "json",
    expect: [{ code: "SYNTAX", path: "", message: "the end of the input after the top-level value" }],
  },
  {
    name: "JSON duplicate key",
    input: '{"seed": 1, "seed": 2, "cluster": {}, "job": {"vertices": [{"id": "a", "parallelism": 1}]}}',
    format: "json",
    expect: [{ code: "DUPLICATE_KEY", path: "seed", message: 'the key "seed" appears more than once' }],
  },
  {
    name: "YAML in a .json file",
    input: yaml(),
    fileName: "scenario.json",
    expect: [{ code: "SYNTAX", path: "", message: "JSON syntax error" }],
  },
  {
    name: "JSON number overflowing to Infinity",
    input: json({ ...VALID_JSON, seed: 1 }).replace('"seed":1', '"seed":1e400'),
    format: "json",
    expect: [{ code: "NOT_FINITE", path: "seed", message: "got Infinity" }],
  },

  // ── Depth and expansion bombs ─────────────────────────────────────────────────────────────────
  {
    name: "YAML flow nesting 200,000 deep",
    input: () => `x: ${"[".repeat(200_000)}${"]".repeat(200_000)}\n`,
    expect: [{ code: "TOO_DEEP", path: "", message: "nested more than 200 levels deep" }],
  },
  {
    name: "YAML flow nesting 40 deep in a known field",
    input: yaml({ top: `name: ${"[".repeat(40)}${"]".repeat(40)}\n` }),
    expect: [{ code: "TOO_DEEP", path: `name${"[0]".repeat(31)}`, message: "nested 41 levels deep" }],
  },
  {
    name: "YAML block nesting 40 deep",
    input: yaml({ rest: nestedBlock(40) }),
    expect: [{ code: "TOO_DEEP", path: Array(32).fill("a").join("."), message: "nested 41 levels deep; at most 32" }],
  },
  {
    name: "compact block sequences 5,000 deep on one line",
    input: () => `${"- ".repeat(5_000)}x\n`,
    expect: [{ code: "TOO_DEEP", path: "", message: "counting indentation, - ? : indicators and brackets" }],
  },
  {
    name: "JSON nesting 1,000,000 deep",
    input: () => `${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}`,
    format: "json",
    expect: [{ code: "TOO_DEEP", path: "[0]".repeat(32), message: "nested more than 32 levels" }],
  },
  {
    name: "JSON nesting 40 deep under a field",
    input: `{"cluster": ${"[".repeat(40)}${"]".repeat(40)}}`,
    format: "json",
    expect: [{ code: "TOO_DEEP", path: `cluster${"[0]".repeat(31)}`, message: "nested more than 32 levels" }],
  },
  {
    name: "billion laughs alias bomb",
    input: `${billionLaughs}\n${yaml()}`,
    expect: [{ code: "LIMIT", path: "", message: "alias bomb" }],
  },
  {
    name: "alias inside its own anchor",
    input: yaml({ top: "name: &loop [*loop]\n" }),
    expect: [{ code: "TOO_DEEP", path: "", message: "infinitely deep" }],
  },
  {
    name: "more YAML anchors and aliases than the limit",
    input: () => `x: &a 1\njunk: [${Array(2_500).fill("*a").join(", ")}]\n${yaml()}`,
    expect: [{ code: "LIMIT", path: "", message: "more than 2000 anchors and aliases" }],
  },
  {
    name: "indentation nested 300 levels deep",
    input: () => nestedBlock(300),
    expect: [{ code: "TOO_DEEP", path: "", message: "nested more than 200 levels deep" }],
  },
  {
    name: "a million mistakes stop early",
    input: () => json({ ...VALID_JSON, events: Array.from({ length: 100_000 }, () => 0) }),
    format: "json",
    expect: [
      { code: "TYPE", path: "events[0]", message: "expected an event" },
      { code: "TOO_MANY_PROBLEMS", path: "", message: "at least 900 more problems not shown" },
    ],
  },
  {
    name: "more YAML structure than the parser limit",
    input: () => `junk:\n${"  - x\n".repeat(400_000)}`,
    expect: [{ code: "LIMIT", path: "", message: "write very large scenarios as JSON" }],
  },

  // ── The top level ─────────────────────────────────────────────────────────────────────────────
  {
    name: "cluster and job missing",
    input: "name: nothing-else\n",
    expect: [
      { code: "REQUIRED", path: "cluster", message: "missing: expected the cluster" },
      { code: "REQUIRED", path: "job", message: "missing: expected the job" },
    ],
  },
  {
    name: "misspelled top-level field",
    input: yaml({ rest: "evnts: []\n" }),
    expect: [{ code: "UNKNOWN_FIELD", path: "evnts", message: 'did you mean "events"?' }],
  },
  {
    name: "__proto__ key",
    input: json({ ...VALID_JSON }).replace("{", '{"__proto__": {"polluted": true},'),
    format: "json",
    expect: [{ code: "UNKNOWN_FIELD", path: "__proto__", message: 'unknown field "__proto__"' }],
  },
  {
    name: "empty name",
    input: yaml({ top: 'name: ""\n' }),
    expect: [{ code: "TOO_SMALL", path: "name", message: "a non-empty string" }],
  },
  {
    name: "name longer than the limit",
    input: yaml({ top: `name: ${"n".repeat(300)}\n` }),
    expect: [{ code: "LIMIT", path: "name", message: "over the documented limit of 256" }],
  },
  {
    name: "name with a bell character (escaped)",
    input: yaml({ top: 'name: "ring\\a"\n' }),
    expect: [{ code: "INVALID_VALUE", path: "name", message: "control characters" }],
  },
  {
    name: "name is a number",
    input: yaml({ top: "name: 42\n" }),
    expect: [{ code: "TYPE", path: "name", message: "expected a scenario name" }],
  },
  {
    name: "name is binary data",
    input: yaml({ top: "name: !!binary aGVsbG8=\n" }),
    expect: [{ code: "TYPE", path: "", message: "unsupported YAML tag !!binary" }],
  },
  {
    name: "cluster is a YAML set",
    input: yaml({ cluster: "cluster: !!set { tm-1, tm-2 }\n" }),
    expect: [{ code: "TYPE", path: "", message: "unsupported YAML tag !!set" }],
  },
  {
    name: "custom YAML tag",
    input: yaml({ top: "seed: !random 7\n" }),
    expect: [{ code: "TYPE", path: "", message: "unsupported YAML tag !random" }],
  },
  {
    name: "negative seed",
    input: yaml({ top: "seed: -1\n" }),
    expect: [{ code: "NEGATIVE", path: "seed", message: "got -1, which is negative" }],
  },
  {
    name: "fractional seed",
    input: yaml({ top: "seed: 0.5\n" }),
    expect: [{ code: "NOT_INTEGER", path: "seed", message: "not an integer" }],
  },
  {
    name: "seed beyond 32 bits",
    input: yaml({ top: "seed: 4294967296\n" }),
    expect: [{ code: "LIMIT", path: "seed", message: "over the documented limit of 4294967295" }],
  },
  {
    name: "seed .nan",
    input: yaml({ top: "seed: .nan\n" }),
    expect: [{ code: "NOT_FINITE", path: "seed", message: "got NaN" }],
  },
  {
    name: "seed as a quoted string",
    input: yaml({ top: 'seed: "7"\n' }),
    expect: [{ code: "TYPE", path: "seed", message: 'got the string "7"' }],
  },
  {
    name: "cluster is a list",
    input: yaml({ cluster: "cluster: [tm-1, tm-2]\n" }),
    expect: [{ code: "TYPE", path: "cluster", message: "got a list of 2 items" }],
  },
  {
    name: "job is a string",
    input: yaml({ job: "job: wordcount\n" }),
    expect: [{ code: "TYPE", path: "job", message: "expected the job" }],
  },

  // ── TaskManagers ──────────────────────────────────────────────────────────────────────────────
  {
    name: "TaskManager without id",
    input: withTm("slots: 2"),
    expect: [{ code: "REQUIRED", path: "cluster.taskManagers[2].id", message: "missing: expected a TaskManager id" }],
  },
  {
    name: "TaskManager id is a number",
    input: withTm("id: 3"),
    expect: [{ code: "TYPE", path: "cluster.taskManagers[2].id", message: "got 3" }],
  },
  {
    name: "zero slots",
    input: withTm("id: tm-3, slots: 0"),
    expect: [{ code: "TOO_SMALL", path: "cluster.taskManagers[2].slots", message: "an integer from 1 to 4096" }],
  },
  {
    name: "negative slots",
    input: withTm("id: tm-3, slots: -1"),
    expect: [{ code: "NEGATIVE", path: "cluster.taskManagers[2].slots", message: "which is negative" }],
  },
  {
    name: "fractional slots",
    input: withTm("id: tm-3, slots: 1.5"),
    expect: [{ code: "NOT_INTEGER", path: "cluster.taskManagers[2].slots", message: "got 1.5" }],
  },
  {
    name: "infinite slots",
    input: withTm("id: tm-3, slots: .inf"),
    expect: [{ code: "NOT_FINITE", path: "cluster.taskManagers[2].slots", message: "got Infinity" }],
  },
  {
    name: "a billion slots",
    input: withTm("id: tm-3, slots: 1000000000"),
    expect: [{ code: "LIMIT", path: "cluster.taskManagers[2].slots", message: "over the documented limit of 4096" }],
  },
  {
    name: "slots as a string",
    input: withTm('id: tm-3, slots: "4"'),
    expect: [{ code: "TYPE", path: "cluster.taskManagers[2].slots", message: "a number of slots" }],
  },
  {
    name: "negative registration time",
    input: withTm("id: tm-3, registerAtMs: -100"),
    expect: [{ code: "NEGATIVE", path: "cluster.taskManagers[2].registerAtMs", message: "got -100" }],
  },
  {
    name: "registration time beyond the time limit",
    input: withTm("id: tm-3, registerAtMs: 10000000000000"),
    expect: [{ code: "LIMIT", path: "cluster.taskManagers[2].registerAtMs", message: "10^12" }],
  },
  {
    name: "registration time as a date",
    input: withTm("id: tm-3, registerAtMs: 2017-12-01"),
    expect: [{ code: "TYPE", path: "cluster.taskManagers[2].registerAtMs", message: 'got the string "2017-12-01"' }],
  },
  {
    name: "negative cpu",
    input: withTm("id: tm-3, slotProfile: { cpu: -2, memoryMb: 1024 }"),
    expect: [{ code: "NEGATIVE", path: "cluster.taskManagers[2].slotProfile.cpu", message: "CPU cores" }],
  },
  {
    name: "slot profile without memory",
    input: withTm("id: tm-3, slotProfile: { cpu: 2 }"),
    expect: [{ code: "REQUIRED", path: "cluster.taskManagers[2].slotProfile.memoryMb", message: "memory in MiB" }],
  },
  {
    name: "memory .NaN",
    input: withTm("id: tm-3, slotProfile: { cpu: 2, memoryMb: .NaN }"),
    expect: [{ code: "NOT_FINITE", path: "cluster.taskManagers[2].slotProfile.memoryMb", message: "got NaN" }],
  },
  {
    name: "memory beyond the amount limit",
    input: withTm("id: tm-3, slotProfile: { cpu: 2, memoryMb: 1e300 }"),
    expect: [{ code: "LIMIT", path: "cluster.taskManagers[2].slotProfile.memoryMb", message: "10^12" }],
  },
  {
    name: "negative GPU count",
    input: withTm("id: tm-3, slotProfile: { cpu: 2, memoryMb: 1, extended: { gpu: -1 } }"),
    expect: [
      { code: "NEGATIVE", path: "cluster.taskManagers[2].slotProfile.extended.gpu", message: "a resource quantity" },
    ],
  },
  {
    name: "extended resource name starting with a digit",
    input: withTm("id: tm-3, slotProfile: { cpu: 2, memoryMb: 1, extended: { 9gpu: 1 } }"),
    expect: [
      {
        code: "INVALID_VALUE",
        path: 'cluster.taskManagers[2].slotProfile.extended["9gpu"]',
        message: "not a valid resource name",
      },
    ],
  },
  {
    name: "extended resources as a list",
    input: withTm("id: tm-3, slotProfile: { cpu: 2, memoryMb: 1, extended: [gpu] }"),
    expect: [{ code: "TYPE", path: "cluster.taskManagers[2].slotProfile.extended", message: "extended resources" }],
  },
  {
    name: "too many extended resources",
    input: withTm(
      `id: tm-3, slotProfile: { cpu: 2, memoryMb: 1, extended: { ${Array.from({ length: 40 }, (_, i) => `r${i}: 1`).join(", ")} } }`,
    ),
    expect: [{ code: "LIMIT", path: "cluster.taskManagers[2].slotProfile.extended", message: "40 extended resources" }],
  },
  {
    name: "misspelled memoryMb",
    input: withTm("id: tm-3, slotProfile: { cpu: 2, memoryMB: 1024 }"),
    expect: [
      {
        code: "UNKNOWN_FIELD",
        path: "cluster.taskManagers[2].slotProfile.memoryMB",
        message: 'did you mean "memoryMb"?',
      },
      { code: "REQUIRED", path: "cluster.taskManagers[2].slotProfile.memoryMb", message: "missing" },
    ],
  },
  {
    name: "misspelled slots",
    input: withTm("id: tm-3, slot: 4"),
    expect: [{ code: "UNKNOWN_FIELD", path: "cluster.taskManagers[2].slot", message: 'did you mean "slots"?' }],
  },
  {
    name: "duplicate TaskManager ids",
    input: withTm("id: tm-1"),
    expect: [
      { code: "DUPLICATE_ID", path: "cluster.taskManagers[2].id", message: "already used by cluster.taskManagers[0]" },
    ],
  },
  {
    name: "taskManagers is a mapping",
    input: yaml({ cluster: "cluster:\n  taskManagers: { tm-1: 2 }\n" }),
    expect: [{ code: "TYPE", path: "cluster.taskManagers", message: "a list of at most" }],
  },
  {
    name: "more TaskManagers than the list limit",
    input: () =>
      json({
        ...VALID_JSON,
        cluster: { taskManagers: Array.from({ length: SCENARIO_LIMITS.taskManagers + 1 }, () => ({})) },
      }),
    format: "json",
    expect: [
      { code: "LIMIT", path: "cluster.taskManagers", message: "a list of 100001 items is over the documented limit" },
    ],
  },
  {
    name: "offerAllSlots as yes (a string in YAML 1.2)",
    input: withCluster("  offerAllSlots: yes\n"),
    expect: [{ code: "TYPE", path: "cluster.offerAllSlots", message: "expected true or false" }],
  },
  {
    name: "unknown slot selection strategy",
    input: withCluster("  slotSelection: spread\n"),
    expect: [{ code: "INVALID_VALUE", path: "cluster.slotSelection", message: 'did you mean "spread-out"?' }],
  },

  // ── Elastic cluster ───────────────────────────────────────────────────────────────────────────
  {
    name: "elastic without maxTaskManagers",
    input: withCluster("  elastic: { slotsPerTaskManager: 2 }\n"),
    expect: [{ code: "REQUIRED", path: "cluster.elastic.maxTaskManagers", message: "the most elastic TaskManagers" }],
  },
  {
    name: "elastic maximum of zero",
    input: withCluster("  elastic: { maxTaskManagers: 0 }\n"),
    expect: [{ code: "TOO_SMALL", path: "cluster.elastic.maxTaskManagers", message: "got 0" }],
  },
  {
    name: "elastic host and hostPrefix together",
    input: withCluster("  elastic: { maxTaskManagers: 2, host: pool, hostPrefix: node- }\n"),
    expect: [{ code: "CONFLICT", path: "cluster.elastic.host", message: "not both" }],
  },
  {
    name: "negative idle timeout",
    input: withCluster("  elastic: { maxTaskManagers: 2, idleTimeoutMs: -1 }\n"),
    expect: [{ code: "NEGATIVE", path: "cluster.elastic.idleTimeoutMs", message: "an idle timeout" }],
  },
  {
    name: "static TaskManager named like an elastic one",
    input: yaml({ cluster: "cluster:\n  taskManagers: [{ id: elastic-2 }]\n  elastic: { maxTaskManagers: 3 }\n" }),
    expect: [
      {
        code: "DUPLICATE_ID",
        path: "cluster.taskManagers[0].id",
        message: "elastic TaskManagers are named elastic-1 … elastic-3",
      },
    ],
  },
  {
    name: "more TaskManagers than the total limit",
    input: withCluster("  elastic: { maxTaskManagers: 100000 }\n"),
    expect: [{ code: "LIMIT", path: "cluster", message: "declares 100002 TaskManagers" }],
  },
  {
    name: "more slots than the total limit",
    input: withCluster("  elastic: { maxTaskManagers: 1000, slotsPerTaskManager: 4096 }\n"),
    expect: [{ code: "LIMIT", path: "cluster", message: "declares 4096004 slots" }],
  },

  // ── Job and vertices ──────────────────────────────────────────────────────────────────────────
  {
    name: "no vertices",
    input: yaml({ job: "job:\n  vertices: []\n" }),
    expect: [{ code: "TOO_SMALL", path: "job.vertices", message: "got an empty list" }],
  },
  {
    name: "vertices missing",
    input: yaml({ job: "job:\n  queued: true\n" }),
    expect: [{ code: "REQUIRED", path: "job.vertices", message: "a list of 1 to 1000 vertices" }],
  },
  {
    name: "vertex without parallelism",
    input: withVertex("id: map"),
    expect: [{ code: "REQUIRED", path: "job.vertices[0].parallelism", message: "missing: expected a parallelism" }],
  },
  {
    name: "parallelism zero",
    input: withVertex("id: map, parallelism: 0"),
    expect: [{ code: "TOO_SMALL", path: "job.vertices[0].parallelism", message: "an integer from 1 to 32768" }],
  },
  {
    name: "negative parallelism",
    input: withVertex("id: map, parallelism: -4"),
    expect: [{ code: "NEGATIVE", path: "job.vertices[0].parallelism", message: "got -4, which is negative" }],
  },
  {
    name: "parallelism 10^12",
    input: withVertex("id: map, parallelism: 1000000000000"),
    expect: [
      {
        code: "LIMIT",
        path: "job.vertices[0].parallelism",
        message: "1000000000000 is over the documented limit of 32768",
      },
    ],
  },
  {
    name: "parallelism 10^12 in JSON with preferences to expand",
    input: json({
      cluster: { taskManagers: [{ id: "tm-1" }] },
      job: { vertices: [{ id: "map", parallelism: 1e12, preferredLocations: ["tm-1"] }] },
    }),
    format: "json",
    expect: [{ code: "LIMIT", path: "job.vertices[0].parallelism", message: "over the documented limit of 32768" }],
  },
  {
    name: "parallelism overflowing to infinity",
    input: withVertex("id: map, parallelism: 1e400"),
    expect: [{ code: "NOT_FINITE", path: "job.vertices[0].parallelism", message: "got Infinity" }],
  },
  {
    name: "fractional parallelism",
    input: withVertex("id: map, parallelism: 2.5"),
    expect: [{ code: "NOT_INTEGER", path: "job.vertices[0].parallelism", message: "got 2.5" }],
  },
  {
    name: "parallelism spelled out",
    input: withVertex("id: map, parallelism: four"),
    expect: [{ code: "TYPE", path: "job.vertices[0].parallelism", message: 'got the string "four"' }],
  },
  {
    name: "parallelism null",
    input: withVertex("id: map, parallelism: null"),
    expect: [{ code: "TYPE", path: "job.vertices[0].parallelism", message: "got null" }],
  },
  {
    name: "parallelism true",
    input: withVertex("id: map, parallelism: true"),
    expect: [{ code: "TYPE", path: "job.vertices[0].parallelism", message: "got true" }],
  },
  {
    name: "duplicate vertex ids",
    input: withVertices("id: map, parallelism: 1", "id: map, parallelism: 2"),
    expect: [{ code: "DUPLICATE_ID", path: "job.vertices[1].id", message: "already used by job.vertices[0]" }],
  },
  {
    name: "more tasks than the total limit",
    input: () => withVertices(...Array.from({ length: 40 }, (_, i) => `id: v${i}, parallelism: 32768`)),
    expect: [{ code: "LIMIT", path: "job.vertices", message: "the job has 1310720 tasks in total" }],
  },
  {
    name: "more vertices than the limit",
    input: () =>
      json({
        ...VALID_JSON,
        job: {
          vertices: Array.from({ length: SCENARIO_LIMITS.vertices + 1 }, (_, i) => ({ id: `v${i}`, parallelism: 1 })),
        },
      }),
    format: "json",
    expect: [{ code: "LIMIT", path: "job.vertices", message: "a list of 1001 items" }],
  },
  {
    name: "co-location group without a sharing group",
    input: withVertex("id: head, parallelism: 2, coLocationGroup: loop"),
    expect: [
      {
        code: "CO_LOCATION_WITHOUT_SHARING_GROUP",
        path: "job.vertices[0].coLocationGroup",
        message: "needs a slotSharingGroup",
      },
    ],
  },
  {
    name: "co-location group with unequal parallelism",
    input: withVertices(
      "id: head, parallelism: 3, slotSharingGroup: s, coLocationGroup: loop",
      "id: tail, parallelism: 4, slotSharingGroup: s, coLocationGroup: loop",
    ),
    expect: [
      {
        code: "CO_LOCATION_PARALLELISM_MISMATCH",
        path: "job.vertices[1].parallelism",
        message: "expected 3 (as job.vertices[0]), got 4",
      },
    ],
  },
  {
    name: "co-location group across sharing groups",
    input: withVertices(
      "id: head, parallelism: 3, slotSharingGroup: a, coLocationGroup: loop",
      "id: tail, parallelism: 3, slotSharingGroup: b, coLocationGroup: loop",
    ),
    expect: [
      { code: "CO_LOCATION_SHARING_GROUP_MISMATCH", path: "job.vertices[1].slotSharingGroup", message: 'expected "a"' },
    ],
  },
  {
    name: "negative duration",
    input: withVertex("id: map, parallelism: 1, durationMs: -1"),
    expect: [{ code: "NEGATIVE", path: "job.vertices[0].durationMs", message: "a task duration" }],
  },
  {
    name: "infinite duration",
    input: withVertex("id: map, parallelism: 1, durationMs: .inf"),
    expect: [{ code: "NOT_FINITE", path: "job.vertices[0].durationMs", message: "got Infinity" }],
  },
  {
    name: "fractional request timeout",
    input: withVertex("id: map, parallelism: 1, timeoutMs: 1.5"),
    expect: [{ code: "NOT_INTEGER", path: "job.vertices[0].timeoutMs", message: "a slot request timeout" }],
  },
  {
    name: "cpu as a string",
    input: withVertex('id: map, parallelism: 1, profile: { cpu: "half", memoryMb: 1 }'),
    expect: [{ code: "TYPE", path: "job.vertices[0].profile.cpu", message: 'got the string "half"' }],
  },
  {
    name: "misspelled parallelism",
    input: withVertex("id: map, parralelism: 2"),
    expect: [
      { code: "UNKNOWN_FIELD", path: "job.vertices[0].parralelism", message: 'did you mean "parallelism"?' },
      { code: "REQUIRED", path: "job.vertices[0].parallelism", message: "missing" },
    ],
  },
  {
    name: "queued as a string",
    input: yaml({ job: `${JOB}  queued: "true"\n` }),
    expect: [{ code: "TYPE", path: "job.queued", message: "expected true or false" }],
  },
  {
    name: "negative submission time",
    input: yaml({ job: `${JOB}  submitAtMs: -1\n` }),
    expect: [{ code: "NEGATIVE", path: "job.submitAtMs", message: "a submission time" }],
  },
  {
    name: "unknown job field",
    input: yaml({ job: `${JOB}  parallelism: 4\n` }),
    expect: [
      { code: "UNKNOWN_FIELD", path: "job.parallelism", message: "expected one of: queued, submitAtMs, vertices" },
    ],
  },

  // ── Preferred locations ───────────────────────────────────────────────────────────────────────
  {
    name: "preferred TaskManager that does not exist",
    input: withVertex("id: map, parallelism: 2, preferredLocations: [tm-9]"),
    expect: [
      {
        code: "UNKNOWN_REFERENCE",
        path: "job.vertices[0].preferredLocations[0]",
        message: 'unknown TaskManager "tm-9" (did you mean "tm-1"?)',
      },
    ],
  },
  {
    name: "preferred TaskManager in mapping form that does not exist",
    input: withVertex("id: map, parallelism: 2, preferredLocations: [{ taskManager: worker-7 }]"),
    expect: [
      { code: "UNKNOWN_REFERENCE", path: "job.vertices[0].preferredLocations[0].taskManager", message: '"worker-7"' },
    ],
  },
  {
    name: "preferred location is a number",
    input: withVertex("id: map, parallelism: 2, preferredLocations: [5]"),
    expect: [{ code: "TYPE", path: "job.vertices[0].preferredLocations[0]", message: "expected a preferred location" }],
  },
  {
    name: "preferred location is an empty mapping",
    input: withVertex("id: map, parallelism: 2, preferredLocations: [{}]"),
    expect: [
      {
        code: "REQUIRED",
        path: "job.vertices[0].preferredLocations[0]",
        message: "taskManager (a TaskManager id) or host",
      },
    ],
  },
  {
    name: "preferred location with taskManager and host",
    input: withVertex("id: map, parallelism: 2, preferredLocations: [{ taskManager: tm-1, host: host-a }]"),
    expect: [{ code: "CONFLICT", path: "job.vertices[0].preferredLocations[0]", message: "not both" }],
  },
  {
    name: "misspelled host in a preferred location",
    input: withVertex("id: map, parallelism: 2, preferredLocations: [{ hots: host-a }]"),
    expect: [
      { code: "UNKNOWN_FIELD", path: "job.vertices[0].preferredLocations[0].hots", message: 'did you mean "host"?' },
    ],
  },
  {
    name: "per-subtask lists fewer than the parallelism",
    input: withVertex("id: map, parallelism: 3, preferredLocations: [[tm-1], [tm-2]]"),
    expect: [
      {
        code: "LENGTH_MISMATCH",
        path: "job.vertices[0].preferredLocations",
        message: "(3 lists for parallelism 3), got 2",
      },
    ],
  },
  {
    name: "mix of a list and a location",
    input: withVertex("id: map, parallelism: 2, preferredLocations: [tm-1, [tm-2]]"),
    expect: [{ code: "TYPE", path: "job.vertices[0].preferredLocations[1]", message: "not a mix" }],
  },
  {
    name: "mix of a location and a list",
    input: withVertex("id: map, parallelism: 2, preferredLocations: [[tm-1], tm-2]"),
    expect: [
      { code: "TYPE", path: "job.vertices[0].preferredLocations[1]", message: "preferred locations of subtask 1" },
    ],
  },
  {
    name: "preferredLocations is a string",
    input: withVertex("id: map, parallelism: 2, preferredLocations: tm-1"),
    expect: [{ code: "TYPE", path: "job.vertices[0].preferredLocations", message: "expected preferred locations" }],
  },
  {
    name: "preference list longer than the limit",
    input: () => withVertex(`id: map, parallelism: 2, preferredLocations: [${Array(300).fill("tm-1").join(", ")}]`),
    expect: [
      { code: "LIMIT", path: "job.vertices[0].preferredLocations", message: "a list of 300 preferred locations" },
    ],
  },
  {
    name: "more per-subtask lists than the parallelism limit",
    input: () =>
      json({
        ...VALID_JSON,
        job: {
          vertices: [{ id: "map", parallelism: 2, preferredLocations: Array.from({ length: 32_769 }, () => []) }],
        },
      }),
    format: "json",
    expect: [{ code: "LIMIT", path: "job.vertices[0].preferredLocations", message: "a list of 32769 items" }],
  },
  {
    name: "more preferred locations in total than the limit, through YAML aliases",
    input: () =>
      yaml({
        job: `job:\n  vertices:\n    - { id: v0, parallelism: 32768, preferredLocations: &p [${Array(32_768).fill("[tm-1]").join(",")}] }\n${Array.from({ length: 30 }, (_, i) => `    - { id: v${i + 1}, parallelism: 32768, preferredLocations: *p }\n`).join("")}`,
      }),
    expect: [{ code: "LIMIT", path: "job.vertices", message: "1015808 preferred locations in total" }],
  },
  {
    name: "preferred TaskManager with an empty id",
    input: withVertex('id: map, parallelism: 2, preferredLocations: [""]'),
    expect: [{ code: "TOO_SMALL", path: "job.vertices[0].preferredLocations[0]", message: "a non-empty string" }],
  },

  // ── Timeouts ──────────────────────────────────────────────────────────────────────────────────
  {
    name: "negative allocation timeout",
    input: yaml({ rest: "timeouts: { allocationMs: -1 }\n" }),
    expect: [{ code: "NEGATIVE", path: "timeouts.allocationMs", message: "a timeout in milliseconds" }],
  },
  {
    name: "timeout name in the wrong case",
    input: yaml({ rest: "timeouts: { allocationMS: 1000 }\n" }),
    expect: [{ code: "UNKNOWN_FIELD", path: "timeouts.allocationMS", message: 'did you mean "allocationMs"?' }],
  },
  {
    name: "idle slot timeout .nan",
    input: yaml({ rest: "timeouts: { idleSlotMs: .nan }\n" }),
    expect: [{ code: "NOT_FINITE", path: "timeouts.idleSlotMs", message: "got NaN" }],
  },
  {
    name: "timeouts as a list",
    input: yaml({ rest: "timeouts: [1000, 2000]\n" }),
    expect: [{ code: "TYPE", path: "timeouts", message: "expected the timeouts" }],
  },

  // ── Events ────────────────────────────────────────────────────────────────────────────────────
  {
    name: "events is a mapping",
    input: yaml({ rest: "events: { atMs: 1, loseTaskManager: tm-1 }\n" }),
    expect: [{ code: "TYPE", path: "events", message: "a list of at most" }],
  },
  {
    name: "event is a string",
    input: yaml({ events: "  - lose tm-1 at 2s\n" }),
    expect: [
      { code: "TYPE", path: "events[0]", message: "expected an event (a mapping with atMs and exactly one action" },
    ],
  },
  {
    name: "event without atMs",
    input: withEvents("loseTaskManager: tm-1"),
    expect: [{ code: "REQUIRED", path: "events[0].atMs", message: "an event time" }],
  },
  {
    name: "event at a negative time",
    input: withEvents("atMs: -5, loseTaskManager: tm-1"),
    expect: [{ code: "NEGATIVE", path: "events[0].atMs", message: "got -5" }],
  },
  {
    name: "event at an infinite time",
    input: withEvents("atMs: .inf, connectResourceManager: true"),
    expect: [{ code: "NOT_FINITE", path: "events[0].atMs", message: "got Infinity" }],
  },
  {
    name: "event without an action",
    input: withEvents("atMs: 100"),
    expect: [{ code: "REQUIRED", path: "events[0]", message: "missing the event's action" }],
  },
  {
    name: "event with two actions",
    input: withEvents("atMs: 100, loseTaskManager: tm-1, disconnectResourceManager: true"),
    expect: [{ code: "CONFLICT", path: "events[0]", message: "exactly one action, this one has 2" }],
  },
  {
    name: "event with an unknown action",
    input: withEvents("atMs: 100, killTaskManager: tm-1"),
    expect: [{ code: "UNKNOWN_FIELD", path: "events[0].killTaskManager", message: 'unknown field "killTaskManager"' }],
  },
  {
    name: "event with a misspelled action",
    input: withEvents("atMs: 100, loseTaskmanager: tm-1"),
    expect: [{ code: "UNKNOWN_FIELD", path: "events[0].loseTaskmanager", message: 'did you mean "loseTaskManager"?' }],
  },
  {
    name: "event with an extra field",
    input: withEvents("atMs: 100, loseTaskManager: tm-1, reason: heartbeat"),
    expect: [{ code: "UNKNOWN_FIELD", path: "events[0].reason", message: "expected one of: atMs, loseTaskManager" }],
  },
  {
    name: "losing an unknown TaskManager",
    input: withEvents("atMs: 100, loseTaskManager: tm-7"),
    expect: [{ code: "UNKNOWN_REFERENCE", path: "events[0].loseTaskManager", message: 'unknown TaskManager "tm-7"' }],
  },
  {
    name: "freezing an unknown TaskManager",
    input: withEvents("atMs: 100, freezeTaskManager: tm-one"),
    expect: [{ code: "UNKNOWN_REFERENCE", path: "events[0].freezeTaskManager", message: '"tm-one"' }],
  },
  {
    name: "unfreezing an unknown TaskManager",
    input: withEvents("atMs: 100, unfreezeTaskManager: tm-3"),
    expect: [{ code: "UNKNOWN_REFERENCE", path: "events[0].unfreezeTaskManager", message: '"tm-3"' }],
  },
  {
    name: "losing a TaskManager before it is added",
    input: withEvents("atMs: 100, loseTaskManager: tm-9", "atMs: 500, addTaskManager: { id: tm-9 }"),
    expect: [
      { code: "UNKNOWN_REFERENCE", path: "events[0].loseTaskManager", message: "is only added at 500 ms by events[1]" },
    ],
  },
  {
    name: "losing a TaskManager at the time it is added, but listed first",
    input: withEvents("atMs: 500, loseTaskManager: tm-9", "atMs: 500, addTaskManager: { id: tm-9 }"),
    expect: [
      {
        code: "UNKNOWN_REFERENCE",
        path: "events[0].loseTaskManager",
        message: "this event applies earlier (at 500 ms)",
      },
    ],
  },
  {
    name: "adding a TaskManager with a static id",
    input: withEvents("atMs: 100, addTaskManager: { id: tm-2 }"),
    expect: [
      { code: "DUPLICATE_ID", path: "events[0].addTaskManager.id", message: "already used by cluster.taskManagers[1]" },
    ],
  },
  {
    name: "adding the same TaskManager twice",
    input: withEvents("atMs: 100, addTaskManager: { id: tm-5 }", "atMs: 200, addTaskManager: { id: tm-5 }"),
    expect: [
      {
        code: "DUPLICATE_ID",
        path: "events[1].addTaskManager.id",
        message: "already used by events[0].addTaskManager",
      },
    ],
  },
  {
    name: "added TaskManager with its own registration time",
    input: withEvents("atMs: 100, addTaskManager: { id: tm-5, registerAtMs: 50 }"),
    expect: [
      { code: "UNKNOWN_FIELD", path: "events[0].addTaskManager.registerAtMs", message: 'unknown field "registerAtMs"' },
    ],
  },
  {
    name: "added TaskManager without id",
    input: withEvents("atMs: 100, addTaskManager: { slots: 2 }"),
    expect: [{ code: "REQUIRED", path: "events[0].addTaskManager.id", message: "a TaskManager id" }],
  },
  {
    name: "disconnect set to false",
    input: withEvents("atMs: 100, disconnectResourceManager: false"),
    expect: [
      { code: "INVALID_VALUE", path: "events[0].disconnectResourceManager", message: "expected true, got false" },
    ],
  },
  {
    name: "connect set to a string",
    input: withEvents('atMs: 100, connectResourceManager: "now"'),
    expect: [{ code: "INVALID_VALUE", path: "events[0].connectResourceManager", message: "expected true" }],
  },
  {
    name: "failing an allocation on a slot that does not exist",
    input: withEvents("atMs: 100, failAllocation: { taskManager: tm-1, slotIndex: 2 }"),
    expect: [
      {
        code: "UNKNOWN_REFERENCE",
        path: "events[0].failAllocation.slotIndex",
        message: "has 2 slots (indexes 0 to 1)",
      },
    ],
  },
  {
    name: "failing an allocation on a negative slot index",
    input: withEvents("atMs: 100, failAllocation: { taskManager: tm-1, slotIndex: -1 }"),
    expect: [{ code: "NEGATIVE", path: "events[0].failAllocation.slotIndex", message: "a slot index" }],
  },
  {
    name: "failing an allocation without naming the TaskManager",
    input: withEvents("atMs: 100, failAllocation: { slotIndex: 0 }"),
    expect: [{ code: "REQUIRED", path: "events[0].failAllocation.taskManager", message: "a TaskManager id" }],
  },
  {
    name: "suspending with a number",
    input: withEvents("atMs: 100, suspendJobMaster: 1"),
    expect: [{ code: "INVALID_VALUE", path: "events[0].suspendJobMaster", message: "expected true, got 1" }],
  },
  {
    name: "more events than the limit",
    input: () => json({ ...VALID_JSON, events: Array.from({ length: SCENARIO_LIMITS.events + 1 }, () => ({})) }),
    format: "json",
    expect: [{ code: "LIMIT", path: "events", message: "a list of 100001 items" }],
  },

  // ── Many problems at once ─────────────────────────────────────────────────────────────────────
  {
    name: "150 broken TaskManagers",
    input: () =>
      yaml({
        cluster: `cluster:\n  taskManagers:\n${Array.from({ length: 150 }, (_, i) => `    - { id: tm-${i}, slots: -1 }\n`).join("")}`,
      }),
    expect: [
      { code: "NEGATIVE", path: "cluster.taskManagers[0].slots", message: "which is negative" },
      { code: "TOO_MANY_PROBLEMS", path: "", message: "50 more problems not shown" },
    ],
  },
];

/**
 * Bad files, written to a temporary directory by the test and read with `loadScenarioFile` (they
 * are not committed as files: several are deliberately not UTF-8 or not JSON, which the
 * repository's formatter would trip over).
 */
export const SCENARIO_FILE_CORPUS: readonly {
  readonly file: string;
  readonly content: string | Uint8Array;
  readonly expect: readonly ExpectedProblem[];
}[] = [
  { file: "empty.yaml", content: "", expect: [{ code: "EMPTY_INPUT", path: "", message: "the input is empty" }] },
  {
    file: "utf16-le.yaml",
    content: concat(bytes(0xff, 0xfe), ...Array.from("cluster: {}\n", (c) => bytes(c.charCodeAt(0), 0))),
    expect: [{ code: "NOT_UTF8", path: "", message: "byte 0xff at byte offset 0" }],
  },
  {
    file: "binary-garbage.yaml",
    content: concat(bytes(0x1f, 0x8b, 0x08, 0x00), garbage(256, 99)),
    expect: [{ code: "NOT_UTF8", path: "", message: "not valid UTF-8" }],
  },
  {
    file: "yaml-in-a.json",
    content:
      "# This is YAML, saved with a .json extension.\ncluster:\n  taskManagers: [{ id: tm-1 }]\njob:\n  vertices: [{ id: map, parallelism: 1 }]\n",
    expect: [{ code: "SYNTAX", path: "", message: "JSON syntax error" }],
  },
  {
    file: "top-level-list.yaml",
    content: "- id: tm-1\n- id: tm-2\n",
    expect: [{ code: "NOT_AN_OBJECT", path: "", message: "got a list" }],
  },
  {
    file: "many-problems.yaml",
    content: [
      "# Several independent mistakes: all of them are reported at once.",
      "name: many-problems",
      "seed: -3",
      "cluster:",
      "  taskManagers:",
      "    - { id: tm-1, slots: 2 }",
      "    - { id: tm-1, slots: 0 }",
      "job:",
      "  vertices:",
      "    - id: source",
      "      parallelism: 1000000000000",
      "      preferredLocations: [tm-9]",
      "    - id: sink",
      "      parallelism: 2",
      "      coLocationGroup: loop",
      "events:",
      "  - { atMs: 100, loseTaskManager: tm-2 }",
      "",
    ].join("\n"),
    expect: [
      { code: "NEGATIVE", path: "seed", message: "got -3" },
      { code: "DUPLICATE_ID", path: "cluster.taskManagers[1].id", message: "already used by cluster.taskManagers[0]" },
      { code: "TOO_SMALL", path: "cluster.taskManagers[1].slots", message: "got 0" },
      { code: "LIMIT", path: "job.vertices[0].parallelism", message: "over the documented limit of 32768" },
      { code: "UNKNOWN_REFERENCE", path: "job.vertices[0].preferredLocations[0]", message: '"tm-9"' },
      {
        code: "CO_LOCATION_WITHOUT_SHARING_GROUP",
        path: "job.vertices[1].coLocationGroup",
        message: "slotSharingGroup",
      },
      { code: "UNKNOWN_REFERENCE", path: "events[0].loseTaskManager", message: '"tm-2"' },
    ],
  },
];
