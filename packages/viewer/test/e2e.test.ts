/**
 * End to end in headless Chromium (Debian's, driven by playwright-core): real runs recorded by
 * `overseer eval`, served by `overseer view`; the browser opens the runs page, follows a run to an
 * episode, expands the decomposition tree, checks that hostile model output stays text, rates
 * every step a running human-overseer eval queued until that eval finishes, searches, and opens
 * an `overseer export --format html` copy from disk. Without Chromium it fails under CI and is
 * skipped (with the reason printed) elsewhere.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../overseer/src/store/index.ts';
import {
  FIXTURE_RUN_ID,
  HOSTILE_TEXT,
  writeViewerFixture,
} from '../../overseer/src/viewer-server/viewer-fixture.ts';

const CHROMIUM = '/usr/bin/chromium';
const repository = fileURLToPath(new URL('../../../', import.meta.url));
const cli = join(repository, 'packages/overseer/bin/overseer.js');
const built = existsSync(fileURLToPath(new URL('../dist/index.html', import.meta.url)));
const available = existsSync(CHROMIUM) && built;
const screenshots = process.env.OVERSEER_SCREENSHOT_DIR;

if (!available) {
  const reason = !existsSync(CHROMIUM)
    ? `${CHROMIUM} is missing (apt-get install -y --no-install-recommends chromium)`
    : 'packages/viewer/dist is missing (npm ci builds it)';
  if (process.env.CI) throw new Error(`viewer end-to-end tests cannot run: ${reason}`);
  console.warn(`skipping the viewer's end-to-end tests: ${reason}`);
}

/** Runs the CLI to completion; returns its standard output (throws with stderr on failure). */
function overseer(...args: string[]): string {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: repository, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`overseer ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  return result.stdout;
}

/** Waits until `child` prints a line matching `pattern` on stdout. */
function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(
      () => reject(new Error(`no ${pattern} within ${timeoutMs} ms; got: ${text}`)),
      timeoutMs,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (pattern.test(text)) {
        clearTimeout(timer);
        resolve(text);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`process exited ${code} before printing ${pattern}; got: ${text}`));
    });
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function shoot(page: Page, name: string): Promise<void> {
  if (screenshots === undefined) return;
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

describe.skipIf(!available)('viewer in headless Chromium', () => {
  let directory: string;
  let store: string;
  let evalRunId: string;
  let viewer: ChildProcess;
  let humanEval: ChildProcess;
  let humanOutput = '';
  let humanErrors = '';
  let url: string;
  let queueUrl: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'overseer-viewer-e2e-'));
    store = join(directory, 'store');
    const summary = JSON.parse(
      overseer(
        'eval',
        '--task',
        'permutation-powering',
        '--scaffold',
        'decompose',
        '--policy',
        'oracle',
        '--n',
        '3',
        '--overseer',
        'program',
        '--store',
        store,
        '--json',
      ),
    ) as { runId: string };
    evalRunId = summary.runId;
    writeViewerFixture(store);
    // A run judged by a person: it queues its steps and waits for ratings given in the browser.
    humanEval = spawn(
      process.execPath,
      [
        cli,
        'eval',
        '--task',
        'permutation-powering',
        '--scaffold',
        'decompose',
        '--policy',
        'oracle',
        '--n',
        '1',
        '--seed',
        '7',
        '--overseer',
        'human',
        '--overseer-options',
        JSON.stringify({
          store,
          label: 'e2e',
          timeoutSeconds: 90,
          pollMilliseconds: 100,
        }),
        '--store',
        store,
        '--json',
      ],
      { cwd: repository, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    humanEval.stdout?.on('data', (chunk: Buffer) => (humanOutput += chunk.toString()));
    humanEval.stderr?.on('data', (chunk: Buffer) => (humanErrors += chunk.toString()));
    viewer = spawn(process.execPath, [cli, 'view', '--store', store, '--port', '0'], {
      cwd: repository,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const banner = await waitForOutput(viewer, /human-overseer queue.*: (\S+)/);
    url = /viewer for .*: (http:\S+)/.exec(banner)![1];
    queueUrl = /human-overseer queue.*: (\S+)/.exec(banner)![1];
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterEach(() => {
    expect(pageErrors, 'errors thrown in the page').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    viewer?.kill('SIGTERM');
    if (humanEval !== undefined && humanEval.exitCode === null) humanEval.kill('SIGTERM');
    if (viewer !== undefined) await exited(viewer);
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  });

  it('lists the recorded runs and follows one to an episode with its tree', async () => {
    await page.goto(url);
    const table = page.getByTestId('runs-table');
    await expect.poll(() => table.locator('tbody tr').count()).toBeGreaterThanOrEqual(3);
    expect(await table.innerText()).toContain('permutation-powering');
    await shoot(page, 'runs');

    await page.getByRole('link', { name: evalRunId }).click();
    await page.getByTestId('episodes-table').waitFor();
    expect(await page.getByTestId('episodes-table').locator('tbody tr').count()).toBe(3);
    expect(await page.locator('h1').innerText()).toContain(evalRunId);
    await shoot(page, 'run');

    await page.getByTestId('episodes-table').getByRole('link', { name: 'e0' }).click();
    const tree = page.getByTestId('trace-tree');
    await tree.waitFor();
    // The root is open; its sub-questions are closed until expanded.
    const subquestion = tree.locator('li.kind-subquestion').first();
    const toggle = subquestion.locator(':scope > .node-head button.toggle');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await subquestion.locator('li.node').count()).toBe(0);
    // Closed, it still shows its leaf answers.
    expect(await subquestion.getByTestId('leaf-answers').innerText()).not.toBe('');
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const child = subquestion.locator('li.kind-answer').first();
    await child.waitFor();
    expect(await child.innerText()).toMatch(/answer/i);
    expect(await tree.getByTestId('judgment').count()).toBeGreaterThan(0);
    // The badge is the score, the number the reward used; the rating follows it.
    expect(await tree.getByTestId('judgment').first().innerText()).toContain(
      'score, used by the reward',
    );
    expect(await page.getByTestId('outcome').innerText()).toContain('correct');
    // The family's notation is one click away.
    const notation = page.getByTestId('notation');
    await notation.locator('summary').click();
    expect(await notation.innerText()).toMatch(/asks for/);
    await shoot(page, 'episode');
  });

  it('tells experiment runs apart by file, experiments, arms and headline, and filters by them', async () => {
    const writer = RunStore.open(store);
    let experimentRunId: string;
    try {
      const arm = (name: string, task: string) => ({
        name,
        declared: name,
        sweep: {},
        config: { task: { name: task }, scaffold: { name: 'snap' }, overseer: { name: 'program' } },
      });
      experimentRunId = writer.createRun({
        command: 'npx overseer run examples/quickstart.yaml',
        source: 'examples/quickstart.yaml',
        directory: 'runs/quickstart',
        experiments: [
          {
            name: 'ida',
            seeds: [1],
            metrics: ['accuracy'],
            arms: [arm('supervised', 'permutation-powering')],
          },
          {
            name: 'tampering',
            seeds: [1],
            metrics: ['hackRate'],
            arms: [arm('process-rl', 'camera-dropbox')],
          },
        ],
      });
      writer.append({
        type: 'metric',
        runId: experimentRunId,
        time: new Date().toISOString(),
        name: 'accuracy',
        value: 0.75,
        step: 10,
        tags: { experiment: 'ida', arm: 'supervised', seed: '1', phase: 'evaluation' },
      });
    } finally {
      writer.close();
    }
    await page.goto(url);
    const table = page.getByTestId('runs-table');
    const row = table.locator('tbody tr', { hasText: experimentRunId });
    await row.waitFor();
    expect(await row.getByTestId('run-what').innerText()).toBe(
      'examples/quickstart.yaml: ida (supervised) · tampering (process-rl)',
    );
    expect(await row.innerText()).toContain('permutation-powering, camera-dropbox');
    expect(await row.getByTestId('run-headline').innerText()).toBe('ida/supervised accuracy 0.75');
    for (const needle of ['ida', 'camera-dropbox']) {
      await page.getByLabel('filter runs').fill(needle);
      await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
      expect(await table.locator('tbody tr').innerText()).toContain(experimentRunId);
    }
    await shoot(page, 'runs-filtered-by-experiment');
    await page.getByLabel('filter runs').fill('');
  });

  it('shows learning curves per arm, the event log, and two runs side by side', async () => {
    await page.goto(`${url}#/runs/${FIXTURE_RUN_ID}`);
    const chart = page.getByTestId('chart').first();
    await chart.waitFor();
    expect(await chart.innerText()).toContain('arm=b');
    expect(await chart.locator('polyline').count()).toBe(2);
    await page.getByRole('button', { name: 'show the event log' }).click();
    const log = page.getByTestId('event-log');
    await log.waitFor();
    expect(await log.getByTestId('event').count()).toBeGreaterThan(10);
    expect(await log.innerText()).toContain('checkpoint-saved');
    await shoot(page, 'run-curves-and-events');

    await page.goto(url);
    await page.getByLabel(`select ${evalRunId}`).check();
    await page.getByLabel(`select ${FIXTURE_RUN_ID}`).check();
    await page.getByRole('link', { name: 'compare the two selected' }).click();
    const compare = page.getByTestId('compare-table');
    await compare.waitFor();
    expect(await compare.innerText()).toContain(FIXTURE_RUN_ID);
    expect(await page.locator('tr.differs').count()).toBeGreaterThan(0);
    // Different task families: no question in common, and the page says so.
    await page.getByTestId('no-shared-questions').waitFor();
    await shoot(page, 'compare');
  });

  it('separates experiments, filters and pages episodes, shows an arm’s λ, and compares judgments', async () => {
    const writer = RunStore.open(store);
    let experimentRunId: string;
    let secondRunId: string;
    try {
      // Episodes of the recorded eval, replayed as if an experiment loop and a second run played them.
      const played = writer
        .episodes(evalRunId)
        .map((summary) => writer.episode(summary.id, evalRunId)!);
      const arm = (name: string, lambda: number) => ({
        name,
        declared: name,
        sweep: {},
        config: { task: { name: 'permutation-powering' }, lambda },
      });
      experimentRunId = writer.createRun({
        command: 'npx overseer run examples/quickstart.yaml',
        source: 'examples/quickstart.yaml',
        directory: 'runs/quickstart',
        experiments: [
          { name: 'ida', seeds: [1], metrics: ['accuracy'], arms: [arm('supervised', 0)] },
          { name: 'tampering', seeds: [1], metrics: ['hackRate'], arms: [arm('outcome-rl', 1)] },
        ],
      });
      const replay = (
        runId: string,
        index: number,
        extra: {
          iteration?: number;
          phase?: 'rollout' | 'evaluation';
          unit?: { experiment: string; arm: string; seed: number };
        },
        outcome?: (typeof played)[number]['outcome'],
      ) => {
        const record = played[index % played.length];
        writer.recordEpisode({
          runId,
          ...extra,
          episode: {
            ...record.episode,
            id: `${record.episode.id}-${extra.unit?.experiment ?? 'again'}-${index}`,
          },
          judgments: record.judgments.map(({ stepId, judgment, time }) => ({
            stepId,
            judgment,
            time,
          })),
          outcome: outcome ?? record.outcome!,
          ...(record.cost === null ? {} : { cost: record.cost }),
        });
      };
      for (let index = 0; index < 3; index += 1) {
        replay(experimentRunId, index, {
          iteration: 0,
          phase: 'evaluation',
          unit: { experiment: 'ida', arm: 'supervised', seed: 1 },
        });
      }
      // 55 tampering episodes over two rounds, every fifth a hack: more than one page of 50.
      for (let index = 0; index < 55; index += 1) {
        replay(
          experimentRunId,
          index,
          {
            iteration: index < 30 ? 0 : 1,
            phase: 'rollout',
            unit: { experiment: 'tampering', arm: 'outcome-rl', seed: 1 },
          },
          {
            kind: 'return',
            reward: 1,
            trueReward: index % 5 === 0 ? 0 : 1,
            length: 4,
            terminated: true,
            truncated: false,
            classification: index % 5 === 0 ? 'hack' : 'intended',
            info: {},
          },
        );
      }
      secondRunId = writer.createRun({ note: 'the same questions again' });
      for (let index = 0; index < played.length; index += 1) replay(secondRunId, index, {});
      writer.finishRun(secondRunId, {});
    } finally {
      writer.close();
    }

    await page.goto(`${url}#/runs/${experimentRunId}`);
    const sections = page.getByTestId('experiment-section');
    await expect.poll(() => sections.count()).toBe(2);
    expect(await sections.nth(0).locator('h2').innerText()).toBe('Experiment ida');
    const tampering = sections.nth(1);
    expect(await tampering.locator('h2').innerText()).toBe('Experiment tampering');
    await tampering.getByTestId('episodes-table').waitFor();
    expect(await tampering.getByTestId('episodes-count').innerText()).toBe('55 of 55 episodes');
    expect(await tampering.getByTestId('episodes-table').locator('tbody tr').count()).toBe(50);
    expect(await tampering.innerText()).toContain('page 1 of 2');
    await tampering.getByRole('button', { name: 'next' }).click();
    expect(await tampering.getByTestId('episodes-table').locator('tbody tr').count()).toBe(5);
    await tampering.getByLabel('episode outcome').selectOption('hack');
    expect(await tampering.getByTestId('episodes-count').innerText()).toBe('11 of 55 episodes');
    const hacks = tampering.getByTestId('episodes-table').locator('tbody tr');
    expect(await hacks.count()).toBe(11);
    for (const text of await hacks.allInnerTexts()) expect(text).toContain('(hack)');
    await tampering.getByLabel('episode round').selectOption('2');
    expect(await tampering.getByTestId('episodes-count').innerText()).toBe('5 of 55 episodes');
    await shoot(page, 'run-experiments-filtered');

    // The episode's own arm's λ, not "the run recorded no dial λ".
    await hacks.first().getByRole('link').click();
    const outcome = page.getByTestId('outcome');
    await outcome.waitFor();
    expect(await outcome.innerText()).toContain(
      'The arm outcome-rl of tampering trained with λ = 1',
    );
    expect(await outcome.innerText()).not.toContain('recorded no dial');

    await page.goto(`${url}#/compare?runs=${evalRunId},${secondRunId}`);
    const comparison = page.getByTestId('judgment-comparison');
    await comparison.waitFor();
    expect(await comparison.innerText()).toContain('3 questions both runs answered');
    // Each column loads its own episode after the shared questions are listed: wait for both.
    const columns = comparison.getByTestId('judged-steps');
    await expect.poll(() => columns.count()).toBe(2);
    await expect.poll(() => columns.nth(1).getByTestId('judgment').count()).toBeGreaterThan(0);
    await expect
      .poll(async () => {
        const [first, second] = await Promise.all([
          columns.nth(0).getByTestId('judgment').count(),
          columns.nth(1).getByTestId('judgment').count(),
        ]);
        return first === second;
      })
      .toBe(true);
    expect(await columns.nth(0).innerText()).toContain(evalRunId);
    expect(await columns.nth(1).innerText()).toContain(secondRunId);
    await shoot(page, 'compare-judgments');
  });

  it('shows hostile model output as text and runs none of it', async () => {
    await page.goto(`${url}#/runs/${FIXTURE_RUN_ID}/episodes/e-hostile`);
    const tree = page.getByTestId('trace-tree');
    await tree.waitFor();
    await tree.getByRole('button', { name: 'expand all' }).click();
    const text = await page.locator('main').innerText();
    expect(text).toContain(HOSTILE_TEXT);
    expect(text).toContain('debater-a');
    expect(await page.locator('main script, main img, main b').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __pwned?: boolean }).__pwned)).toBeUndefined();
    await shoot(page, 'episode-hostile');
  });

  it('rates queued steps until the waiting run finishes', async () => {
    await page.goto(queueUrl);
    // The token moves from the link into the tab's storage and out of the address bar.
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#/queue');
    await page.getByLabel('rater name').fill('e2e-rater');
    let rated = 0;
    while (humanEval.exitCode === null && rated < 20) {
      const item = page.locator('article.queue-pending').first();
      try {
        await item.waitFor({ timeout: 5_000 });
      } catch {
        continue;
      }
      const action = await item.locator('.field.proposed pre').innerText();
      expect(action.length).toBeGreaterThan(0);
      expect(await item.innerText()).not.toMatch(/expected|reward|correct/i);
      if (rated === 0) await shoot(page, 'queue');
      await item.getByLabel(rated === 0 ? '+1 right' : '0 no progress').check();
      if (rated === 0) await item.getByLabel('note').fill('first step looks right');
      const id = await item.getAttribute('data-item-id');
      await item.getByRole('button', { name: 'submit rating' }).click();
      await page.locator(`article.queue-rated[data-item-id="${id}"]`).waitFor();
      rated += 1;
    }
    expect(await exited(humanEval), `the human-overseer eval: ${humanErrors}`).toBe(0);
    await shoot(page, 'queue-rated');
    const runId = (JSON.parse(humanOutput) as { runId: string }).runId;
    const reader = RunStore.open(store, { readOnly: true });
    try {
      const record = reader.episode('e0', runId)!;
      expect(record.judgments.length).toBe(rated);
      expect(record.judgments.every(({ judgment }) => judgment.method === 'human')).toBe(true);
      expect(record.judgments[0].judgment.rating).toBe(1);
      expect(record.judgments[0].judgment.rationale).toMatch(
        /rated \+1 by e2e-rater at .*: first step looks right/,
      );
    } finally {
      reader.close();
    }
    expect(await page.getByTestId('queue-counts').innerText()).toContain(`${rated} rated`);
  });

  it('searches across transcripts', async () => {
    await page.goto(`${url}#/search?q=judge%20sided`);
    const hits = page.getByTestId('search-hits');
    await hits.locator('li').first().waitFor();
    expect(await hits.innerText()).toContain('e-hostile › sq1');
    await hits.getByRole('link').first().click();
    await page.locator('li.node.highlight').waitFor();
  });

  it('opens an HTML export from disk without a server', async () => {
    const out = join(directory, 'published');
    overseer('export', '--run', evalRunId, '--format', 'html', '--out', out, '--store', store);
    const file = `file://${join(out, 'index.html')}`;
    await page.goto(`${file}#/runs/${evalRunId}`);
    await page.getByTestId('episodes-table').waitFor();
    await page.getByTestId('episodes-table').getByRole('link', { name: 'e1' }).click();
    await page.getByTestId('trace-tree').waitFor();
    expect(await page.locator('nav').innerText()).toContain('static export');
    await shoot(page, 'export');
  });
});
