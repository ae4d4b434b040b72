/**
 * DrQ claims on the `claim` preset: three seeds each of pixel SAC without augmentation and of
 * DrQ (K = M = 2), as `paper-lab run drq --preset claim --check` does: the six learners in two
 * learner worker threads (started from the TypeScript sources under tsx), each training its share
 * in lockstep. Long: at run seeds 0 and 1 the busier worker used about 870 s of CPU on wasm (the
 * whole process 1,737 and 1,684 s), so about 15 minutes of each of two cores (the CPU time printed
 * is the whole process's, both workers included). Run with
 * `npx mocha --no-config -n import=tsx -t 7200000 test/claims/drq.claims.ts`.
 */
import { strict as assert } from 'node:assert';
import { AGENTS, claims, DRQ_PRESETS, SEED_INDICES } from '../../src/models/drq/demo';
import { train } from '../../src/models/drq/train';
import { selectBackend } from '../../src/models/engine/backends';
import { recordingContext } from '../helpers/fakeContext';

describe('drq claims (claim preset: 3 seeds per agent)', function () {
  this.timeout(7_200_000);

  before(async () => {
    assert.equal((await selectBackend('wasm')).chosen, 'wasm');
  });

  it('DrQ learns where pixel SAC without augmentation does not', async () => {
    const started = Date.now();
    const cpu = process.cpuUsage();
    const ctx = recordingContext(0, 'wasm');
    const config = DRQ_PRESETS.claim;
    const results = await train(config, ctx);
    const used = process.cpuUsage(cpu);
    const measured = claims.map((claim) => ({ claim, ...claim.measure(results, config) }));
    const perSeed = AGENTS.filter((a) => config.agents[a])
      .map((a) =>
        SEED_INDICES.slice(0, config.seeds)
          .map((s) => `${a}[${s}] auc ${results.auc[`${a}.${s}`]?.toFixed(2)} reached ${results.reached[a][s]}`)
          .join(', '),
      )
      .join('\n    ');
    console.log(
      `    ${((Date.now() - started) / 1000).toFixed(0)} s wall, ${((used.user + used.system) / 1e6).toFixed(0)} s cpu; ` +
        `random return ${results.randomReturn.toFixed(2)}, threshold ${results.threshold.toFixed(2)}\n    ${perSeed}\n    ` +
        measured.map((m) => `${m.claim.id} = ${m.measured?.toPrecision(3) ?? 'n/a'}`).join(', '),
    );
    const failed = measured.filter((m) => !m.pass).map((m) => `${m.claim.id}: ${m.measured}`);
    assert.deepEqual(failed, []);
  });
});
