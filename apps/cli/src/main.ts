#!/usr/bin/env node
// The `slotpool` executable: runs the CLI with this process's arguments and streams.
import { main } from "./cli.js";
import type { CommandIo } from "./commands/io.js";

const io: CommandIo = {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  color: process.stdout.isTTY === true && process.env.NO_COLOR === undefined,
  tty: process.stderr.isTTY === true,
};
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`slotpool: internal error: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
