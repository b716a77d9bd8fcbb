import { resolve } from "node:path";
import { CliUsageError, parseCliOptions, USAGE } from "./cli-options.js";
import { resultsTable } from "./results-table.js";
import { runSuite, UnknownWorkloadError } from "./suite.js";

/** `pnpm bench`: runs the suite, prints the table, writes benchmarks/results.json. */
async function main(): Promise<number> {
  let options: ReturnType<typeof parseCliOptions>;
  try {
    options = parseCliOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof CliUsageError) {
      process.stderr.write(`${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const outFile = resolve(options.outFile);
  try {
    const results = await runSuite({
      smoke: options.smoke,
      only: options.only,
      outFile,
      log: (message) => process.stderr.write(`  ${message}\n`),
    });
    process.stdout.write(`\n${resultsTable(results)}\n\nResults written to ${outFile}\n`);
    return results.summary.errors > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof UnknownWorkloadError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main();
