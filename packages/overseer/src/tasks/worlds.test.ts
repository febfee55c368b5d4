/** The worlds of the IDA families hold the structure their decompositions rely on. */
import { describe, expect, it } from 'vitest';
import { createAssignmentWorld, sequentialAssignments } from './sequential-assignments.ts';
import { createGraphWorld, shortestPath } from './shortest-path.ts';
import type { QuestionFamily } from './family.ts';
import { UNKNOWN_ANSWER } from './family.ts';
import { createUnionFindWorld, unionFind } from './union-find.ts';
import { createWildcardWorld, wildcardSearch } from './wildcard-search.ts';

describe('sequential-assignments world', () => {
  it('evaluates a straight-line program with one table f', () => {
    const world = createAssignmentWorld(4, 64);
    expect(world.definitions.filter((d) => d.kind === 'constant')).toHaveLength(8);
    world.definitions.forEach((definition, index) => {
      if (definition.kind === 'constant') return expect(world.value[index]).toBe(definition.value);
      expect(definition.left).toBeLessThan(index);
      expect(definition.right).toBeLessThan(index);
      expect(world.value[index]).toBe(
        world.table[world.value[definition.left]][world.value[definition.right]],
      );
      expect(world.depth[index]).toBe(
        1 + Math.max(world.depth[definition.left], world.depth[definition.right]),
      );
    });
    expect(createAssignmentWorld(4, 64)).toEqual(world);
    expect(() => sequentialAssignments({ size: 4, constants: 4 })).toThrow(/no assigned variable/);
  });

  it('asks for both operands, then looks f up', () => {
    const family = sequentialAssignments();
    const [problem] = family.generate({ seed: 0, count: 1, split: 'train', difficulty: 1 });
    const decomposition = family.decompose(problem.question);
    if (decomposition.kind !== 'split') throw new Error('depth 1 splits');
    expect(decomposition.next([])).toMatch(/^A[a-h]+$/);
    expect(decomposition.combine(['9', '9'])).toBe('?');
  });
});

describe('wildcard-search world', () => {
  it('needs a power of two and sums matches', () => {
    expect(() => createWildcardWorld(0, 12)).toThrow(/power of two/);
    const family = wildcardSearch({ size: 8 });
    const values = family.world.value;
    expect(family.oracle('W***')).toBe(String(values.reduce((a: number, b) => a + b, 0)));
    expect(family.oracle('W1*0')).toBe(String(values[4] + values[6]));
    const decomposition = family.decompose('W1**');
    if (decomposition.kind !== 'split') throw new Error('wildcards split');
    expect([decomposition.next([]), decomposition.next(['2'])]).toEqual(['W10*', 'W11*']);
    expect(decomposition.combine(['2', '-2'])).toBe('0');
    expect(decomposition.combine(['2', 'x'])).toBe('?');
    expect(family.answerSpace('W1**').size).toBe(5);
  });
});

describe('shortest-path world', () => {
  it('has the edges asked for and breadth-first distances', () => {
    const world = createGraphWorld(2, 16);
    expect(world.out.flat()).toHaveLength(32);
    world.out.forEach((targets, a) => {
      expect(targets).not.toContain(a);
      for (const b of targets) expect(world.distance[a][b]).toBe(1);
    });
    expect(createGraphWorld(2, 16)).toEqual(world);
  });

  it('accepts any next step on a shortest path and says ! when there is none', () => {
    const family = shortestPath({ size: 64, worldSeed: 1 });
    const { names, out, distance } = family.world;
    let ties = 0;
    for (const problem of family.generate({
      seed: 0,
      count: 300,
      split: 'train',
      difficulty: [2, 3, 4],
    })) {
      if (!problem.question.startsWith('S')) continue;
      const a = names.indexOf(problem.question.slice(1, 3));
      const b = names.indexOf(problem.question.slice(3));
      const good = out[a].filter((c) => distance[c][b] === distance[a][b] - 1);
      for (const c of good) expect(family.isCorrect(problem.question, names[c])).toBe(true);
      if (good.length > 1) ties += 1;
      const bad = out[a].find((c) => !good.includes(c));
      if (bad !== undefined) expect(family.isCorrect(problem.question, names[bad])).toBe(false);
    }
    expect(ties).toBeGreaterThan(0);
    // One edge in all: from its tail, every vertex but its head is out of reach.
    const sparse = shortestPath({ size: 8, edges: 1 });
    const from = sparse.world.out.findIndex((targets) => targets.length > 0);
    const head = sparse.world.out[from][0];
    const unreachable = sparse.world.names.find((_, b) => b !== from && b !== head) ?? '';
    const fromName = sparse.world.names[from];
    expect(sparse.oracle(`D${fromName}${unreachable}`)).toBe('!');
    expect(sparse.oracle(`S${fromName}${unreachable}`)).toBe('!');
    expect(sparse.oracle(`D${fromName}${fromName}`)).toBe('0');
    const decomposition = sparse.decompose(`D${fromName}${unreachable}`);
    if (decomposition.kind !== 'split') throw new Error('no edge: the distance splits');
    expect(decomposition.next(['!'])).toBeNull();
    expect(decomposition.combine(['!'])).toBe('!');
  });
});

