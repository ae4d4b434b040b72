import { strict as assert } from 'node:assert';
import { measureClaims } from '../../../src/models/engine/runner';
import { generalizeDemo, PAPER_STEPS, RIMS_PRESETS } from '../../../src/models/rims/demo';

const ids = (results: Record<string, number>, config: Record<string, unknown>): Record<string, boolean> =>
  Object.fromEntries(
    measureClaims(generalizeDemo, results, config as Parameters<typeof measureClaims>[2]).map((c) => [c.id, c.pass]),
  );

describe('rims: which accuracy target a run is held to', () => {
  const quick = generalizeDemo.presets['quick'] ?? {};
  const paper = generalizeDemo.presets['paper'] ?? {};
  const results = { 'acc.rim.test': 0.3, 'acc.lstm.test': 0.1, dormantRatio: 0.01 };

  it('holds the quick preset to ≥ 0.20 and the paper preset to ≥ 0.35', () => {
    assert.ok(RIMS_PRESETS.paper.steps >= PAPER_STEPS && RIMS_PRESETS.quick.steps < PAPER_STEPS);
    const q = ids(results, quick);
    assert.equal(q['rim-long-accuracy'], true);
    assert.equal('rim-long-accuracy-paper' in q, false);
    const p = ids(results, paper);
    assert.equal(p['rim-long-accuracy-paper'], false, '0.30 is below the paper target');
    assert.equal('rim-long-accuracy' in p, false);
    assert.equal(ids({ ...results, 'acc.rim.test': 0.36 }, paper)['rim-long-accuracy-paper'], true);
  });

  it('moves a quick config to the paper target once it trains that long', () => {
    const long = ids(results, { ...quick, steps: PAPER_STEPS });
    assert.equal(long['rim-long-accuracy-paper'], false);
    assert.equal('rim-long-accuracy' in long, false);
  });
});
