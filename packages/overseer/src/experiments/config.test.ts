import { defaultGptConfig } from '../model/gpt.ts';
import { nonEmbeddingParameterCount } from '../model/compute.ts';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isOverseerError } from '../errors.ts';
import { listFamilies } from '../tasks/registry.ts';
import {
  applyOverrides,
  armParameters,
  expandArms,
  formatPath,
  mergePatch,
  parseExperiment,
  parseExperimentFile,
  registryCatalog,
} from './config.ts';
import type { ExperimentFile, OptionCatalog } from './config.ts';
import { isControlDocument, parseControlExperiment, readYamlDocument } from './control/config.ts';
import { paperProtocols } from './control/protocols.ts';
import {
  isJudgeVsWriterDocument,
  parseJudgeVsWriterExperiment,
  reviewArmName,
} from './review/config.ts';
import { metricSubtlety, subtletyMetric } from './config/schema.ts';

const examples = fileURLToPath(new URL('../../../../examples/', import.meta.url));

/** A catalog with typed trainer options, as the training registry will provide. */
const catalog: OptionCatalog = {
  trainer: {
    imitation: z.strictObject({ lr: z.number().default(0.001) }),
    'process-rl': z.strictObject({ lr: z.number().default(0.0003), kl: z.number().optional() }),
    'outcome-rl': null,
  },
};

const base = `name: demo
task: { name: addition, options: { maxDigits: 3 } }
scaffold: { name: chain-of-thought }
overseer: { name: program }
trainer: { name: imitation, options: { lr: 0.01 } }
stepsPerRound: 100
`;

