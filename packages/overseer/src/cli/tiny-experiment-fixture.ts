/** A two-arm experiment file small enough for a test to run end to end in seconds. */
export const TINY_EXPERIMENT = `name: tiny
task: { name: permutation-powering, options: { size: 4, maxBits: 2 }, difficulty: [1, 2] }
model: { layers: 1, width: 16, heads: 2, contextLength: 16 }
scaffold: { name: decompose, options: { maxDepth: 2 } }
overseer: { name: program }
trainer: { name: imitation, options: { batchSize: 4 } }
stepsPerRound: 2
evaluation: { size: 3, scaffold: { name: snap }, split: train }
metrics: [accuracy, expertCalls]
arms:
  - name: supervised
    labels: ground-truth
  - name: ida-imitation
`;
