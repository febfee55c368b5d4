import { describe, expect, it } from 'vitest';
import { Gpt } from '../model/gpt.ts';
import { loadKernels } from '../model/kernels.ts';
import { AdamW } from '../model/optimizer.ts';
import { Tokenizer } from '../model/tokenizer.ts';
import { addition } from '../tasks/addition.ts';
import { imitation } from './imitation.ts';
import { evaluateExactMatch } from './supervised.ts';

const family = addition({ maxDigits: 1 });
const pairs = family.supervised({ seed: 1, count: 64, split: 'train', difficulty: 1 });

function fresh() {
  return Gpt.create({
    tokenizer: new Tokenizer(family.alphabet),
    kernels: loadKernels('auto'),
    seed: 2,
    config: { layers: 1, heads: 2, width: 32, contextLength: 8 },
  });
}

describe('imitation', () => {
  it('fine-tunes on prompt → completion pairs through the supervised machinery', async () => {
    const model = fresh();
    const before = evaluateExactMatch(model, pairs).exactMatch;
    const reports: number[] = [];
    const result = await imitation({ steps: 150, learningRate: 3e-3, batchSize: 32 }).train({
      model,
      seed: 1,
      examples: pairs,
      onUpdate: (report) => reports.push(report.update),
    });
    expect(result.trainer).toEqual(
      imitation({ steps: 150, learningRate: 3e-3, batchSize: 32 }).reference,
    );
    expect(reports).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    expect(result.updates.at(-1)!.loss).toBeLessThan(result.updates[0].loss / 2);
    expect(evaluateExactMatch(model, pairs).exactMatch).toBeGreaterThan(before + 0.3);
    expect(result.optimizer.step).toBe(150);
  });

  it('continues a given optimiser instead of starting a fresh one', async () => {
    const model = fresh();
    const optimizer = new AdamW(model.kernels, model.shape, { totalSteps: 20 });
    optimizer.step = 5;
    const result = await imitation({ steps: 3 }).train({
      model,
      seed: 1,
      examples: pairs,
      optimizer,
    });
    expect(result.optimizer).toBe(optimizer);
    expect(optimizer.step).toBe(8);
    expect(result.updates.map((report) => report.update)).toEqual([1, 2, 3]);
  });

  it('learns only approved amplified answers unless told to clone every one', () => {
    expect(imitation().checkedExamples).toBe(true);
    const cloning = imitation({ approvedOnly: false });
    expect(cloning.checkedExamples).toBe(false);
    expect(cloning.reference.options.approvedOnly).toBe(false);
  });
});
