/**
 * Where each key of a YAML document sits (`line:column` by key path), so a problem found after
 * merging is reported at the place in the file that caused it.
 */
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { LineCounter, Node as YamlNode } from 'yaml';
import type { PathSegment } from '../../util/zod-issues.ts';

/** The key of a key path in a positions map. */
export function positionKey(path: readonly PathSegment[]): string {
  return JSON.stringify(path);
}

/** Records the `line:column` of every key and list item under `node`, by key path. */
export function recordPositions(
  node: YamlNode,
  path: PathSegment[],
  positions: Map<string, string>,
  lineCounter: LineCounter,
): void {
  const at = (offset: number | undefined): string | undefined => {
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return `${line}:${col}`;
  };
  if (isMap(node)) {
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const key = isScalar(item.key) ? String(item.key.value) : undefined;
      if (key === undefined) continue;
      const childPath = [...path, key];
      const keyNode = item.key as YamlNode;
      const position = at(keyNode.range?.[0]);
      if (position !== undefined) positions.set(positionKey(childPath), position);
      if (item.value !== null && typeof item.value === 'object') {
        recordPositions(item.value as YamlNode, childPath, positions, lineCounter);
      }
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      const childPath = [...path, index];
      const child = item as YamlNode;
      const position = at(child?.range?.[0]);
      if (position !== undefined) positions.set(positionKey(childPath), position);
      if (child !== null && typeof child === 'object') {
        recordPositions(child, childPath, positions, lineCounter);
      }
    });
  }
}
