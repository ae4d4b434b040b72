import { strict as assert } from 'node:assert';
import { isHostToWorker, isWorkerToHost, StartRun, StopRun, WorkerMetrics } from '../../../src/shared/workerProtocol';
import {
  isPanelToHost,
  PanelOpenLink,
  PanelOpenLocation,
  PanelStartRun,
  PanelQuery,
  PanelValidateConfig,
} from '../../../src/shared/webviewProtocol';

const start = StartRun.create({
  runId: 'fedopt-quick-20261128-000000000-s0',
  paper: 'fedopt',
  demo: 'compare',
  preset: 'quick',
  config: { rounds: 10 },
  seed: 0,
  backend: 'auto',
  runDir: '/tmp/x',
  modulePaths: [],
});

describe('worker message guards', () => {
  it('accept well-formed messages and keep the type tag', () => {
    assert.equal(start.type, 'start');
    assert.ok(StartRun.is(start));
    assert.ok(StartRun.is({ ...start, calibrationFile: '/storage/calibration.json' }));
    assert.ok(isHostToWorker(start));
    assert.ok(isHostToWorker(StopRun.create({ reason: 'user' })));
    assert.ok(isWorkerToHost(WorkerMetrics.create({ points: [{ step: 1, values: { acc: 0.5 } }] })));
  });

  it('reject wrong payloads', () => {
    assert.equal(StartRun.is({ ...start, paper: 'gpt' }), false);
    assert.equal(StartRun.is({ ...start, seed: -1 }), false);
    assert.equal(StartRun.is({ ...start, seed: 1.5 }), false);
    assert.equal(StartRun.is({ ...start, backend: 'cuda' }), false);
    assert.equal(StartRun.is({ ...start, calibrationFile: 3 }), false);
    assert.equal(StartRun.is({ ...start, runId: '../../etc' }), false);
    assert.equal(StartRun.is({ ...start, config: { nested: { a: 1 } } }), false);
    assert.equal(isWorkerToHost({ type: 'metrics', points: [{ step: 1, values: { acc: 'high' } }] }), false);
    assert.equal(isWorkerToHost({ type: 'nope' }), false);
    assert.equal(isWorkerToHost(null), false);
    assert.equal(isWorkerToHost([start]), false);
  });
});

describe('panel message guards', () => {
  it('accept the messages a panel sends', () => {
    assert.ok(isPanelToHost({ type: 'ready' }));
    assert.ok(
      isPanelToHost(PanelStartRun.create({ demo: 'compare', preset: 'quick', config: { rounds: 3 }, seed: 2 })),
    );
    assert.ok(isPanelToHost(PanelOpenLocation.create({ uri: 'file:///a.ts', line: 3 })));
    assert.ok(isPanelToHost(PanelOpenLink.create({ url: 'https://openreview.net/forum?id=x' })));
    assert.ok(isPanelToHost(PanelValidateConfig.create({ demo: 'compare', config: {} })));
    assert.ok(isPanelToHost(PanelQuery.create({ folder: 'flyvec-quick-1-s0', query: 'neighbours', input: 'war' })));
    // A run is named by its folder, and a copied folder may be named anything a folder can be.
    assert.ok(isPanelToHost({ type: 'openRun', folder: 'flyvec-quick-1-s0 copy' }));
    assert.ok(isPanelToHost({ type: 'stopRun', folder: 'fedopt-quick-2-s0' }));
  });

  it('reject untrusted input that does not fit', () => {
    assert.equal(isPanelToHost({ type: 'startRun', demo: 'compare', preset: 'quick', config: {}, seed: '1' }), false);
    assert.equal(isPanelToHost({ type: 'startRun', demo: 'a b', preset: 'quick', config: {}, seed: 1 }), false);
    assert.equal(isPanelToHost({ type: 'openLink', url: 'javascript:alert(1)' }), false);
    assert.equal(isPanelToHost({ type: 'openLink', url: 'http://example.com' }), false);
    assert.equal(isPanelToHost({ type: 'openLocation', uri: 'file:///a.ts', line: -1 }), false);
    assert.equal(isPanelToHost({ type: 'runCommand', command: 'rm -rf' }), false);
    assert.equal(isPanelToHost({ type: 'query', folder: '../x', query: 'neighbours', input: 'war' }), false);
    assert.equal(isPanelToHost({ type: 'query', folder: '..', query: 'neighbours', input: 'war' }), false);
    assert.equal(isPanelToHost({ type: 'query', folder: 'r', query: 'neighbours', input: 'w'.repeat(201) }), false);
    assert.equal(isPanelToHost({ type: 'openRun', folder: 'a/b' }), false);
    assert.equal(isPanelToHost({ type: 'openRun', folder: '.hidden' }), false);
    assert.equal(isPanelToHost({ type: 'stopRun', folder: '' }), false);
    assert.equal(
      isPanelToHost({ type: 'startRun', demo: 'compare', preset: 'quick', config: { x: 'a'.repeat(1000) }, seed: 1 }),
      false,
    );
  });
});
