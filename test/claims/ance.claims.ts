/**
 * ANCE claims on the quick preset at seeds 0, 1 and 2. The asynchronous refresh runs in a second
 * worker thread: the throughput claim needs a free core, and when each index arrives (hence ANCE's
 * negatives) depends on the machine, so ANCE's numbers vary a little between runs. Run with
 * `npx mocha --no-config -n import=tsx -t 1800000 test/claims/ance.claims.ts`.
 */
import '../../src/models/engine/tfSetup';
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { negativesDemo } from '../../src/models/ance/demo';
import { runAnce } from '../../src/models/ance/train';
import { useRepositoryData } from '../helpers/data';
import { recordingContext } from '../helpers/fakeContext';

const SHOWN = [
  'mrr.countries.random',
  'mrr.countries.bm25',
  'mrr.countries.ance',
  'mrr.countries.bm25-ranking',
  'mrr.wordnet.random',
  'mrr.wordnet.bm25',
  'mrr.wordnet.ance',
  'mrr.wordnet.bm25-ranking',
  'gradTrainingRatio.wordnet',
  'throughputRatio',
  'stepsPerSecondBusy',
  'stepsPerSecondIdle',
  'docsPerSecond',
  'indexBuildSeconds',
  'refreshes',
];

describe('ance claims (quick preset)', () => {
  before(async () => {
    useRepositoryData();
    setWasmPaths(path.join(__dirname, '../../node_modules/@tensorflow/tfjs-backend-wasm/dist/'));
    assert.ok(await tf.setBackend('wasm'));
  });

  for (const seed of [0, 1, 2]) {
    it(`holds at seed ${seed}`, async () => {
      const started = Date.now();
      const cpu = process.cpuUsage();
      const results = await runAnce(negativesDemo.presets['quick'] ?? {}, recordingContext(seed, 'wasm'));
      const used = process.cpuUsage(cpu);
      const measured = negativesDemo.claims.map((claim) => ({ claim, ...claim.measure(results) }));
      console.log(
        `    seed ${seed} (${((Date.now() - started) / 1000).toFixed(0)} s wall, ${((used.user + used.system) / 1e6).toFixed(0)} s CPU): ` +
          measured.map((m) => `${m.claim.id} = ${m.measured?.toPrecision(3) ?? 'n/a'}`).join(', '),
      );
      console.log(`      ${SHOWN.map((k) => `${k} = ${results[k]?.toPrecision(3) ?? 'n/a'}`).join(', ')}`);
      const failed = measured.filter((m) => !m.pass && m.claim.caveat === undefined).map((m) => m.claim.id);
      assert.deepEqual(failed, []);
    });
  }
});
