import type { SchedulerAction, SchedulerLike, Subscription } from "rxjs";
import type { TaskExecutorInbound, TaskExecutorOutbound } from "./protocol.js";
import { type TaskExecutorConfig, TaskExecutorCore, type TaskExecutorStats } from "./task-executor-core.js";
import { runTask } from "./task-runner.js";

/** The life states of an in-process TaskExecutor. */
export type SimulatedTaskExecutorState = "running" | "frozen" | "dead";

/**
 * An in-process TaskExecutor for the embedded adapter: a {@link TaskExecutorCore} whose timers and
 * tasks run on the injected scheduler, that can be frozen (like SIGSTOP: nothing it receives or
 * schedules runs until it is thawed, then everything runs in order) and killed.
 */
export class SimulatedTaskExecutor {
  readonly config: TaskExecutorConfig;
  /** Started by elastic mode. */
  readonly elastic: boolean;
  state: SimulatedTaskExecutorState = "running";
  core: TaskExecutorCore;
  private buffered: (() => void)[] = [];
  private readonly scheduler: SchedulerLike;
  private readonly send: (message: TaskExecutorOutbound) => void;
  /** Bound once, so the mailbox can deliver to it without allocating. */
  readonly deliver: (message: TaskExecutorInbound) => void;

  private readonly defer: ((task: () => void) => void) | undefined;

  constructor(
    config: TaskExecutorConfig,
    elastic: boolean,
    scheduler: SchedulerLike,
    send: (message: TaskExecutorOutbound) => void,
    defer?: (task: () => void) => void,
  ) {
    this.config = config;
    this.elastic = elastic;
    this.scheduler = scheduler;
    this.send = send;
    this.defer = defer;
    this.deliver = (message) => {
      if (this.state === "running") this.core.receive(message);
      else if (this.state === "frozen") this.buffered.push(() => this.core.receive(message));
    };
    this.core = this.createCore();
  }

  /** Registers with the resource manager. */
  start(): void {
    this.core.start();
  }

  /** Stops processing until {@link thaw}: messages and timers are held, in order. */
  freeze(): boolean {
    if (this.state !== "running") return false;
    this.state = "frozen";
    return true;
  }

  /** Resumes: everything held runs now, in order. */
  thaw(): boolean {
    if (this.state !== "frozen") return false;
    this.state = "running";
    const held = this.buffered;
    this.buffered = [];
    for (const run of held) {
      if (this.state !== "running") break;
      run();
    }
    return true;
  }

  /** Dies: timers and tasks stop, nothing more is sent or processed. */
  kill(): void {
    if (this.state === "dead") return;
    this.state = "dead";
    this.buffered = [];
    this.core.stop();
  }

  /** Comes back after being killed, with empty slots, and registers again. */
  restart(): void {
    this.kill();
    this.state = "running";
    this.core = this.createCore();
    this.core.start();
  }

  /** The counters of the current incarnation. */
  get stats(): TaskExecutorStats {
    return this.core.stats;
  }

  private createCore(): TaskExecutorCore {
    const owner = this;
    const outer = this.scheduler;
    // Timers of a frozen TaskExecutor are held like its messages; those of a dead one never run.
    const scheduler: SchedulerLike = {
      now: () => outer.now(),
      schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription {
        return outer.schedule(
          function (this: SchedulerAction<T>, s?: T) {
            if (owner.core !== core || owner.state === "dead") return;
            if (owner.state === "frozen") owner.buffered.push(() => work.call(this, s));
            else work.call(this, s);
          },
          delay,
          state,
        );
      },
    };
    const defer = this.defer;
    const core: TaskExecutorCore = new TaskExecutorCore(this.config, {
      scheduler,
      send: (message) => {
        if (owner.core === core && owner.state === "running") owner.send(message);
      },
      runTask: (task) => runTask(task, scheduler),
      ...(defer === undefined
        ? {}
        : {
            defer: (task: () => void) =>
              defer(() => {
                if (owner.core !== core || owner.state === "dead") return;
                if (owner.state === "frozen") owner.buffered.push(task);
                else task();
              }),
          }),
    });
    return core;
  }
}
