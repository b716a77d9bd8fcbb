export { main } from "./cli.js";
export type { CommandIo } from "./commands/io.js";
export { renderHtmlReport } from "./render/html-report.js";
export { renderTextReport, type TextReportOptions } from "./render/text-report.js";
