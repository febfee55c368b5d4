import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HumanQueue } from '../store/human-queue.ts';
import { apiPaths } from './api-paths.ts';
import { startViewerServer } from './server.ts';
import type { ViewerServer } from './server.ts';
import { requireViewerBuild, staticFile } from './static-files.ts';
import { FIXTURE_RUN_ID, writeViewerFixture } from './viewer-fixture.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One raw HTTP request (raw, so the Host header and odd paths go out as written). */
function send(
  port: number,
  path: string,
  options: { method?: string; host?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: { Host: options.host ?? `127.0.0.1:${port}`, ...options.headers },
      },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

describe('viewer server', () => {
  let directory: string;
  let viewer: string;
  let server: ViewerServer;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'overseer-viewer-server-'));
    writeViewerFixture(join(directory, 'store'));
    viewer = join(directory, 'dist');
    mkdirSync(join(viewer, 'assets'), { recursive: true });
    writeFileSync(join(viewer, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(viewer, 'assets', 'app-1.js'), 'console.log(1)');
    writeFileSync(join(directory, 'secret.txt'), 'outside the viewer');
    server = await startViewerServer({
      store: join(directory, 'store'),
      port: 0,
      token: 'sesame',
      viewerDirectory: viewer,
    });
  });
  afterAll(async () => {
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 and prints a queue link that carries the token in its fragment', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    expect(server.queueUrl).toBe(`${server.url}#/queue?token=sesame`);
  });

  it('serves the built UI with a strict content security policy', async () => {
    const index = await send(server.port, '/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<div id="root">');
    expect(index.headers['content-type']).toMatch(/text\/html/);
    expect(index.headers['content-security-policy']).toMatch(/script-src 'self';/);
    expect(index.headers['x-frame-options']).toBe('DENY');
    expect(index.headers['cache-control']).toBe('no-cache');
    const asset = await send(server.port, '/assets/app-1.js');
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toMatch(/immutable/);
    expect((await send(server.port, '/missing.js')).status).toBe(404);
    expect((await send(server.port, '/../secret.txt')).status).toBe(404);
    expect((await send(server.port, '/%2e%2e/secret.txt')).status).toBe(404);
    expect((await send(server.port, '/', { method: 'POST' })).status).toBe(405);
  });

  it('answers the API as JSON and refuses other Host names', async () => {
    const run = await send(server.port, apiPaths.run(FIXTURE_RUN_ID));
    expect(run.status).toBe(200);
    expect(JSON.parse(run.body).run.id).toBe(FIXTURE_RUN_ID);
    expect(run.headers['cache-control']).toBe('no-store');
    expect((await send(server.port, '/api/runs', { host: 'localhost' })).status).toBe(200);
    const rebound = await send(server.port, '/api/runs', { host: 'attacker.example:80' });
    expect(rebound.status).toBe(421);
    expect(rebound.body).not.toContain(FIXTURE_RUN_ID);
  });

  it('takes a rating over HTTP only with the token', async () => {
    const queue = HumanQueue.open(join(directory, 'store'));
    queue.enqueue({
      id: 'item',
      label: 'l',
      proposal: {
        family: 'f',
        question: 'q',
        kind: 'answer',
        previous: [],
        context: 'q',
        action: 'a',
      },
    });
    queue.close();
    const body = JSON.stringify({ rating: 1, rater: 'ann' });
    const refused = await send(server.port, apiPaths.rating('item'), { method: 'POST', body });
    expect(refused.status).toBe(401);
    const accepted = await send(server.port, apiPaths.rating('item'), {
      method: 'POST',
      body,
      headers: { Authorization: 'Bearer sesame', 'Content-Type': 'application/json' },
    });
    expect(accepted.status).toBe(200);
    expect(JSON.parse(accepted.body).rating.rater).toBe('ann');
    const huge = await send(server.port, apiPaths.rating('item'), {
      method: 'POST',
      body: 'x'.repeat(100_000),
      headers: { Authorization: 'Bearer sesame' },
    });
    expect(huge.status).toBe(413);
  });

  it('says how to build the viewer when it is missing, and names a port in use', async () => {
    expect(() => requireViewerBuild(join(directory, 'nowhere'))).toThrow(
      expect.objectContaining({
        code: 'viewer.not-built',
        hint: expect.stringMatching(/npm ci/),
      }),
    );
    await expect(
      startViewerServer({
        store: join(directory, 'store'),
        port: server.port,
        viewerDirectory: viewer,
      }),
    ).rejects.toThrow(/cannot listen on 127.0.0.1:\d+/);
    await expect(
      startViewerServer({ store: join(directory, 'no-store'), port: 0, viewerDirectory: viewer }),
    ).rejects.toThrow(/no run store/);
    expect(staticFile(viewer, '/%00')).toBeUndefined();
  });
});
