import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './cli.ts';
import { formatSquareBenchTable, runSquareBench, squareBenchPlot } from './square-bench.ts';

const directory = mkdtempSync(join(tmpdir(), 'psd-square-cli-test-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; output: string[] }> {
  const output: string[] = [];
  const code = await main(argv, (text) => output.push(text));
  return { code, output };
}

describe('psd generate --square and psd square --json', () => {
  it('generates a sparse instance and answers it with rank, residual, method, stages and time', async () => {
    const matrix = join(directory, 'A.mtx');
    const positions = join(directory, 'P.json');
    const generated = await run([
      'generate',
      '--square',
      'sparse',
      '--n',
      '200',
      '--columns',
      '120',
      '--fill',
      '0.05',
      '--positions-per-row',
      '8',
      '--output',
      matrix,
      '--positions-output',
      positions,
    ]);
    expect(generated.code).toBe(0);
    expect(readFileSync(matrix, 'utf8')).toMatch(/^%%MatrixMarket matrix coordinate real general/);
    expect(JSON.parse(readFileSync(positions, 'utf8'))).toHaveLength(1600);
    const squared = await run(['square', matrix, positions, '--json']);
    expect(squared.code).toBe(0);
    const result = JSON.parse(squared.output[0]);
    expect(result).toMatchObject({
      method: 'burer-monteiro',
      verification: { valid: true, kind: 'gram' },
      certificate: { kind: 'gram' },
    });
    expect(result.rank).toBeLessThanOrEqual(30);
    expect(result.certificate.factor).toHaveLength(200);
    expect(result.certificate.factor[0]).toHaveLength(result.rank);
    expect(result.relativeResidual).toBeLessThanOrEqual(1e-8);
    expect(result.residual).toBe(result.verification.maxResidual);
    expect(typeof result.seconds).toBe('number');
    expect(result.stages[0]).toMatchObject({ rank: expect.any(Number), status: 'fits' });
  });

  it('says what is missing: positions output, pattern, family', async () => {
    expect((await run(['generate', '--square', 'dense', '--n', '20'])).code).toBe(1);
    expect((await run(['generate', '--kind', 'yes', '--n', '20'])).code).toBe(1);
    const file = join(directory, 'x.json');
    const unknown = ['generate', '--square', 'banded', '--n', '20', '--positions-output', file];
    expect((await run(unknown)).code).toBe(1);
  });
});

describe('psd bench --square', () => {
  it('reports every family with a low-rank answer, memory and an exponent per family', () => {
    const report = runSquareBench({
      sizes: [200, 400],
      columns: 100,
      sparseColumns: 200,
      fill: 0.05,
      positionsPerRow: 5,
    });
    expect(report.rows).toHaveLength(8);
    expect(report.allLow).toBe(true);
    for (const row of report.rows) {
      expect(row.m).toBe(row.n * 6);
      expect(row.peakMegabytes).toBeGreaterThan(0);
    }
    expect(Object.keys(report.exponentsNm)).toEqual(['dense', 'sparse', 'low-rank', 'power-law']);
    expect(Number.isFinite(report.cpuExponentsNm.sparse)).toBe(true);
    expect(formatSquareBenchTable(report)).toContain('| sparse | 400 | 200 | 2400 |');
    const svg = squareBenchPlot(report);
    expect(svg).toContain('>wall seconds</text>');
    expect(svg).toContain('>CPU seconds</text>');
    // One series per family in each of the two charts, each legend with its exponent.
    expect(svg.match(/<g class="series"/g)).toHaveLength(8);
    for (const family of ['dense', 'sparse', 'low-rank', 'power-law']) {
      expect(svg).toContain(`${family}: exponent ${report.exponentsNm[family].toFixed(2)}`);
      expect(svg).toContain(`${family}: exponent ${report.cpuExponentsNm[family].toFixed(2)}`);
    }
  });

  it('writes the plot with --plot and prints the report with --json', async () => {
    const plot = join(directory, 'square-bench.svg');
    const { code, output } = await run([
      'bench',
      '--square',
      '--sizes',
      '100,200',
      '--square-families',
      'sparse,power-law',
      '--sparse-columns',
      '100',
      '--fill',
      '0.05',
      '--plot',
      plot,
      '--json',
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(output[0]);
    expect(report.rows).toHaveLength(4);
    const svg = readFileSync(plot, 'utf8');
    expect(svg).toContain('psd bench --square: wall seconds against n·m');
    expect(svg.match(/data-series="sparse"/g)).toHaveLength(2);
    expect(svg).toContain(`power-law: exponent ${report.exponentsNm['power-law'].toFixed(2)}`);
  });

  it('rejects an unknown family before running anything', () => {
    expect(() => runSquareBench({ families: ['banded' as 'dense'] })).toThrow(/unknown squaring/);
  });
});

describe('psd bench --plot', () => {
  it('writes time against n·m per family and against 1/ε for decide', async () => {
    const plot = join(directory, 'bench.svg');
    const { code } = await run([
      'bench',
      '--sizes',
      '30,40',
      '--patterns',
      'random',
      '--dense-sizes',
      '',
      '--hard-no-sizes',
      '',
      '--large-sizes',
      '',
      '--peers',
      'none',
      '--plot',
      plot,
    ]);
    expect(code).toBe(0);
    const svg = readFileSync(plot, 'utf8');
    expect(svg).toContain('data-series="ours:random-yes"');
    expect(svg).toContain('data-series="ours:random-no"');
    expect(svg).toMatch(/ours:random-no: exponent -?\d+\.\d\d/);
    expect(svg).toContain('>1/ε</text>');
  });
});
