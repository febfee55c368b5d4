/**
 * The dataset shorthand of an experiment's task, `task: { dataset: FILE, grader, fields, … }`,
 * written out as the registry reference `{ name: dataset, options: { file, … } }`, with a relative
 * file resolved against the experiment file's directory (so an experiment runs from any directory).
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { isPlainObject } from './merge-patch.ts';

/** The task key that marks the shorthand. */
const SHORTHAND_KEY = 'dataset';
/** Task keys that stay beside `name` and `options`; the shorthand's others are dataset options. */
const TASK_KEYS = new Set(['name', 'options', 'difficulty']);

/**
 * The merged arm keys with a dataset task written as a registry reference and its file resolved
 * against the directory of `source`; anything else is returned as it is.
 */
export function expandDatasetTask(merged: unknown, source: string): unknown {
  if (!isPlainObject(merged) || !isPlainObject(merged.task)) return merged;
  let task: Record<string, unknown> = merged.task;
  if (SHORTHAND_KEY in task && (task.name === undefined || task.name === SHORTHAND_KEY)) {
    const { [SHORTHAND_KEY]: file, options, ...rest } = task;
    const kept = Object.fromEntries(Object.entries(rest).filter(([key]) => TASK_KEYS.has(key)));
    const datasetOptions = Object.fromEntries(
      Object.entries(rest).filter(([key]) => !TASK_KEYS.has(key)),
    );
    task = {
      ...kept,
      name: SHORTHAND_KEY,
      options: { ...(isPlainObject(options) ? options : {}), ...datasetOptions, file },
    };
  }
  if (task.name !== SHORTHAND_KEY || !isPlainObject(task.options)) {
    return task === merged.task ? merged : { ...merged, task };
  }
  const file = task.options.file;
  if (typeof file === 'string' && file !== '' && !isAbsolute(file)) {
    task = { ...task, options: { ...task.options, file: resolve(dirname(source), file) } };
  }
  return { ...merged, task };
}
