/** Exports of stored runs into the formats existing trainers read. */
export {
  directoryExportFormats,
  exportFormats,
  exportFormatNames,
  exportFormatNamed,
  exportRun,
  jsonLine,
} from './formats.ts';
export type { DirectoryExportFormat, ExportFormat, ExportFormatName } from './formats.ts';
export { importInspectLog, readInspectLog } from './inspect-import.ts';
export type { InspectImport, InspectLogContents } from './inspect-import.ts';
export { inspectCheckedVersion, inspectLogs, writeInspectLogs } from './inspect-log.ts';
export type { InspectLog } from './inspect-log.ts';
export type { ExportOptions } from './options.ts';
export type { TrlSftRow } from './trl-sft.ts';
export type { TrlDpoRow } from './trl-dpo.ts';
export type { TrlPrmRow } from './trl-prm.ts';
export type { OpenAiSftRow, OpenAiMessage } from './openai-sft.ts';
export type { Prm800kRow, Prm800kCompletion, Prm800kFinishReason } from './prm800k.ts';
