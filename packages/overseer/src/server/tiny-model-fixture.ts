/**
 * Test fixture: a small embedded checkpoint trained on `addition` in a few seconds, so the HTTP
 * tests run a real model behind a real server. Seeded: the same steps give the same weights.
 * `tinyAdditionCheckpoint` trains once per machine and code version of this fixture and reuses
 * the folder (saved atomically, so a test file running in parallel sees all of it or none).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Gpt } from '../model/gpt.ts';
import { loadKernels } from '../model/kernels.ts';
import { AdamW } from '../model/optimizer.ts';
import { Tokenizer } from '../model/tokenizer.ts';
import { getFamily } from '../tasks/registry.ts';
import { trainSupervised } from '../training/supervised.ts';
import { fileExists } from '../util/file-exists.ts';

/** Bump when the recipe below changes, so stale cached checkpoints are not reused. */
const RECIPE_VERSION = 1;

/** Trains a 2-layer addition model (context 64) for `steps` steps and saves it in `directory`. */
export async function trainTinyAddition(
  directory: string,
  options: { steps?: number; seed?: number } = {},
): Promise<{ model: Gpt; exactMatch: number }> {
  const steps = options.steps ?? 600;
  const seed = options.seed ?? 1;
  const family = getFamily('addition');
  const kernels = loadKernels('auto');
  const model = Gpt.create({
    tokenizer: new Tokenizer(family.alphabet),
    kernels,
    seed,
    config: { layers: 2, heads: 4, width: 64, contextLength: 64 },
  });
  const optimizer = new AdamW(kernels, model.shape, {
    learningRate: 3e-3,
    warmupSteps: 50,
    totalSteps: steps,
  });
  const result = await trainSupervised({
    model,
    optimizer,
    train: family.supervised({ seed, count: 5000, split: 'train' }),
    test: family.supervised({ seed, count: 100, split: 'test' }),
    steps,
    seed,
    progress: false,
    checkpoint: { directory, task: family.name },
  });
  return { model, exactMatch: result.evaluation?.exactMatch ?? 0 };
}

/** The cached tiny checkpoint's folder, training it first when it is missing. */
export async function tinyAdditionCheckpoint(steps = 600): Promise<string> {
  const directory = join(tmpdir(), `overseer-tiny-addition-r${RECIPE_VERSION}-s${steps}`);
  if (!(await fileExists(join(directory, 'config.json')))) {
    await trainTinyAddition(directory, { steps });
  }
  return directory;
}
