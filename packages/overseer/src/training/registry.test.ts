import { describe, expect, it } from 'vitest';
import { Gpt } from '../model/gpt.ts';
import { loadKernels } from '../model/kernels.ts';
import { Tokenizer } from '../model/tokenizer.ts';
import { addition } from '../tasks/addition.ts';
import { createTrainer, listTrainers } from './registry.ts';
import { questionTask } from './task.ts';

const model = Gpt.create({
  tokenizer: new Tokenizer('0123456789+=\n:'),
  kernels: loadKernels('auto'),
  seed: 1,
  config: { layers: 1, heads: 2, width: 16, contextLength: 16 },
});

describe('trainer registry', () => {
  it('lists the five trainers', () => {
    expect(listTrainers().map((entry) => entry.name)).toEqual([
      'imitation',
      'process-rl',
      'outcome-rl',
      'expert-iteration',
      'on-policy-distillation',
    ]);
  });

  it('takes a credit horizon in steps, and rejects one below a step', () => {
    const trainer = createTrainer({ name: 'outcome-rl', options: { horizon: 4 } });
    expect(trainer.reference.options).toMatchObject({ horizon: 4, credit: 'full-horizon' });
    expect(() => createTrainer({ name: 'outcome-rl', options: { horizon: 0 } })).toThrow(/horizon/);
  });

  it('fills every default into the recorded reference, so a run can be replayed', () => {
    const processTrainer = createTrainer({ name: 'process-rl', options: { groupSize: 4 } });
    expect(processTrainer.reference.name).toBe('process-rl');
    expect(processTrainer.reference.options).toMatchObject({
      lambda: 0,
      credit: 'myopic',
      groupSize: 4,
    });
    const outcomeTrainer = createTrainer({ name: 'outcome-rl' });
    expect(outcomeTrainer.reference.options).toMatchObject({ lambda: 1, credit: 'full-horizon' });
    const replayed = createTrainer(processTrainer.reference);
    expect(replayed.reference).toEqual(processTrainer.reference);
    expect(createTrainer({ name: 'expert-iteration' }).reference.options).toMatchObject({
      lambda: 0,
    });
    expect(createTrainer({ name: 'imitation' }).reference.options).toMatchObject({ steps: 200 });
  });

  it('lets either RL trainer be turned by the dial', () => {
    const mixed = createTrainer({ name: 'outcome-rl', options: { lambda: 0.3, credit: 'myopic' } });
    expect(mixed.reference.options).toMatchObject({ lambda: 0.3, credit: 'myopic' });
  });

  it('names unknown trainers and bad options', () => {
    expect(() => createTrainer({ name: 'ppo' })).toThrow(/Unknown trainer "ppo"/);
    expect(() => createTrainer({ name: 'process-rl', options: { lamda: 0.5 } })).toThrow(
      /Bad options for trainer process-rl: .*"lamda"/,
    );
    expect(() => createTrainer({ name: 'outcome-rl', options: { lambda: 2 } })).toThrow(/lambda/);
  });
});

describe('what trainers need from the context', () => {
  const family = addition({ maxDigits: 1 });
  const task = questionTask(
    family,
    family.generate({ seed: 1, count: 2, split: 'train', difficulty: 1 }),
  );

  it('process-based training needs an overseer unless λ = 1', async () => {
    await expect(
      createTrainer({ name: 'process-rl' }).train({ model, seed: 1, task }),
    ).rejects.toThrow(/needs an overseer/);
    await expect(
      createTrainer({ name: 'expert-iteration' }).train({ model, seed: 1, task }),
    ).rejects.toThrow(/needs one/);
  });

  it('RL needs a task and imitation needs pairs', async () => {
    await expect(createTrainer({ name: 'outcome-rl' }).train({ model, seed: 1 })).rejects.toThrow(
      /outcome-rl needs task/,
    );
    await expect(createTrainer({ name: 'imitation' }).train({ model, seed: 1 })).rejects.toThrow(
      /imitation needs examples/,
    );
    await expect(
      createTrainer({ name: 'imitation' }).train({ model, seed: 1, examples: [] }),
    ).rejects.toThrow(/no pairs/);
  });
});
