// A CommandIo that records what a command writes, for in-process tests of main().
import type { CommandIo } from "../../src/commands/io.js";

/** Captured output of one in-process CLI call. */
export interface Captured {
  readonly io: CommandIo;
  out(): string;
  err(): string;
}

/** A capturing CommandIo (no colours, no TTY). */
export function captureIo(overrides: Partial<CommandIo> = {}): Captured {
  let out = "";
  let err = "";
  const io: CommandIo = {
    stdout: (s) => {
      out += s;
    },
    stderr: (s) => {
      err += s;
    },
    color: false,
    tty: false,
    ...overrides,
  };
  return { io, out: () => out, err: () => err };
}