describe('union-find world', () => {
  it('hangs each class under one root that holds its value', () => {
    const world = createUnionFindWorld(5, 64);
    world.parent.forEach((parent, index) => {
      expect(world.value[parent]).toBe(world.value[index]);
      if (parent !== index) expect(world.depth[index]).toBe(world.depth[parent] + 1);
      else expect(world.depth[index]).toBe(0);
    });
    const roots = world.parent.filter((parent, index) => parent === index);
    expect(new Set(roots.map((root) => world.value[root])).size).toBe(roots.length);
  });

  it('asks for the parent, then the parent’s value', () => {
    const family = unionFind();
    const [problem] = family.generate({ seed: 0, count: 1, split: 'train', difficulty: 2 });
    const decomposition = family.decompose(problem.question);
    if (decomposition.kind !== 'split') throw new Error('depth 2 splits');
    const x = problem.question.slice(1);
    expect(decomposition.next([])).toBe(`U${x}`);
    const parent = family.oracle(`U${x}`);
    expect(decomposition.next([parent])).toBe(`V${parent}`);
    expect(decomposition.combine([parent, family.oracle(`V${parent}`)])).toBe(problem.answer);
    expect(family.decompose(`U${x}`)).toEqual({ kind: 'base', answer: parent });
  });

  it('reads the parent fact itself with askParent false, asking only the parent’s value', () => {
    const family = unionFind({ askParent: false });
    const [problem] = family.generate({ seed: 0, count: 1, split: 'train', difficulty: 2 });
    const decomposition = family.decompose(problem.question);
    if (decomposition.kind !== 'split') throw new Error('depth 2 splits');
    const parent = family.oracle(`U${problem.question.slice(1)}`);
    expect(decomposition.next([])).toBe(`V${parent}`);
    expect(decomposition.next([family.oracle(`V${parent}`)])).toBeNull();
    expect(decomposition.combine([family.oracle(`V${parent}`)])).toBe(problem.answer);
    expect(decomposition.combine([parent])).toBe(UNKNOWN_ANSWER);
    expect(family.options).toMatchObject({ askParent: false });
  });

  it('leaves the model only training questions two levels down once it reads parents', () => {
    // World 0: Vbb is a training question, its parent's Vbf is held out. Two levels of the expert
    // leave the model Ubf, which only Vbf's own tree would teach, unless the expert reads it.
    const leaves = (family: QuestionFamily<unknown>, question: string, depth: number): string[] => {
      if (depth === 2) return [question];
      const decomposition = family.decompose(question);
      if (decomposition.kind === 'base') return [];
      const answers: string[] = [];
      const below: string[] = [];
      for (
        let next = decomposition.next(answers);
        next !== null;
        next = decomposition.next(answers)
      ) {
        below.push(...leaves(family, next, depth + 1));
        answers.push(family.oracle(next));
      }
      return below;
    };
    const asking = unionFind();
    const test = asking.generate({ seed: 0, count: 100, split: 'test', difficulty: 1 });
    const train = asking.generate({ seed: 0, count: 100, split: 'train', difficulty: [0, 1, 2] });
    expect(test.map((problem) => problem.question)).toContain('Vbf');
    expect(train.map((problem) => problem.question)).toContain('Vbb');
    expect(leaves(asking, 'Vbb', 0)).toEqual(['Ubf', 'Vad']);
    expect(leaves(unionFind({ askParent: false }), 'Vbb', 0)).toEqual(['Vad']);
    expect(train.map((problem) => problem.question)).toContain('Vad');
  });
});
