/** One instance's text cut from a stream, with a name for messages (`-#3` is the third on stdin). */
export interface StreamedInstance {
  source: string;
  text: string;
}

/**
 * Cuts a stream of lines into instances as they arrive: when the first non-blank line is a Matrix Market
 * header, each `%%MatrixMarket` line starts a new instance; otherwise every non-blank line is one JSON
 * instance (`{"n": …, "entries": […]}`, JSON Lines).
 */
export async function* splitInstances(
  lines: AsyncIterable<string> | Iterable<string>,
  name = '-',
): AsyncGenerator<StreamedInstance> {
  let mode: 'json' | 'matrix-market' | undefined;
  let count = 0;
  let buffer: string[] = [];
  const next = (text: string): StreamedInstance => ({ source: `${name}#${++count}`, text });
  for await (const line of lines) {
    if (mode === undefined) {
      if (line.trim() === '') continue;
      mode = line.startsWith('%%MatrixMarket') ? 'matrix-market' : 'json';
    }
    if (mode === 'json') {
      if (line.trim() !== '') yield next(line);
      continue;
    }
    if (line.startsWith('%%MatrixMarket') && buffer.length > 0) {
      yield next(buffer.join('\n') + '\n');
      buffer = [];
    }
    buffer.push(line);
  }
  if (buffer.length > 0) yield next(buffer.join('\n') + '\n');
}
