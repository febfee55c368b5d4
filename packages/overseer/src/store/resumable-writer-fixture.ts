/**
 * A child process for the resumability test: records the fixture episodes of a run that are not
 * yet done, one transaction each, printing each key once it committed, then finishes the run.
 * Usage: node --import tsx resumable-writer-fixture.ts <store-dir> <run-id> <episode-count>
 */
import { fixtureEpisode, fixtureKey } from './episode-fixtures.ts';
import { RunStore } from './run-store.ts';

const [directory, runId, countText] = process.argv.slice(2);
const store = RunStore.open(directory);
const done = store.completedEpisodeKeys(runId);
if (store.requireRun(runId).status !== 'running') store.resumeRun(runId);
for (let index = 0; index < Number(countText); index += 1) {
  const key = fixtureKey(index);
  if (done.has(key)) continue;
  store.recordEpisode(fixtureEpisode(runId, key, { maxThoughts: 40, lineLength: 400 }));
  process.stdout.write(`recorded ${key}\n`);
}
store.finishRun(runId, { episodes: Number(countText) });
store.close();
process.stdout.write('finished\n');
