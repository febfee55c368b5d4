import { describe, expect, it } from 'vitest';
import { scriptedPolicy } from '../../policies/scripted.ts';
import type { GradedSample } from './grader.ts';
import { createGrader, graders } from './registry.ts';

const numeric: GradedSample = { input: 'Seven times six?', targets: ['42'] };
const city: GradedSample = { input: 'Capital of France?', targets: ['Paris'] };
const grade = (
  name: string,
  options: Record<string, unknown>,
  sample: GradedSample,
  text: string,
) => createGrader({ name, options }).grade(sample, text);

describe('graders', () => {
  it('lists every grader', () => {
    expect(graders.names()).toEqual([
      'exact',
      'includes',
      'match',
      'choice',
      'regex',
      'model-graded',
    ]);
  });

  it('exact compares the whole answer, case and whitespace aside', () => {
    expect(grade('exact', {}, city, '  paris. ')).toEqual({ extracted: 'paris', correct: true });
    expect(grade('exact', {}, city, 'It is Paris')).toMatchObject({ correct: false });
    expect(grade('exact', { ignoreCase: false }, city, 'paris')).toMatchObject({ correct: false });
  });

  it('includes finds a target anywhere', () => {
    expect(grade('includes', {}, city, 'I think it is PARIS, yes')).toEqual({
      extracted: 'Paris',
      correct: true,
    });
    expect(grade('includes', {}, city, 'Lyon')).toEqual({ extracted: null, correct: false });
  });

  it('match reads the last or first number, within a tolerance, or a line', () => {
    expect(grade('match', {}, numeric, '6*7: 40 + 2 = 42')).toEqual({
      extracted: '42',
      correct: true,
    });
    expect(grade('match', { location: 'first' }, numeric, '6*7: 40 + 2 = 42')).toEqual({
      extracted: '6',
      correct: false,
    });
    expect(grade('match', {}, { input: '', targets: ['1234.5'] }, 'about 1,234.5')).toMatchObject({
      correct: true,
    });
    expect(
      grade('match', { tolerance: 0.01 }, { input: '', targets: ['3.14'] }, 'pi ≈ 3.141'),
    ).toMatchObject({
      correct: true,
    });
    expect(grade('match', {}, { input: '', targets: ['3.14'] }, 'pi ≈ 3.141')).toMatchObject({
      correct: false,
    });
    expect(grade('match', {}, city, 'Let me think.\nANSWER: paris\n')).toEqual({
      extracted: 'paris',
      correct: true,
    });
    expect(grade('match', { location: 'first' }, city, 'Lyon\nParis')).toMatchObject({
      correct: false,
    });
    expect(grade('match', {}, numeric, 'no idea')).toEqual({ extracted: null, correct: false });
  });

  it('choice reads a letter and accepts a target letter or choice text', () => {
    const sample: GradedSample = { input: 'prime?', targets: ['C'], choices: ['4', '6', '7'] };
    expect(grade('choice', {}, sample, 'Reasoning…\nANSWER: c')).toEqual({
      extracted: 'C',
      correct: true,
    });
    expect(grade('choice', {}, sample, '(B)')).toEqual({ extracted: 'B', correct: false });
    expect(grade('choice', {}, { ...sample, targets: ['7'] }, 'C')).toMatchObject({
      correct: true,
    });
    expect(grade('choice', {}, sample, 'seven')).toEqual({ extracted: null, correct: false });
  });

  it('regex takes a capture group of the last match, and refuses a pattern that does not compile', () => {
    const options = { pattern: 'city=(\\w+)' };
    expect(grade('regex', options, city, 'city=Lyon then city=Paris')).toEqual({
      extracted: 'Paris',
      correct: true,
    });
    expect(grade('regex', options, city, 'Paris')).toEqual({ extracted: null, correct: false });
    expect(() => createGrader({ name: 'regex', options: { pattern: '(' } })).toThrow(
      /does not compile/,
    );
    expect(() => createGrader({ name: 'regex', options: { patern: 'x' } })).toThrow(
      /did you mean "pattern"/,
    );
  });

  it('model-graded asks its policy and keeps the call as a transcript', async () => {
    const policy = scriptedPolicy((request) =>
      request.prompt.includes('[Submission]\nThe capital is Paris.')
        ? 'Same city.\nGRADE: C'
        : 'GRADE: I',
    );
    const grader = createGrader(
      { name: 'model-graded', options: { policy: 'scripted' } },
      { policy },
    );
    expect(grader.usesModel).toBe(true);
    const right = await grader.grade(city, 'The capital is Paris.');
    expect(right).toMatchObject({
      extracted: 'The capital is Paris.',
      correct: true,
      explanation: 'GRADE: C',
      call: { policy: 'scripted', completion: 'Same city.\nGRADE: C' },
    });
    expect(right.call?.prompt).toContain('[Reference]\nParis');
    expect(await grader.grade(city, 'Lyon')).toMatchObject({ correct: false });
    expect(policy.requests).toHaveLength(2);
    expect(() => createGrader({ name: 'model-graded', options: { policy: 'scripted' } })).toThrow(
      /needs its policy/,
    );
  });
});
