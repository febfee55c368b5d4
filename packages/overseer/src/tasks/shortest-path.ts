/**
 * Shortest path (Christiano, Shlegeris & Amodei 2018): the world is a random directed graph.
 * `Dab` asks for the distance from a to b (`!` when b cannot be reached), `Sab` for the next
 * vertex on a shortest path from a to b (the first by name when several tie). The weak expert
 * sees only the edges at a vertex: dist(a, b) = 1 if a → b is an edge, else 1 + dist(step(a, b), b);
 * step(a, b) = b if a → b is an edge, else the out-neighbour c of a with the least dist(c, b).
 *
 * Distance and step questions recurse into each other, and a step question asks about every
 * out-neighbour, some farther from b than a; an exact HCH tree of this expert therefore needs the
 * scaffold's depth budget (or a memo) to stop. With exact sub-answers, one step is always right.
 */
import { z } from 'zod';
import type { QuestionFamily } from './family.ts';
import { UNKNOWN_ANSWER } from './family.ts';
import { checkWorldSize, itemNames, ITEM_SYMBOLS } from './items.ts';
import { parseOptions, worldOptions } from './options.ts';
import { badQuestion, defineQuestionFamily, listedAnswers } from './question-family.ts';
import { createRandom } from '../util/labelled-random.ts';

/** The answer for "no path". */
export const UNREACHABLE = '!';

/** Options of shortest-path. */
export const ShortestPathOptions = z.strictObject({
  ...worldOptions(16),
  /** Number of directed edges; default 2 × size (128 edges on 64 vertices in the paper). */
  edges: z.number().int().min(1).optional(),
});
/** Options of shortest-path, as written. */
export type ShortestPathOptions = z.input<typeof ShortestPathOptions>;

/** A directed graph over named vertices, with all distances. */
export interface GraphWorld {
  names: string[];
  /** Out-neighbours of each vertex, in name order. */
  out: number[][];
  /** distance[a][b]: number of edges on a shortest path, Infinity when unreachable. */
  distance: number[][];
}

const NAME = 'shortest-path';

/** A random directed graph without self-loops or repeated edges, and its distances. */
export function createGraphWorld(seed: number, size: number, edges = 2 * size): GraphWorld {
  checkWorldSize(NAME, size, 2);
  const random = createRandom(NAME, 'world', seed, size, edges);
  const wanted = Math.min(edges, size * (size - 1));
  const chosen = new Set<number>();
  while (chosen.size < wanted) {
    const from = random.integer(size);
    const to = random.integer(size);
    if (from !== to) chosen.add(from * size + to);
  }
  const out: number[][] = Array.from({ length: size }, () => []);
  for (const edge of [...chosen].sort((left, right) => left - right)) {
    out[Math.floor(edge / size)].push(edge % size);
  }
  // Breadth-first search from every vertex: O(size · edges).
  const distance = out.map((_, source) => {
    const row = new Array<number>(size).fill(Infinity);
    row[source] = 0;
    const queue = [source];
    for (let head = 0; head < queue.length; head += 1) {
      for (const next of out[queue[head]]) {
        if (row[next] === Infinity) {
          row[next] = row[queue[head]] + 1;
          queue.push(next);
        }
      }
    }
    return row;
  });
  return { names: itemNames(size), out, distance };
}

