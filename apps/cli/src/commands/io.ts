/**
 * Where a command writes, and whether it may use colours and progress bars. Tests pass a
 * capturing one.
 *
 * @example
 * ```ts
 * const io: CommandIo = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), color: false, tty: false };
 * ```
 */
export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly color: boolean;
  readonly tty: boolean;
}
