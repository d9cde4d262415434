/** The analysis core's public surface, for the CLI, the worker and tests. No Nest inside. */
export type { Analyzer, AnalyzeOptions, AnalyzerOptions } from './analyzer.js';
export { createAnalyzer, resolveSettings, VideoAnalyzer, DEFAULT_CONF, DEFAULT_IOU, DEFAULT_IMGSZ } from './pipeline.js';
export { probeVideo } from './probe.js';
export type { VideoProbe } from './probe.types.js';
export type { Report, ReportObject, TimelineSecond } from './report.types.js';
export { reportToCsv, reportToTable } from './report-format.js';
export { InputError, UsageError } from './errors.js';
export type { Detections } from './detections.js';
export { tallyVersion } from './version.js';
