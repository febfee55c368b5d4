import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { buildProgram, main } from './main.ts';
import { describeViewer } from './view.ts';

describe('overseer view', () => {
  it('is a verb with --store, --port and --host (127.0.0.1 by default)', () => {
    const view = buildProgram().commands.find((command) => command.name() === 'view');
    expect(view).toBeDefined();
    const options = Object.fromEntries(view!.options.map((option) => [option.long, option]));
    expect(options['--host'].defaultValue).toBe('127.0.0.1');
    expect(options['--port'].defaultValue).toBe(4173);
    expect(options['--store'].defaultValue).toBe('.overseer');
  });

  it('prints where the viewer is and the rating token', () => {
    const text = describeViewer(
      {
        url: 'http://127.0.0.1:1/',
        port: 1,
        token: 'tok',
        queueUrl: 'http://127.0.0.1:1/#/queue?token=tok',
        close: async () => {},
      },
      'runs',
    );
    expect(text).toContain('Overseer viewer for runs: http://127.0.0.1:1/');
    expect(text).toContain('rating token: tok');
    expect(text).toContain('#/queue?token=tok');
  });

  it('fails with a hint when the store does not exist or the port is not a number', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'overseer-view-'));
    const errors = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['view', '--store', join(directory, 'none'), '--port', '0'])).toBe(1);
      expect(errors.mock.calls.map((call) => String(call[0])).join('')).toMatch(
        /no run store at .*\nhint: run an experiment first/,
      );
      expect(await main(['view', '--port', 'eighty'])).not.toBe(0);
    } finally {
      errors.mockRestore();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
