/**
 * A `startRun` message from a paper panel is untrusted: a preset or demo the paper does not have
 * is rejected with an error for the panel (no silent fallback to `quick`), before any run starts.
 */
import { strict as assert } from 'node:assert';
import { isPanelToHost, PanelStartRun, startRunErrors } from '../../../src/shared/webviewProtocol';

describe('start-run message validation', () => {
  const demos = [
    {
      id: 'compare',
      title: 'Server optimizers on non-IID clients',
      presets: { quick: { rounds: 20 }, paper: { rounds: 500 } },
    },
  ];
  const demo = 'compare';

  it('accepts each preset the demo has', () => {
    for (const preset of Object.keys(demos[0]?.presets ?? {})) {
      assert.deepEqual(startRunErrors(demos, { demo, preset }), [], preset);
    }
  });

  it('rejects an unknown preset, naming the ones there are', () => {
    const message = PanelStartRun.create({ demo, preset: 'turbo', config: {}, seed: 0 });
    assert.ok(isPanelToHost(message), 'well-formed: only the paper can tell the preset is unknown');
    const errors = startRunErrors(demos, message);
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /^preset: .*no preset "turbo".*quick, paper/);
  });

  it('rejects an unknown demo', () => {
    assert.match(startRunErrors(demos, { demo: 'nope', preset: 'quick' })[0] ?? '', /^demo: .*"nope"/);
  });

  it('does not treat inherited object keys as presets', () => {
    for (const preset of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      assert.equal(startRunErrors(demos, { demo, preset }).length, 1, preset);
    }
  });
});