/** The message of the OverseerError `run` throws (fails the test if it does not throw one). */
function problemsOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(isOverseerError(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected an OverseerError');
}

function parse(text: string, options = { catalog }): ExperimentFile {
  return parseExperiment(text, 'demo.yaml', options);
}

describe('examples/', () => {
  it('parses every example with the built-in registries and expands its arms', async () => {
    const files = (await readdir(examples)).filter((file) => file.endsWith('.yaml'));
    expect(files.sort()).toEqual([
      'control.yaml',
      'distillation.yaml',
      'frontier.yaml',
      'gaps.yaml',
      'ida.yaml',
      'judge-vs-writer.yaml',
      'quickstart.yaml',
      'small-rl-vs-big-imitation.yaml',
      'tampering.yaml',
      'trace-error.yaml',
      'trojans.yaml',
    ]);
    const arms: Record<string, string[]> = {};
    for (const file of files) {
      const document = await readYamlDocument(join(examples, file));
      if (isControlDocument(document)) {
        // A control experiment's arms are its protocols (experiments/control/config.ts).
        arms[`${file}/control`] = parseControlExperiment(document, file).protocols.map(
          (protocol) => protocol.name,
        );
        continue;
      }
      if (isJudgeVsWriterDocument(document)) {
        // A judge-vs-writer experiment's arms are its review kinds at each width.
        const experiment = parseJudgeVsWriterExperiment(document, file);
        arms[`${file}/${experiment.name}`] = experiment.widths.flatMap((width) =>
          experiment.reviews.map((review) => reviewArmName(review, width)),
        );
        continue;
      }
      const parsed = await parseExperimentFile(join(examples, file));
      for (const experiment of parsed.experiments) {
        arms[`${file}/${experiment.name}`] = expandArms(experiment).map((arm) => arm.name);
      }
    }
    const ida = ['supervised', 'ida-imitation', 'ida-process-rl'];
    for (const family of [
      'permutation-powering',
      'sequential-assignments',
      'wildcard-search',
      'shortest-path',
      'union-find',
    ]) {
      expect(arms[`ida.yaml/ida-${family}`]).toEqual(ida);
    }
    expect(arms['tampering.yaml/tampering']).toEqual([
      'outcome-rl',
      'process-rl',
      'dial-0.25',
      'dial-0.5',
      'dial-0.75',
      'horizon-dial-0.25',
      'horizon-dial-0.5',
      'horizon-dial-0.75',
      'process-rl@approvalNoise=0.01',
      'process-rl@approvalNoise=0.1',
      'process-rl@approvalNoise=0.5',
    ]);
    // The paper's protocols, each an arm (their names are pinned in control/protocols.test.ts).
    expect(arms['control.yaml/control']).toEqual(paperProtocols().map(({ name }) => name));
    expect(arms['judge-vs-writer.yaml/judge-vs-writer']).toEqual([
      'snap-review-w32',
      'hch-review-w32',
      'snap-review-w64',
      'hch-review-w64',
      'snap-review-w128',
      'hch-review-w128',
    ]);
    expect(arms['trace-error.yaml/trace-error']).toEqual(['outcome-rl', 'process-rl']);
    expect(arms['gaps.yaml/gaps']).toEqual([
      'snap-w64',
      'cot-w64',
      'decompose-w64',
      'tools-w64',
      'snap-w128',
      'cot-w128',
      'decompose-w128',
      'tools-w128',
    ]);
    expect(arms['trojans.yaml/trojans']).toEqual([
      'outcome-rl',
      'process-rl',
      'process-rl-lines',
      'dial-0.25',
      'dial-0.5',
      'dial-0.75',
    ]);
    const distillers = [
      'imitation',
      'behaviour-cloning',
      'on-policy-distillation',
      'process-rl',
      'expert-iteration',
      'sft-then-process-rl',
      'group-pg',
    ];
    expect(arms['distillation.yaml/noisy-expert']).toEqual(
      ['', '@epsilon=0.3', '@miss=0.05', '@epsilon=0.3,miss=0.05'].flatMap((point) =>
        distillers.map((arm) => arm + point),
      ),
    );
    const multimodal = [
      'imitation',
      'process-rl',
      'expert-iteration',
      'sft-then-process-rl',
      'group-pg',
      'on-policy-distillation',
    ];
    // One sweep: the arms at the file's point, then each arm at the sweep's other points.
    const swept = (points: string[]) => [
      ...multimodal,
      ...multimodal.flatMap((arm) => points.map((point) => `${arm}@${point}`)),
    ];
    expect(arms['distillation.yaml/multimodal-expert']).toEqual(swept(['m=4', 'm=16']));
    expect(arms['distillation.yaml/capacity-gap']).toEqual(swept(['width=64', 'width=128']));
    expect(arms['quickstart.yaml/ida']).toEqual(ida);
    expect(arms['quickstart.yaml/tampering']).toEqual(['outcome-rl', 'process-rl']);
    for (const experiment of ['clean-expert', 'noisy-expert']) {
      expect(arms[`small-rl-vs-big-imitation.yaml/${experiment}`]).toEqual([
        'small-process-rl',
        'big-imitation',
        'small-imitation',
      ]);
    }
    expect(arms['frontier.yaml/frontier']).toEqual([
      'lambda-0-h1',
      'lambda-1',
      'lambda-0.5-h4',
      'lambda-0.35',
      'current-reward-function',
      'decoupled-approval',
      'lambda-0',
      'lambda-0.5',
      'lambda-0.2',
    ]);
  });

  it('gives small-rl-vs-big-imitation a student 8–10× larger in non-embedding parameters', async () => {
    const { experiments } = await parseExperimentFile(
      join(examples, 'small-rl-vs-big-imitation.yaml'),
    );
    for (const experiment of experiments) {
      const arms = expandArms(experiment);
      const size = (name: string) => {
        const { model } = arms.find((arm) => arm.name === name)!.config;
        // The vocabulary only sizes the embeddings, which N leaves out.
        return nonEmbeddingParameterCount({ vocabSize: 1, ...model });
      };
      const ratio = size('big-imitation') / size('small-process-rl');
      expect(ratio).toBeGreaterThanOrEqual(8);
      expect(ratio).toBeLessThanOrEqual(10);
    }
  });

  it('gives quickstart the headline metrics npm start reports', async () => {
    const { experiments } = await parseExperimentFile(join(examples, 'quickstart.yaml'));
    expect(experiments.map((experiment) => [experiment.name, experiment.metrics])).toEqual([
      ['ida', ['accuracy', 'expertCalls']],
      ['tampering', ['hackRate', 'intendedRate', 'trueReturn']],
    ]);
    const [supervised] = expandArms(experiments[0]);
    // Options stay as written; the family records its resolved options when the loop builds it.
    expect(supervised.config.task.options).toEqual({ size: 4, maxBits: 3 });
    expect(supervised.config.labels).toBe('ground-truth');
    expect(supervised.config.evaluation.scaffold).toEqual({ name: 'snap', options: {} });
  });

  it('knows an options schema for every registered task family', () => {
    const tasks = registryCatalog().task ?? {};
    for (const { name } of listFamilies()) expect(tasks[name], name).toBeInstanceOf(z.ZodType);
  });
});

describe('parseExperiment', () => {
  it('fills every default explicitly', () => {
    const [arm] = expandArms(parse(base).experiments[0], { catalog });
    expect(arm.name).toBe('base');
    expect(arm.config).toEqual({
      task: { name: 'addition', options: { maxDigits: 3 } },
      model: { ...defaultGptConfig },
      scaffold: { name: 'chain-of-thought', options: {} },
      overseer: { name: 'program', options: {} },
      trainer: { name: 'imitation', options: { lr: 0.01 } },
      pretrain: {
        steps: 0,
        trainer: { name: 'imitation', options: {} },
        demonstrations: { name: 'exact', options: {} },
      },
      labels: 'amplified',
      lambda: 0,
      credit: 'myopic',
      gamma: 1,
      rounds: 1,
      stepsPerRound: 100,
      evaluation: {
        size: 200,
        split: 'test',
        every: 0,
        scaffold: { name: 'chain-of-thought', options: {} },
      },
      recordRollouts: { every: 13 },
    });
    const experiment = parse(base).experiments[0];
    expect([experiment.seeds, experiment.metrics, experiment.description]).toEqual([
      [1],
      ['accuracy'],
      '',
    ]);
  });

  it('names the file, line, key path and types of a wrong value in an arm', () => {
    const text = `${base}arms:\n  - name: a\n  - name: b\n    trainer:\n      options: { lr: fast }\n`;
    const message = problemsOf(() => parse(text));
    expect(message).toContain(
      'demo.yaml:11:18: arms[1].trainer.options.lr: expected number, got string "fast"',
    );
  });

  it('names unknown keys with a suggestion, wherever they are', () => {
    const text = `${base}lamda: 0.5\nmodel: { widht: 32 }\narms:\n  - name: a\n    overseer: { name: program, option: {} }\n`;
    const message = problemsOf(() => parse(text));
    expect(message).toContain('demo.yaml:7:1: lamda: unknown key — did you mean "lambda"?');
    expect(message).toContain('demo.yaml:8:10: model.widht: unknown key — did you mean "width"?');
    expect(message).toContain('arms[0].overseer.option: unknown key — did you mean "options"?');
    expect(message).toMatch(/Invalid experiment file demo\.yaml \(3 problems\)/);
  });

  it('reports a problem of the shared base once, at the base', () => {
    const text = `${base.replace('stepsPerRound: 100', 'stepsPerRound: many')}arms:\n  - name: a\n  - name: b\n`;
    const message = problemsOf(() => parse(text));
    expect(message).toContain('demo.yaml:6:1: stepsPerRound: expected number, got string "many"');
    expect(message).toContain('(1 problem)');
  });

  it('says where to set a required key that nobody set', () => {
    const text = base.replace(/trainer:.*\n/, '') + 'arms:\n  - name: a\n';
    expect(problemsOf(() => parse(text))).toContain(
      'demo.yaml:7:5: arms[0]: trainer: required — set it in the experiment (shared by every arm) or in this arm',
    );
  });

  it('checks ranges, enums and model shape', () => {
    const text = `${base}lambda: 1.5\ncredit: greedy\nmodel: { width: 30, heads: 4 }\nseeds: [1, 1]\nmetrics: [accuracy, hackrate]\n`;
    const message = problemsOf(() => parse(text));
    expect(message).toContain('lambda: expected a number ≤ 1, got number 1.5');
    expect(message).toContain(
      'credit: expected one of "myopic", "full-horizon", got string "greedy"',
    );
    expect(message).toContain('model.width: width 30 is not a multiple of heads 4');
    expect(message).toContain('seeds[1]: seed 1 is listed twice');
    expect(message).toContain('metrics[1]: expected one of "accuracy"');
  });

  it('takes accuracy at a difficulty as accuracy@d<N>, and nothing looser', () => {
    const metrics = (list: string) => `${base}metrics: [${list}]\narms:\n  - name: a\n`;
    expect(parse(metrics('accuracy, accuracy@d1, accuracy@d12')).experiments[0].metrics).toEqual([
      'accuracy',
      'accuracy@d1',
      'accuracy@d12',
    ]);
    for (const bad of [
      'accuracy@d0',
      'accuracy@d01',
      'accuracy@d',
      'accuracy@d2x',
      'accuracy@D2',
    ]) {
      expect(problemsOf(() => parse(metrics(bad)))).toContain(
        `metrics[0]: expected one of "accuracy"`,
      );
      expect(problemsOf(() => parse(metrics(bad)))).toContain(`got "${bad}"`);
    }
  });

  it('takes a review metric at an attack subtlety as <metric>@s<N>, and nothing looser', () => {
    const metrics = (list: string) => `${base}metrics: [${list}]\narms:\n  - name: a\n`;
    const good = 'writerAccuracy, reviewAuroc, reviewAuroc@s1, catchAt1pct@s4, catchAt2pct@s12';
    expect(parse(metrics(good)).experiments[0].metrics).toEqual(good.split(', '));
    for (const bad of ['reviewAuroc@s0', 'reviewAuroc@s01', 'accuracy@s2', 'catchAt2pct@d2']) {
      expect(problemsOf(() => parse(metrics(bad)))).toContain(`got "${bad}"`);
    }
    expect(subtletyMetric('catchAt2pct', 3)).toBe('catchAt2pct@s3');
    expect(metricSubtlety('reviewAuroc@s12')).toEqual({ metric: 'reviewAuroc', subtlety: 12 });
    expect(metricSubtlety('accuracy@d3')).toBeUndefined();
  });

  it('refuses experiment-wide keys inside an arm, and dial keys inside trainer options', () => {
    const text = `${base}arms:\n  - name: a\n    seeds: [2]\n  - name: b\n    trainer: { options: { lambda: 0.5 } }\n`;
    const message = problemsOf(() => parse(text));
    expect(message).toContain(
      'arms[0].seeds: seeds belongs to the whole experiment, not to one arm',
    );
    expect(message).toContain(
      "arms[1].trainer.options.lambda: the loop sets the trainer's `lambda` from `lambda`: set that instead",
    );
  });

  it('checks an arm’s outcome environment by name and options', () => {
    const withOutcomes = { catalog: { ...catalog, outcome: registryCatalog().outcome } };
    const named = (outcome: string) =>
      problemsOf(() => parse(`${base}outcome: ${outcome}\n`, withOutcomes));
    expect(named('{ name: trojan-code-test }')).toContain(
      'outcome.name: unknown outcome "trojan-code-test" — did you mean "trojan-code-tests"?',
    );
    expect(named('{ name: trojan-code-tests, options: { trigger: 1 } }')).toContain(
      'outcome.options.trigger: unknown key',
    );
    const [arm] = expandArms(
      parse(`${base}outcome: { name: trojan-code-tests }\n`, withOutcomes).experiments[0],
      withOutcomes,
    );
    expect(arm.config.outcome).toEqual({ name: 'trojan-code-tests', options: {} });
  });

  it('keeps an evaluation temperature and a token budget when given, and leaves them out otherwise', () => {
    const [given] = expandArms(
      parse(`${base}answerTokens: 56\nevaluation: { size: 10, temperature: 1 }\n`).experiments[0],
      { catalog },
    );
    expect(given.config.evaluation.temperature).toBe(1);
    expect(given.config.answerTokens).toBe(56);
    const [plain] = expandArms(parse(base).experiments[0], { catalog });
    expect(plain.config.evaluation).not.toHaveProperty('temperature');
    expect(plain.config).not.toHaveProperty('answerTokens');
    expect(problemsOf(() => parse(`${base}evaluation: { temperature: -1 }\n`))).toContain(
      'evaluation.temperature',
    );
  });

  it('checks registry names and options against the catalog', () => {
    const withTasks = { catalog: { ...catalog, ...registryCatalog() } };
    const text = base
      .replace('name: addition, options: { maxDigits: 3 }', 'name: adition')
      .replace('name: imitation', 'name: imitaton');
    const message = problemsOf(() => parse(text, withTasks));
    expect(message).toContain('task.name: unknown task "adition" — did you mean "addition"?');
    expect(message).toContain(
      'trainer.name: unknown trainer "imitaton" — did you mean "imitation"?',
    );
    const options = problemsOf(() =>
      parse(base.replace('maxDigits: 3', 'maxDigits: 3, digits: 2'), withTasks),
    );
    expect(options).toContain(
      'task.options.digits: unknown key (expected one of: worldSeed, maxDigits, testFraction, traceColumns)',
    );
  });

  it("takes λ, credit and γ from the trainer's own defaults when the arm leaves them out", () => {
    const text = `${base}arms:\n  - name: outcome\n    trainer: { name: outcome-rl }\n  - name: mixed\n    trainer: { name: outcome-rl }\n    lambda: 0.5\n`;
    const [outcome, mixed] = expandArms(parse(text).experiments[0], { catalog });
    expect([outcome.config.lambda, outcome.config.credit, outcome.config.gamma]).toEqual([
      1,
      'full-horizon',
      1,
    ]);
    expect([mixed.config.lambda, mixed.config.credit]).toEqual([0.5, 'full-horizon']);
  });

  it('records rollouts about eight updates a round unless told how often, strictly', () => {
    const text = `${base}arms:\n  - name: a\n    stepsPerRound: 50\n  - name: b\n    stepsPerRound: 3\n  - name: c\n    recordRollouts: { every: 0 }\n`;
    const arms = expandArms(parse(text).experiments[0], { catalog });
    expect(arms.map((arm) => arm.config.recordRollouts.every)).toEqual([7, 1, 0]);
    const message = problemsOf(() => parse(`${base}recordRollouts: { every: -1, evry: 2 }\n`));
    expect(message).toContain('recordRollouts.every: expected a number ≥ 0, got number -1');
    expect(message).toContain('recordRollouts.evry: unknown key — did you mean "every"?');
  });

  it('checks trainer options with the training registry, keeping the keys the loop sets apart', () => {
    const text = base.replace(
      'trainer: { name: imitation, options: { lr: 0.01 } }',
      'trainer: { name: process-rl, options: { groupSize: eight, updates: 5 } }',
    );
    const message = problemsOf(() => parse(text, { catalog: registryCatalog() }));
    expect(message).toContain('trainer.options.groupSize: expected number, got string "eight"');
    expect(message).toContain(
      "trainer.options.updates: the loop sets the trainer's `updates` from `stepsPerRound`: set that instead",
    );
    expect(message).not.toContain('unknown key');
  });

  it('reports YAML syntax errors with their line', () => {
    const message = problemsOf(() => parse('name: a\nname: b\n'));
    expect(message).toContain('demo.yaml:2:1: Map keys must be unique');
    expect(problemsOf(() => parse('- 1\n- 2\n'))).toContain(
      'expected a mapping of experiment keys',
    );
  });

  it('rejects a missing file with a hint', async () => {
    await expect(parseExperimentFile(join(examples, 'nope.yaml'))).rejects.toMatchObject({
      code: 'config.unreadable',
    });
  });
});

describe('arms', () => {
  it('merge over the base as a JSON merge patch', () => {
    const text = `${base}model: { layers: 3 }
arms:
  - name: deeper
    description: one more layer, same width
    model: { layers: 4 }
  - name: rl
    trainer: { name: process-rl }
    task: { difficulty: [1, 2] }
  - name: default-lr
    trainer: { options: null }
    model: null
`;
    const [deeper, rl, defaultLr] = expandArms(parse(text).experiments[0], { catalog });
    expect(deeper.description).toBe('one more layer, same width');
    expect(deeper.config.model).toMatchObject({ layers: 4, width: defaultGptConfig.width });
    // A new trainer name keeps the base's options (process-rl accepts lr too).
    expect(rl.config.trainer).toEqual({ name: 'process-rl', options: { lr: 0.01 } });
    expect(rl.config.task).toEqual({
      name: 'addition',
      options: { maxDigits: 3 },
      difficulty: [1, 2],
    });
    // null removes the key, so its default applies.
    expect(defaultLr.config.trainer.options).toEqual({});
    expect(defaultLr.config.model.layers).toBe(2);
  });

  it('refuse duplicate and malformed names', () => {
    const message = problemsOf(() =>
      parse(`${base}arms:\n  - name: a\n  - name: a\n  - name: Big Arm\n  - description: x\n`),
    );
    expect(message).toContain('arms[1].name: arm "a" is declared twice');
    expect(message).toContain('arms[2].name: expected lower-case letters');
    expect(message).toContain('arms[3].name: required');
  });

  it('expose their distinguishing parameters', () => {
    const text = `${base.replace('name: program', 'name: program, options: { noise: 0.5 }')}lambda: 0.25\n`;
    const [arm] = expandArms(parse(text).experiments[0], { catalog });
    expect(armParameters(arm)).toEqual({
      lambda: 0.25,
      flipProbability: 0,
      approvalNoise: 0.5,
      credit: 'myopic',
      gamma: 1,
      trainer: 'imitation',
      labels: 'amplified',
    });
  });
});

describe('sweeps', () => {
  const arms = `arms:\n  - name: outcome\n    lambda: 1\n  - name: process\n`;

  it('add a copy of each targeted arm per value, skipping the value it already has', () => {
    const text = `${base}${arms}sweeps:
  - key: lambda
    values: [0, 0.5]
    arms: [process]
  - name: noise
    key: overseer.options.noise
    values: [0.1]
`;
    const expanded = expandArms(parse(text).experiments[0], { catalog });
    expect(expanded.map((arm) => arm.name)).toEqual([
      'outcome',
      'process',
      'process@lambda=0.5',
      'outcome@noise=0.1',
      'process@noise=0.1',
      'process@lambda=0.5,noise=0.1',
    ]);
    const last = expanded[5];
    expect(last.declared).toBe('process');
    expect(last.sweep).toEqual({ lambda: 0.5, noise: 0.1 });
    expect(last.config.lambda).toBe(0.5);
    expect(last.config.overseer.options).toEqual({ noise: 0.1 });
    expect(armParameters(last)).toMatchObject({ lambda: 0.5, approvalNoise: 0.1 });
  });

  it('point problems at the sweep that caused them', () => {
    const badValue = `${base}${arms}sweeps:\n  - key: lambda\n    values: [0.5, 2]\n`;
    expect(problemsOf(() => parse(badValue))).toContain(
      'demo.yaml:13:19: sweeps[0].values[1]: (lambda) expected a number ≤ 1, got number 2',
    );
    const badKey = `${base}${arms}sweeps:\n  - key: overseer.option.noise\n    values: [1]\n`;
    expect(problemsOf(() => parse(badKey))).toContain(
      'sweeps[0].key: overseer.option: unknown key — did you mean "options"?',
    );
    const notAnArmKey = `${base}${arms}sweeps:\n  - key: seeds\n    values: [1]\n`;
    expect(problemsOf(() => parse(notAnArmKey))).toContain(
      'sweeps[0].key: "seeds" is not a key an arm can vary',
    );
    const noArm = `${base}${arms}sweeps:\n  - key: lambda\n    values: [0.5]\n    arms: [procss]\n`;
    expect(problemsOf(() => parse(noArm))).toContain(
      'sweeps[0].arms[0]: no arm "procss" before this sweep (arms: outcome, process)',
    );
  });
});

describe('files with several experiments', () => {
  const file = `defaults:
  scaffold: { name: snap }
  overseer: { name: program }
  trainer: { name: imitation }
  stepsPerRound: 10
  metrics: [accuracy]
  arms:
    - name: a
    - name: b
      lambda: 0.5
experiments:
  - name: first
    task: { name: addition }
  - name: second
    task: { name: union-find }
    stepsPerRound: 20
    arms:
      - name: only
`;

  it('merge each experiment over the defaults, arms included', () => {
    const { experiments } = parse(file);
    expect(experiments.map((experiment) => experiment.name)).toEqual(['first', 'second']);
    const first = expandArms(experiments[0], { catalog });
    expect(first.map((arm) => [arm.name, arm.config.lambda, arm.config.stepsPerRound])).toEqual([
      ['a', 0, 10],
      ['b', 0.5, 10],
    ]);
    const second = expandArms(experiments[1], { catalog });
    expect(second.map((arm) => [arm.name, arm.config.task.name, arm.config.stepsPerRound])).toEqual(
      [['only', 'union-find', 20]],
    );
  });

  it('attribute problems to the defaults or to the experiment', () => {
    const broken = file
      .replace('lambda: 0.5', 'lambda: half')
      .replace('stepsPerRound: 20', 'stepsPerRound: -1')
      .replace('  - name: first', '  - name: second');
    const message = problemsOf(() => parse(broken));
    expect(message).toContain(
      'demo.yaml:10:7: defaults.arms[1].lambda: expected number, got string "half"',
    );
    expect(message).toContain('experiments[1].name: experiment "second" is named twice');
    const steps = problemsOf(() => parse(file.replace('stepsPerRound: 20', 'stepsPerRound: -1')));
    expect(steps).toContain('experiments[1].stepsPerRound: expected a number ≥ 1, got number -1');
  });

  it('allow only defaults and experiments beside each other', () => {
    expect(problemsOf(() => parse(`name: x\n${file}`))).toContain(
      'name: unknown key: a file with `experiments:` holds only `defaults` and `experiments`',
    );
  });
});

describe('applyOverrides', () => {
  const experiment = () => parse(`${base}seeds: [1, 2, 3]\n`).experiments[0];

  it('replaces the seeds and sets keys on every arm', () => {
    const overridden = applyOverrides(
      experiment(),
      { seed: 7, set: ['rounds=2', 'trainer.options.lr=0.5', 'credit=full-horizon'] },
      { catalog },
    );
    expect(overridden.seeds).toEqual([7]);
    const [arm] = expandArms(overridden, { catalog });
    expect([arm.config.rounds, arm.config.trainer.options.lr, arm.config.credit]).toEqual([
      2,
      0.5,
      'full-horizon',
    ]);
    expect(experiment().seeds).toEqual([1, 2, 3]);
  });

  it('names the flag when an override is wrong', () => {
    expect(
      problemsOf(() => applyOverrides(experiment(), { set: ['rounds=zero'] }, { catalog })),
    ).toContain('--set rounds: expected number, got string "zero"');
    expect(
      problemsOf(() => applyOverrides(experiment(), { set: ['rounds'] }, { catalog })),
    ).toContain('expected key.path=value, got "rounds"');
    expect(problemsOf(() => applyOverrides(experiment(), { seed: -1 }, { catalog }))).toContain(
      '--seed: expected a whole number',
    );
  });
});

describe('command-line and inherited problems', () => {
  const experiment = () => parse(`${base}seeds: [1, 2, 3]\n`).experiments[0];

  it('suggests the key an unknown --set meant, under a lead naming the flags', () => {
    const message = problemsOf(() =>
      applyOverrides(experiment(), { set: ['roundz=1'] }, { catalog }),
    );
    expect(message).toMatch(/^Invalid --seed or --set \(1 problem\):/);
    expect(message).toContain(
      '--set roundz: not a key --set can change — did you mean "rounds"? (it changes: task,',
    );
    expect(
      problemsOf(() => applyOverrides(experiment(), { set: ['rounds'] }, { catalog })),
    ).toContain('one word with no spaces, e.g. --set rounds=1');
  });

  it('reports a key that several arms inherit, and none accepts, once', () => {
    const file = `${base.replace('options: { lr: 0.01 }', 'options: { lrr: 0.01 }')}arms:
  - name: imitating
  - name: reinforced
    trainer: { name: process-rl }
`;
    const message = problemsOf(() => parse(file));
    const lines = message.split('\n').filter((line) => line.includes('lrr'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^ {2}demo\.yaml:5:\d+: trainer\.options\.lrr: unknown key — did you mean "lr"\? \(expected one of: lr, kl\)$/,
    );
    const overridden = problemsOf(() =>
      applyOverrides(
        parse(file.replace('lrr', 'lr')).experiments[0],
        {
          set: ['trainer.options.lrr=1'],
        },
        { catalog },
      ),
    );
    expect(overridden.split('\n').filter((line) => line.includes('lrr'))).toHaveLength(1);
  });
});

describe('helpers', () => {
  it('merge patches as RFC 7396 says', () => {
    expect(
      mergePatch({ a: 1, b: { c: 2, d: 3 }, e: [1] }, { b: { c: null, f: 4 }, e: [2] }),
    ).toEqual({ a: 1, b: { d: 3, f: 4 }, e: [2] });
  });

  it('format key paths', () => {
    expect(formatPath(['arms', 1, 'trainer', 'options', 'lr'])).toBe('arms[1].trainer.options.lr');
    expect(formatPath(['a b'])).toBe('["a b"]');
    expect(formatPath([])).toBe('(top level)');
  });
});
