import type { RunProgress } from "@slotpool/testkit";
import cliProgress from "cli-progress";

/**
 * Shows the progress of `slotpool run`: a bar on a TTY, plain lines otherwise (one per change of
 * the counts, at most one a second).
 *
 * @example
 * ```ts
 * const view = createProgressView({ tty: true, write: (s) => process.stderr.write(s) });
 * view.update(progress); view.stop();
 * ```
 */
export interface ProgressView {
  update(progress: RunProgress): void;
  stop(): void;
}

/**
 * Makes the {@link ProgressView} that fits the terminal.
 *
 * @example
 * ```ts
 * const view = createProgressView({ tty: false, write: (s) => process.stderr.write(s) });
 * ```
 */
export function createProgressView(options: {
  readonly tty: boolean;
  readonly write: (text: string) => void;
}): ProgressView {
  if (options.tty) {
    const bar = new cliProgress.SingleBar(
      {
        format:
          "running |{bar}| {value}/{total} tasks done · {placed} placed · {failed} failed · {workers} workers · {elapsed}s",
        hideCursor: true,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        const payload = {
          placed: p.placed,
          failed: p.failed,
          workers: p.workers,
          elapsed: (p.elapsedMs / 1000).toFixed(1),
        };
        if (!started) {
          bar.start(p.tasks, p.finished + p.failed, payload);
          started = true;
        } else {
          bar.setTotal(p.tasks);
          bar.update(p.finished + p.failed, payload);
        }
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let last = "";
  let lastAt = Number.NEGATIVE_INFINITY;
  return {
    update(p) {
      const line = `running: ${p.placed}/${p.tasks} placed, ${p.finished} finished, ${p.failed} failed, ${p.workers} workers`;
      if (line === last || p.elapsedMs - lastAt < 1000) return;
      last = line;
      lastAt = p.elapsedMs;
      options.write(`${(p.elapsedMs / 1000).toFixed(1)}s ${line}\n`);
    },
    stop() {},
  };
}
