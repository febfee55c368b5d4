/** Plain-text tables of the benchmarks' results. */

/** A cell for a figure that may be missing (null: the peer did not run): `—` or `format(value)`. */
export function optionalCell<Value>(
  value: Value | null,
  format: (value: Value) => string = String,
): string {
  return value === null ? '—' : format(value);
}

/** A header and rows as aligned lines: the first column left-aligned, the rest right-aligned. */
export function formatTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ');
  return [line(header), ...rows.map(line)];
}