/** The shortest-path family on the world its options fix. */
export function shortestPath(options: ShortestPathOptions = {}): QuestionFamily<GraphWorld> {
  const resolved = parseOptions(NAME, ShortestPathOptions, options);
  const edgeCount = resolved.edges ?? 2 * resolved.size;
  const world = createGraphWorld(resolved.worldSeed, resolved.size, edgeCount);
  const { names, out, distance } = world;
  const size = names.length;
  const indexOf = new Map(names.map((name, index) => [name, index]));
  const length = names[0].length;
  const finite = distance.flat().filter((value) => Number.isFinite(value));
  const maximumDistance = Math.max(1, ...finite);

  const parse = (question: string): { kind: 'D' | 'S'; a: number; b: number } => {
    const kind = question[0];
    const a = indexOf.get(question.slice(1, 1 + length));
    const b = indexOf.get(question.slice(1 + length));
    if ((kind !== 'D' && kind !== 'S') || a === undefined || b === undefined) {
      throw badQuestion(NAME, question, `D<from><to> or S<from><to>, e.g. D${names[0]}${names[1]}`);
    }
    return { kind, a, b };
  };
  const parseDistance = (text: string): number | undefined => {
    if (text === UNREACHABLE) return Infinity;
    return /^(0|[1-9][0-9]*)$/.test(text) ? Number(text) : undefined;
  };
  const showDistance = (value: number): string =>
    Number.isFinite(value) ? String(value) : UNREACHABLE;
  const isEdge = (a: number, b: number): boolean => out[a].includes(b);
  const step = (a: number, b: number): string => {
    if (a === b) return names[a];
    if (!Number.isFinite(distance[a][b])) return UNREACHABLE;
    const target = distance[a][b] - 1;
    const next = out[a].find((c) => distance[c][b] === target);
    return next === undefined ? UNREACHABLE : names[next];
  };

  return defineQuestionFamily<GraphWorld>({
    name: NAME,
    description: 'distances and next steps in a random directed graph (IDA, 2018)',
    characters: `DS${UNREACHABLE}0123456789${ITEM_SYMBOLS}`,
    options: { ...resolved, edges: edgeCount },
    difficulties: { min: 1, max: maximumDistance, default: Math.min(2, maximumDistance) },
    testFraction: resolved.testFraction,
    createWorld: (seed, worldSize) => createGraphWorld(seed, worldSize, resolved.edges),
    world,
    facts: () => out.flatMap((targets, a) => targets.map((b) => `${names[a]}>${names[b]}`)),
    questions: (difficulty) => {
      const questions: string[] = [];
      for (let a = 0; a < size; a += 1) {
        for (let b = 0; b < size; b += 1) {
          if (distance[a][b] === difficulty)
            questions.push(`D${names[a]}${names[b]}`, `S${names[a]}${names[b]}`);
        }
      }
      return { kind: 'listed', questions };
    },
    oracle: (question) => {
      const { kind, a, b } = parse(question);
      return kind === 'D' ? showDistance(distance[a][b]) : step(a, b);
    },
    isCorrect: (question, answer) => {
      const { kind, a, b } = parse(question);
      if (kind === 'D') return answer === showDistance(distance[a][b]);
      // Any out-neighbour on some shortest path is a right next step.
      const c = indexOf.get(answer);
      if (c === undefined) return answer === step(a, b);
      if (a === b) return c === a;
      return (
        Number.isFinite(distance[a][b]) && isEdge(a, c) && distance[c][b] === distance[a][b] - 1
      );
    },
    decompose: (question) => {
      const { kind, a, b } = parse(question);
      if (kind === 'D') {
        if (a === b) return { kind: 'base', answer: '0' };
        if (isEdge(a, b)) return { kind: 'base', answer: '1' };
        return {
          kind: 'split',
          next: (answers) => {
            if (answers.length === 0) return `S${names[a]}${names[b]}`;
            const c = indexOf.get(answers[0]);
            if (answers.length === 1 && c !== undefined && isEdge(a, c))
              return `D${names[c]}${names[b]}`;
            return null;
          },
          combine: (answers) => {
            if (answers[0] === UNREACHABLE && answers.length === 1) return UNREACHABLE;
            const c = indexOf.get(answers[0] ?? '');
            const rest = parseDistance(answers[1] ?? '');
            if (answers.length !== 2 || c === undefined || !isEdge(a, c) || rest === undefined) {
              return UNKNOWN_ANSWER;
            }
            return showDistance(rest + 1);
          },
        };
      }
      if (a === b) return { kind: 'base', answer: names[a] };
      if (isEdge(a, b)) return { kind: 'base', answer: names[b] };
      if (out[a].length === 0) return { kind: 'base', answer: UNREACHABLE };
      const candidates = out[a];
      const best = (answers: readonly string[]): { value: number; names: string[] } | undefined => {
        const values = answers.map(parseDistance);
        if (answers.length !== candidates.length || values.some((value) => value === undefined)) {
          return undefined;
        }
        const value = Math.min(...(values as number[]));
        if (!Number.isFinite(value)) return { value, names: [UNREACHABLE] };
        return {
          value,
          names: candidates.filter((_, index) => values[index] === value).map((c) => names[c]),
        };
      };
      return {
        kind: 'split',
        next: (answers) =>
          answers.length < candidates.length
            ? `D${names[candidates[answers.length]]}${names[b]}`
            : null,
        combine: (answers) => best(answers)?.names[0] ?? UNKNOWN_ANSWER,
        accepts: (answers, answer) => {
          const found = best(answers);
          return found === undefined ? answer === UNKNOWN_ANSWER : found.names.includes(answer);
        },
      };
    },
    answerSpace: (question) =>
      listedAnswers(
        parse(question).kind === 'D'
          ? [...Array.from({ length: size }, (_, index) => String(index)), UNREACHABLE]
          : [...names, UNREACHABLE],
      ),
  });
}
