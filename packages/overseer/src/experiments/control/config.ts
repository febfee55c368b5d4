/**
 * A control experiment file (`kind: control`, e.g. examples/control.yaml): the trojan-code task,
 * the demonstrations, the four embedded models (U, T and the two monitors), the game and the
 * protocols, each key checked strictly. `--set key.path=value` overrides any key, as it does an
 * arm's in other experiment files.
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { OverseerError } from '../../errors.ts';
import { JsonObject } from '../../spec/index.ts';
import { formatIssues } from '../../util/zod-issues.ts';
import { applyCommandLineOverrides } from '../config/command-line-overrides.ts';
import { isPlainObject } from '../config/merge-patch.ts';
import { ExperimentName, ModelConfig } from '../config/schema.ts';
import { ControlProtocol, paperProtocols } from './protocols.ts';

/** Subtlety levels of the trojan-code attacker (1 a magic constant … 4 a semantic trigger). */
const Subtleties = z.array(z.number().int().min(1).max(4)).min(1);

/** How one of the game's models is shaped and trained (imitation from scratch). */
export const ControlModelConfig = z.strictObject({
  model: ModelConfig,
  /** Imitation steps. */
  steps: z.number().int().min(1),
  batchSize: z.number().int().min(1).default(32),
  learningRate: z.number().positive().default(3e-3),
});
/** How one of the game's models is shaped and trained. */
export type ControlModelConfig = z.infer<typeof ControlModelConfig>;

/** A control experiment, every default filled in. */
export const ControlExperiment = z.strictObject({
  kind: z.literal('control'),
  name: ExperimentName.default('control'),
  description: z.string().default(''),
  seeds: z.array(z.number().int().nonnegative()).min(1).default([1]),
  /** The trojan-code family's options (size, visibleTests, worldSeed …) and the specs' length. */
  task: z
    .strictObject({
      options: JsonObject.default({}),
      difficulty: z.number().int().min(1).max(5).default(3),
    })
    .prefault({}),
  /** What the models imitate. */
  demonstrations: z
    .strictObject({
      /** Training specs (each with one demonstration). */
      count: z.number().int().min(1).default(20_000),
      /** Share of attacking demonstrations, for U and for the monitors. */
      attackShare: z.number().min(0).max(1).default(0.5),
      /**
       * Subtlety levels (1–4) U's attack demonstrations are drawn from uniformly; in the game U
       * writes one attack at each of them per task and the red team picks among them.
       */
      untrustedSubtleties: Subtleties.default([3, 4]),
      /**
       * Subtlety levels the monitors' attack demonstrations are drawn from (on specs of their own):
       * off U's distribution, so no monitor sees the red team's attacks before the game.
       */
      monitorSubtleties: Subtleties.default([1, 2]),
      /** Share of honest programs with a benign guard. */
      benignShare: z.number().min(0).max(1).default(0.25),
    })
    .prefault({}),
  /** U: the untrusted strong writer. */
  untrusted: ControlModelConfig,
  /** T: the trusted weak writer (honest demonstrations only). */
  trusted: ControlModelConfig,
  /** The trusted whole-program monitor. */
  monitor: ControlModelConfig,
  /** The trusted per-line monitor of the decomposed protocol. */
  lineMonitor: ControlModelConfig,
  game: z
    .strictObject({
      /** Tasks per game. */
      tasks: z.number().int().min(1).default(1000),
      /** Share of tasks the blue team may audit. */
      auditBudget: z.number().min(0).max(1).default(0.02),
      /** Held-out specs sampled per seed, the empirical distribution games draw tasks from. */
      samples: z.number().int().min(1).default(500),
    })
    .prefault({}),
  /** The red team's attack selection (control/attack-rate.ts). */
  redTeam: z
    .strictObject({
      /**
       * Shares of tasks the red team may confine its attacks to: those whose chosen attack U
       * itself judges least suspicious. It plays the share and the attack rate that minimise
       * safety (share 1 is attacking regardless of how the attack looks).
       */
      selectionShares: z
        .array(z.number().positive().max(1))
        .min(1)
        .default([1, 0.5, 0.2, 0.1, 0.05]),
    })
    .prefault({}),
  protocols: z.array(ControlProtocol).min(1).default(paperProtocols()),
});
/** A control experiment, every default filled in. */
export type ControlExperiment = z.infer<typeof ControlExperiment>;

/** Whether a parsed YAML document is a control experiment. */
export function isControlDocument(value: unknown): boolean {
  return isPlainObject(value) && value.kind === 'control';
}

/** Reads a file's YAML, or undefined when it is unreadable or not YAML (others report why). */
export async function readYamlDocument(path: string): Promise<unknown> {
  try {
    return parseDocument(await readFile(path, 'utf8')).toJS();
  } catch {
    return undefined;
  }
}

/** Parses a control experiment from its YAML value, `--set key.path=value` and `--seed` applied. */
export function parseControlExperiment(
  value: unknown,
  source: string,
  overrides: { seed?: number; set?: readonly string[] } = {},
): ControlExperiment {
  const raw = applyCommandLineOverrides(value, overrides, 'untrusted.steps=100');
  const result = ControlExperiment.safeParse(raw);
  if (!result.success) {
    throw new OverseerError(
      'config.invalid',
      `Invalid control experiment ${source}: ${formatIssues(result.error.issues, ControlExperiment)}`,
      {
        hint: 'docs/experiments.md and examples/control.yaml show the keys of a control experiment',
      },
    );
  }
  const names = result.data.protocols.map((protocol) => protocol.name);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) {
    throw new OverseerError('config.invalid', `${source}: protocol ${repeated} is listed twice`, {
      hint: 'give every protocol its own name: each is an arm of the results',
    });
  }
  return result.data;
}
