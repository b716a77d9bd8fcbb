#!/usr/bin/env node
// The `slotpool` executable: runs the CLI with this process's arguments and streams, then exits
// with its code once stdout and stderr are flushed (so no timer left behind by a library, such as
// a pool's idle-slot check after `run`, keeps the process alive).
import { main } from "./cli.js";
import type { CommandIo } from "./commands/io.js";

const io: CommandIo = {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  color: process.stdout.isTTY === true && process.env.NO_COLOR === undefined,
  tty: process.stderr.isTTY === true,
};

function exit(code: number): void {
  process.exitCode = code;
  let open = 2;
  const done = (): void => {
    if (--open === 0) process.exit(code);
  };
  process.stdout.write("", done);
  process.stderr.write("", done);
}

main(process.argv.slice(2), io).then(exit, (error: unknown) => {
  process.stderr.write(`slotpool: internal error: ${(error as Error)?.message ?? String(error)}\n`);
  exit(1);
});
