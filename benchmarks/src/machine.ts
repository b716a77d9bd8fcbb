import { cpus, loadavg, release, totalmem, type } from "node:os";

/**
 * Where a run happened (recorded in results.json and the docs).
 *
 * @example
 * ```ts
 * const m: MachineInfo = describeMachine();
 * ```
 */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly os: string;
  readonly arch: string;
  readonly node: string;
  readonly v8: string;
  /** 1-, 5- and 15-minute load averages when the run started (> 0 means other work shared the CPUs). */
  readonly loadAverageAtStart: readonly number[];
}

/**
 * Describes this machine and runtime.
 *
 * @example
 * ```ts
 * console.log(describeMachine().cpuModel);
 * ```
 */
export function describeMachine(): MachineInfo {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() ?? "unknown",
    cores: cpu.length,
    memoryBytes: totalmem(),
    os: `${type()} ${release()}`,
    arch: process.arch,
    node: process.version,
    v8: process.versions.v8,
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
