import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.ts';
import { apiPaths } from './api-paths.ts';
import type { StaticData } from './api-types.ts';
import { exportRunHtml, inlineScript, scriptSafeJson } from './html-export.ts';
import { FIXTURE_RUN_ID, HOSTILE_TEXT, writeViewerFixture } from './viewer-fixture.ts';

describe('html export', () => {
  let directory: string;
  let store: string;
  let viewer: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'overseer-html-export-'));
    store = join(directory, 'store');
    writeViewerFixture(store);
    viewer = join(directory, 'dist');
    mkdirSync(join(viewer, 'assets'), { recursive: true });
    writeFileSync(
      join(viewer, 'index.html'),
      '<html><head><script type="module" crossorigin src="./assets/app.js"></script><link rel="stylesheet" crossorigin href="./assets/app.css"></head><body><div id="root"></div></body></html>',
    );
    // A bundle that, like React's, holds markup in strings.
    writeFileSync(join(viewer, 'assets', 'app.js'), 'const a = "</script><!-- x";render(a);');
    writeFileSync(join(viewer, 'assets', 'app.css'), 'body { color: red; }');
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('writes one self-contained page holding the run and every episode', () => {
    const result = exportRunHtml(store, FIXTURE_RUN_ID, join(directory, 'out'), {
      viewerDirectory: viewer,
      time: new Date('2025-02-01T00:00:00.000Z'),
    });
    expect(result).toMatchObject({ episodes: 2, path: join(directory, 'out', 'index.html') });
    expect(result.events).toBeGreaterThan(10);
    const page = readFileSync(result.path, 'utf8');
    expect(page).toContain('body { color: red; }');
    expect(page).not.toMatch(/src="|href="/);
    // The hostile transcript cannot end the data element or start an element of its own.
    expect(page.match(/<script/g)).toHaveLength(2);
    expect(page.match(/<\/script>/g)).toHaveLength(2);
    expect(page).not.toContain('<img');
    const json = /<script type="application\/json" id="overseer-data">(.*?)<\/script>/s.exec(
      page,
    )![1];
    const data = JSON.parse(json) as StaticData;
    expect(data.session).toEqual({ mode: 'static', exportedAt: '2025-02-01T00:00:00.000Z' });
    const record = data.responses[apiPaths.episode(FIXTURE_RUN_ID, 'e-hostile')] as {
      episode: { problem: { question: string } };
    };
    expect(record.episode.problem.question).toContain(HOSTILE_TEXT);
    expect(Object.keys(data.responses)).toEqual(
      expect.arrayContaining([
        apiPaths.runs(),
        apiPaths.run(FIXTURE_RUN_ID),
        apiPaths.episodes(FIXTURE_RUN_ID),
        apiPaths.events(FIXTURE_RUN_ID),
      ]),
    );
    // Only the viewer's own script may run: the policy names its hash.
    const script = /<script type="module">(.*?)<\/script>/s.exec(page)![1];
    expect(script).toBe('const a = "<\\/script><\\!-- x";render(a);');
    const hash = createHash('sha256').update(script).digest('base64');
    expect(page).toContain(`script-src 'sha256-${hash}'`);
  });

  it('escapes what could close a script element, keeping the meaning', () => {
    const text = '</script><!-- \u2028 & >';
    expect(JSON.parse(scriptSafeJson({ text }))).toEqual({ text });
    expect(scriptSafeJson({ text })).not.toMatch(/[<>&\u2028]/);
    expect(inlineScript('x = "</SCRIPT>"')).toBe('x = "<\\/SCRIPT>"');
  });

  it('runs as `overseer export --format html`, and needs --out and a known run', async () => {
    const out = join(directory, 'cli-out');
    const argv = ['export', '--run', FIXTURE_RUN_ID, '--format', 'html', '--store', store];
    expect(await main([...argv, '--out', out])).toBe(0);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('overseer-data');
    expect(await main(argv)).toBe(1);
    expect(
      await main(['export', '--run', 'nope', '--format', 'html', '--store', store, '--out', out]),
    ).toBe(1);
  });
});
