import { describe, expect, it } from 'vitest';
import { shownPath, storeCommands } from './shown-path.ts';

describe('shownPath', () => {
  it('is relative inside the working directory and absolute outside it', () => {
    expect(shownPath('/work/project/runs/a/report.html', '/work/project')).toBe(
      'runs/a/report.html',
    );
    expect(shownPath('/work/project', '/work/project')).toBe('.');
    expect(shownPath('/tmp/store', '/work/project')).toBe('/tmp/store');
    expect(shownPath('../elsewhere', '/work/project')).toBe('/work/elsewhere');
  });

  it('quotes what a shell would split, so a printed command can be pasted', () => {
    expect(shownPath('/tmp/my runs', '/work')).toBe(`'/tmp/my runs'`);
    expect(shownPath("/tmp/it's", '/work')).toBe(`'/tmp/it'\\''s'`);
  });

  it('gives overseer view and overseer runs the --store they need', () => {
    expect(storeCommands('/tmp/store')).toEqual({
      runs: 'npx overseer runs --store /tmp/store',
      view: 'npx overseer view --store /tmp/store',
    });
  });
});
