import type { SchedulerLike, Subscription } from "rxjs";

type Handler = (message: never) => void;

/**
 * Delivers messages after a fixed latency, in the order they were posted, on an injected scheduler.
 * Because every message waits the same time, due times never decrease, so one FIFO queue and a
 * single scheduled action suffice: with latency 0 a whole cascade of messages runs inside one
 * scheduler action instead of one action per message. `defer` runs work after the messages due now
 * (so a receiver can answer a burst at once). A handler that throws does not stop the others; the
 * error goes to `onError`.
 */
export class Mailbox {
  private readonly scheduler: SchedulerLike;
  private readonly latencyMs: number;
  private readonly onError: (error: unknown) => void;
  private dueTimes: number[] = [];
  private handlers: Handler[] = [];
  private messages: unknown[] = [];
  private head = 0;
  private action: Subscription | undefined;
  private deferred: (() => void)[] = [];
  private pumping = false;
  private closed = false;

  constructor(scheduler: SchedulerLike, latencyMs: number, onError: (error: unknown) => void) {
    this.scheduler = scheduler;
    this.latencyMs = latencyMs;
    this.onError = onError;
  }

  /** Messages waiting for delivery. */
  get size(): number {
    return this.dueTimes.length - this.head;
  }

  /** Delivers `message` to `handler` after the latency (FIFO with everything else posted). */
  post<T>(handler: (message: T) => void, message: T): void {
    if (this.closed) return;
    const due = this.scheduler.now() + this.latencyMs;
    this.dueTimes.push(due);
    this.handlers.push(handler as Handler);
    this.messages.push(message);
    if (!this.pumping && this.action === undefined) this.schedulePump(due);
  }

  /** Delivers `message` to `handler` after `delayMs` instead of the usual latency (out of order). */
  postDelayed<T>(handler: (message: T) => void, message: T, delayMs: number): void {
    if (this.closed) return;
    this.scheduler.schedule(() => {
      if (!this.closed) this.deliver(handler as Handler, message);
    }, delayMs);
  }

  /**
   * Runs `task` once the messages being delivered now are handled (at the same scheduler time), or
   * right away when no delivery is under way.
   */
  defer(task: () => void): void {
    if (this.closed) return;
    if (!this.pumping) {
      this.run(task);
      return;
    }
    this.deferred.push(task);
  }

  /** Drops everything queued and refuses new messages. */
  close(): void {
    this.closed = true;
    this.action?.unsubscribe();
    this.action = undefined;
    this.dueTimes = [];
    this.handlers = [];
    this.messages = [];
    this.deferred = [];
    this.head = 0;
  }

  private schedulePump(due: number): void {
    const delay = Math.max(0, due - this.scheduler.now());
    this.action = this.scheduler.schedule(() => this.pump(), delay);
  }

  private pump(): void {
    this.action = undefined;
    this.pumping = true;
    const dueTimes = this.dueTimes;
    try {
      for (;;) {
        while (!this.closed && this.head < dueTimes.length && (dueTimes[this.head] as number) <= this.scheduler.now()) {
          const i = this.head++;
          const handler = this.handlers[i] as Handler;
          const message = this.messages[i];
          this.handlers[i] = noop;
          this.messages[i] = undefined;
          this.deliver(handler, message);
        }
        if (this.closed || this.deferred.length === 0) break;
        const tasks = this.deferred;
        this.deferred = [];
        for (const task of tasks) this.run(task);
      }
    } finally {
      this.pumping = false;
    }
    if (this.closed) return;
    if (this.head === this.dueTimes.length) {
      this.dueTimes.length = 0;
      this.handlers.length = 0;
      this.messages.length = 0;
      this.head = 0;
      return;
    }
    if (this.head > 1024 && this.head * 2 > this.dueTimes.length) {
      this.dueTimes = this.dueTimes.slice(this.head);
      this.handlers = this.handlers.slice(this.head);
      this.messages = this.messages.slice(this.head);
      this.head = 0;
    }
    this.schedulePump(this.dueTimes[this.head] as number);
  }

  private run(task: () => void): void {
    try {
      task();
    } catch (error) {
      this.onError(error);
    }
  }

  private deliver(handler: Handler, message: unknown): void {
    try {
      (handler as (m: unknown) => void)(message);
    } catch (error) {
      this.onError(error);
    }
  }
}

function noop(): void {}
