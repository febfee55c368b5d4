import { describe, expect, it } from 'vitest';
import type { ProposedStep } from '../spec/index.ts';
import { runDecomposition } from './family.ts';
import { createPairSumWorld, pairSum } from './pair-sum.ts';

/** A step of `question` after `previous`. */
function step(
  question: string,
  kind: ProposedStep['kind'],
  action: string,
  previous: ProposedStep['previous'] = [],
): ProposedStep {
  return { family: 'pair-sum', question, kind, previous, context: question, action };
}

describe('pair-sum', () => {
  it('builds a seeded bijection of items onto values', () => {
    const world = createPairSumWorld(0, 16);
    expect([...world.value].sort((a, b) => a - b)).toEqual(world.names.map((_, index) => index));
    world.value.forEach((v, x) => expect(world.item[v]).toBe(x));
    expect(createPairSumWorld(0, 16)).toEqual(world);
    expect(createPairSumWorld(1, 16)).not.toEqual(world);
  });

  it('has one right pair per item, and accepts any of them', () => {
    const family = pairSum();
    const { names, value } = family.world;
    const right = family.rightAnswers!('S5');
    expect(new Set(right).size).toBe(16);
    for (const answer of right) {
      const [x, y] = [answer.slice(0, 2), answer.slice(2)].map((name) => names.indexOf(name));
      expect((value[x] + value[y]) % 16).toBe(5);
      expect(family.isCorrect('S5', answer)).toBe(true);
    }
    expect(family.isCorrect('S5', right[0].slice(0, 2) + right[1].slice(2))).toBe(false);
    expect(family.rightAnswers!(`V${names[0]}`)).toEqual([String(value[0])]);
  });

  it('samples among m fixed right answers, the same draws for the same seed', () => {
    const draws = (options: Parameters<typeof pairSum>[0]) => {
      const family = pairSum(options);
      return Array.from(
        { length: 200 },
        () => runDecomposition(family.decompose('S5'), (sub) => family.oracle(sub)).answer,
      );
    };
    const single = draws({});
    expect(new Set(single)).toEqual(new Set([pairSum().oracle('S5')]));
    for (const m of [4, 16]) {
      const family = pairSum({ expertModes: m });
      const answers = draws({ expertModes: m });
      expect(new Set(answers)).toEqual(new Set(family.expertAnswers!('S5')));
      expect(family.expertAnswers!('S5')).toHaveLength(m);
      expect(family.expertAnswers!('S5')[0]).toBe(family.oracle('S5'));
      expect(draws({ expertModes: m })).toEqual(answers);
    }
    expect(draws({ expertModes: 4, expertSeed: 1 })).not.toEqual(draws({ expertModes: 4 }));
    expect(() => pairSum({ expertModes: 17 })).toThrow(/expertModes/);
  });

  it('checks the plan of any of the expert’s items, and any right pair as the answer', () => {
    const family = pairSum({ expertModes: 4 });
    const { names, value, item } = family.world;
    const [, other] = family.expertAnswers!('S5');
    const x = other.slice(0, 2);
    const outside = names.find((name) =>
      family.expertAnswers!('S5').every((answer) => !answer.startsWith(name)),
    )!;
    expect(family.checkStep(step('S5', 'subquestion', `V${x}`)).rating).toBe(1);
    expect(family.checkStep(step('S5', 'subquestion', `V${outside}`)).rating).toBe(-1);
    const a = value[names.indexOf(x)];
    const rest = (5 - a + 16) % 16;
    const asked = [{ kind: 'subquestion' as const, text: `V${x}`, answer: String(a) }];
    expect(family.checkStep(step('S5', 'subquestion', `I${rest}`, asked)).rating).toBe(1);
    expect(family.checkStep(step('S5', 'subquestion', `I${(rest + 1) % 16}`, asked))).toMatchObject(
      { rating: -1, expected: `I${rest}` },
    );
    const plan = [
      ...asked,
      { kind: 'subquestion' as const, text: `I${rest}`, answer: names[item[rest]] },
    ];
    expect(family.checkStep(step('S5', 'answer', other, plan)).rating).toBe(1);
    // Another right pair than the plan's is right too: checking one is two facts and a sum.
    const elsewhere = family.rightAnswers!('S5').find((answer) => !answer.startsWith(x))!;
    expect(family.checkStep(step('S5', 'answer', elsewhere, plan)).rating).toBe(1);
    // A wrong pair is corrected to the right pair with the same first item.
    const wrong = elsewhere.slice(0, 2) + other.slice(2);
    expect(family.checkStep(step('S5', 'answer', wrong, plan))).toMatchObject({
      rating: -1,
      expected: elsewhere,
    });
    expect(family.checkStep(step('S5', 'answer', other)).rating).toBe(0);
  });
});
