/**
 * DrQ claims on the quick preset at seeds 0–4 (targets calibrated at seeds 0–2; seeds 3 and 4 check
 * them), then on the claim preset (the quick preset at three seeds per agent) at seed 0. Each quick
 * run trains no augmentation and DrQ for 4,000 agent steps in two learner worker threads (started
 * from the TypeScript sources under tsx); the claim preset trains three seeds of each, about three
 * times the work. The CPU time printed is the whole process's, both workers included. Run with
 * `npx mocha --no-config -n import=tsx -t 7200000 test/claims/drq.claims.ts`.
 */
import { strict as assert } from 'node:assert';
import { AGENTS, claims, DRQ_PRESETS, type DrqConfig, SEED_INDICES } from '../../src/models/drq/demo';
import { train } from '../../src/models/drq/train';
import { selectBackend } from '../../src/models/engine/backends';
import { recordingContext } from '../helpers/fakeContext';

async function check(config: DrqConfig, seed: number): Promise<void> {
  const started = Date.now();
  const cpu = process.cpuUsage();
  const results = await train(config, recordingContext(seed, 'wasm'));
  const used = process.cpuUsage(cpu);
  const applying = claims.filter((claim) => claim.appliesTo?.(config) ?? true);
  const measured = applying.map((claim) => ({ claim, ...claim.measure(results, config) }));
  const r2 = (x: number | undefined): string => x?.toFixed(2) ?? 'n/a';
  const perSeed = AGENTS.filter((a) => config.agents[a])
    .map((a) =>
      SEED_INDICES.slice(0, config.seeds)
        .map(
          (s) =>
            `${a}[${s}] auc ${r2(results.auc[`${a}.${s}`])} after seed steps ${r2(results.learnAuc[`${a}.${s}`])} ` +
            `final ${r2(results.final[a][s])} reached ${results.reached[a][s]}`,
        )
        .join(', '),
    )
    .join('\n      ');
  console.log(
    `    seed ${seed}: ${((Date.now() - started) / 1000).toFixed(0)} s wall, ${((used.user + used.system) / 1e6).toFixed(0)} s cpu; ` +
      `random return ${results.randomReturn.toFixed(2)}, threshold ${results.threshold.toFixed(2)}\n      ${perSeed}\n      ` +
      measured
        .map((m) => `${m.claim.id} = ${m.measured?.toPrecision(3) ?? 'n/a'}${m.pass ? '' : ' (miss)'}`)
        .join(', '),
  );
  const failed = measured
    .filter((m) => !m.pass && m.claim.caveat === undefined)
    .map((m) => `${m.claim.id}: ${m.measured}`);
  assert.deepEqual(failed, []);
}

describe('drq claims', function () {
  this.timeout(7_200_000);

  before(async () => {
    assert.equal((await selectBackend('wasm')).chosen, 'wasm');
  });

  describe('quick preset (no augmentation against DrQ, one seed each), seeds 0–4', () => {
    for (const seed of [0, 1, 2, 3, 4]) it(`holds at seed ${seed}`, () => check(DRQ_PRESETS.quick, seed));
  });

  describe('claim preset (three seeds per agent), seed 0', () => {
    it('holds at seed 0', () => check(DRQ_PRESETS.claim, 0));
  });
});
