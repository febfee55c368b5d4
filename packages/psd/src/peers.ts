import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PartialMatrix } from './partial-matrix.ts';

/**
 * The max-t form in SDPA sparse format: variables z (one per specified entry), minimise ⟨Z, A⟩ subject to
 * Z = Σ z_e E_e ⪰ 0 and tr Z = 1 (two LP rows). Its optimum is t* = max over completions of λmin, so
 * t* > 0 means completable and t* < 0 means not; the dual is max t s.t. Y ⪰ 0, Y_Ω = A_Ω − t·I.
 */
export function formatSdpaMaxT(matrix: PartialMatrix): string {
  const { n, diagonal, rows, columns, values } = matrix;
  const variables = n + values.length;
  const out: string[] = ['"psd max-t form: min <Z,A> s.t. Z on the pattern, Z PSD, tr Z = 1"'];
  out.push(`${variables}`, '2', `${n} -2`);
  const objective: string[] = [];
  for (let i = 0; i < n; i++) objective.push(String(diagonal[i]));
  for (let e = 0; e < values.length; e++) objective.push(String(2 * values[e]));
  out.push(objective.join(' '));
  out.push('0 2 1 1 1', '0 2 2 2 -1');
  for (let i = 0; i < n; i++) {
    out.push(`${i + 1} 1 ${i + 1} ${i + 1} 1`, `${i + 1} 2 1 1 1`, `${i + 1} 2 2 2 -1`);
  }
  for (let e = 0; e < values.length; e++) {
    out.push(`${n + e + 1} 1 ${columns[e] + 1} ${rows[e] + 1} 1`);
  }
  return out.join('\n') + '\n';
}

/** Which peer SDP solver. */
export type PeerName = 'csdp' | 'sdpa';

/** A peer's answer: its optimal t*, verdict by the sign of t*, and wall-clock seconds. */
export interface PeerResult {
  peer: PeerName;
  status: 'solved' | 'failed' | 'timeout' | 'missing';
  tStar?: number;
  verdict?: 'completable' | 'not-completable';
  seconds: number;
  detail?: string;
}

/** True when the peer's executable is on PATH. */
export function peerAvailable(peer: PeerName): boolean {
  const result = spawnSync('sh', ['-c', `command -v ${peer}`], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() !== '';
}

/** Runs a peer on the max-t form of `matrix` (files in `directory`), timing the solver process only. */
export function runPeer(
  peer: PeerName,
  matrix: PartialMatrix,
  directory: string,
  name: string,
  timeoutSeconds: number,
): PeerResult {
  if (!peerAvailable(peer)) return { peer, status: 'missing', seconds: 0 };
  const input = join(directory, `${name}.dat-s`);
  const output = join(directory, `${name}.${peer}.out`);
  writeFileSync(input, formatSdpaMaxT(matrix));
  const args = peer === 'csdp' ? [input, output] : ['-ds', input, '-o', output];
  const started = performance.now();
  const result = spawnSync(peer, args, {
    encoding: 'utf8',
    timeout: timeoutSeconds * 1000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '2' },
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
    return { peer, status: 'timeout', seconds };
  }
  let tStar: number | undefined;
  if (peer === 'csdp') {
    const match = /Primal objective value:\s*(\S+)/.exec(result.stdout ?? '');
    if (match) tStar = Number(match[1]);
  } else if (existsSync(output)) {
    const text = readFileSync(output, 'utf8');
    const match = /objValPrimal\s*=\s*(\S+)/.exec(text);
    if (match) tStar = Number(match[1]);
  }
  if (tStar === undefined || !Number.isFinite(tStar)) {
    return {
      peer,
      status: 'failed',
      seconds,
      detail: `exit ${result.status}: ${(result.stdout ?? '').slice(-200)}`,
    };
  }
  return {
    peer,
    status: 'solved',
    tStar,
    verdict: tStar > 0 ? 'completable' : 'not-completable',
    seconds,
  };
}
