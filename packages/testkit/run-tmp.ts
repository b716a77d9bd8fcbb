import { loadScenarioFile, runScenario } from "@slotpool/testkit";
const s = await loadScenarioFile(process.argv[2]!);
const t0 = Date.now();
const r = await runScenario(s, { workers: 2, onProgress: (p) => console.log(JSON.stringify(p)), log: (l) => console.log("log", l) });
console.log(JSON.stringify(r.result.report.summary), r.aborted, r.workerPids, Date.now() - t0, "ms");
for (const pid of r.workerPids) { try { process.kill(pid, 0); console.log("ALIVE", pid); } catch { } }
