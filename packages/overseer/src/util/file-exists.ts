/** Whether a path exists (a file or a directory) — for "resume if there, create if not". */
import { access } from 'node:fs/promises';

/** Whether `path` exists and is reachable. */
export async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
