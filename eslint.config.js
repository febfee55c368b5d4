// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The rooms of packages/overseer/src and the rooms each one's code may import — docs/architecture.md's
// import table, which says why; `node scripts/import-table.mjs` lists what the code imports. Every
// room but spec/ may also import util/ (the bottom room) and errors.ts (the one error class).

// What the experiment loop and the servers stand on: the vocabulary, the model, the parts of a
// round, and the store.
const EVERYTHING_ABOVE =
  'spec model tasks policies outcomes overseers scaffolds rewards store'.split(' ');

const ROOMS = {
  util: [],
  spec: [],
  model: ['spec'],
  tasks: ['spec'],
  policies: ['spec', 'model', 'tasks'],
  outcomes: ['spec', 'tasks'],
  overseers: ['spec', 'policies', 'tasks', 'store'],
  scaffolds: ['spec', 'policies', 'tasks', 'overseers', 'outcomes'],
  rewards: ['spec'],
  training: ['spec', 'model', 'rewards', 'tasks'],
  store: ['spec'],
  export: ['spec', 'store'],
  'viewer-server': ['spec', 'store'],
  bench: ['model', 'spec', 'server', 'executor', 'experiments'],
  executor: ['spec'],
  experiments: [...EVERYTHING_ABOVE, 'training', 'executor'],
  server: EVERYTHING_ABOVE,
  cli: [
    ...EVERYTHING_ABOVE,
    'training',
    'experiments',
    'export',
    'server',
    'viewer-server',
    'bench',
    'executor',
  ],
};

// Files that import beyond their room's row, each for a reason the table's notes give.
const EXCEPTIONS = [
  {
    // Wiring of the trainers' learning experiments, shared by training's tests and
    // measure-learning.ts: it reads task families, overseers and outcomes as an experiment does.
    file: 'training/learning-experiments.ts',
    also: ['outcomes', 'overseers'],
  },
];

// Tests and their fixtures build real components of any room (no mocks), so the table binds the
// rooms' code only; the two invariants below hold for tests too.
const TEST_SUPPORT = ['**/*.test.ts', '**/*-fixture.ts', '**/*-fixtures.ts'];
const SOURCE = 'packages/overseer/src';

/** A relative import of any of `names` (rooms, or top-level files such as errors.ts), from any depth. */
function importsOf(names) {
  return `^(\\.\\./)+(${names.map((name) => name.replace('.', '\\.')).join('|')})(/|$)`;
}

/**
 * The no-restricted-imports rule that keeps a room's code to its row of ROOMS. No room imports the
 * library surface (index.ts), which is for outside callers; spec/ imports nothing of ours at all.
 */
function roomRule(room, allowed) {
  const always = room === 'spec' ? [] : room === 'util' ? ['errors.ts'] : ['util', 'errors.ts'];
  const may = [...allowed, ...always];
  const forbidden = [...Object.keys(ROOMS), 'errors.ts', 'index.ts'].filter(
    (name) => name !== room && !may.includes(name),
  );
  const invariant = room === 'overseers' ? [overseersNeverImportOutcomes] : [];
  const rest = forbidden.filter((name) => invariant.length === 0 || name !== 'outcomes');
  const patterns = [
    ...invariant,
    {
      regex: importsOf(rest),
      message: `${room}/ may import ${may.length > 0 ? may.join(', ') : 'nothing of ours'}: see the import table in docs/architecture.md.`,
    },
  ];
  return ['error', { patterns }];
}

// The invariant that makes supervision process-based: an overseer judges a proposed step on paper
// and never sees its consequences, so nothing under overseers/ may import outcomes/.
const overseersNeverImportOutcomes = {
  regex: importsOf(['outcomes']),
  message: 'Overseers judge on paper: they must never import outcomes/ (see docs/architecture.md).',
};

const roomBlocks = Object.entries(ROOMS).map(([room, allowed]) => ({
  files: [`${SOURCE}/${room}/**/*.ts`],
  // util/ is the bottom room for its tests too; elsewhere tests may build any room's components.
  ignores: room === 'util' ? [] : TEST_SUPPORT,
  rules: { 'no-restricted-imports': roomRule(room, allowed) },
}));

const exceptionBlocks = EXCEPTIONS.map(({ file, also }) => {
  const room = file.split('/')[0];
  return {
    files: [`${SOURCE}/${file}`],
    rules: { 'no-restricted-imports': roomRule(room, [...ROOMS[room], ...also]) },
  };
});

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/build/**', '**/dist/**', '.overseer/**', 'runs/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // CommonJS entry points (native addon loaders, install scripts) use require by necessity.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...roomBlocks,
  ...exceptionBlocks,
  {
    // The overseers' tests keep the invariant as well.
    files: TEST_SUPPORT.map((pattern) => `${SOURCE}/overseers/${pattern}`),
    rules: { 'no-restricted-imports': ['error', { patterns: [overseersNeverImportOutcomes] }] },
  },
);
