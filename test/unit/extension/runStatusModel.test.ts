/**
 * Which run the status bar item shows and what clicking it does, with two runs at once: it
 * always carries the run it shows (never one that has ended), and clicking opens that run's
 * panel instead of stopping anything.
 */
import { strict as assert } from 'node:assert';
import {
  EMPTY_RUN_STATUS,
  reduceRunStatus,
  runStatusView,
  type RunStatusEvent,
  type RunStatusState,
} from '../../../src/extension/runStatusModel';

const A = { runId: 'fedopt-quick-a', paper: 'fedopt', name: 'FedOpt quick', unit: 'round' };
const B = { runId: 'rims-quick-b', paper: 'rims', name: 'RIMs quick', unit: 'step' };

function apply(...events: RunStatusEvent[]): RunStatusState {
  return events.reduce(reduceRunStatus, EMPTY_RUN_STATUS);
}

/** The run the item shows and the command it carries, checked to agree. */
function shown(state: RunStatusState): { runId: string; paper: string; text: string; tooltip: string } | undefined {
  const view = runStatusView(state);
  if (!view) return undefined;
  const [paper, runId] = view.command.arguments;
  assert.equal(runId, view.runId, 'the command carries the run the item shows');
  assert.equal(view.command.command, 'paperLab.openRun', 'clicking opens the run; stopping is Stop Run');
  return { runId, paper, text: view.text, tooltip: view.tooltip };
}

describe('run status bar item', () => {
  it('with two runs, follows the one still running when the first ends', () => {
    let state = apply({ kind: 'started', run: A }, { kind: 'started', run: B });
    assert.equal(shown(state)?.runId, B.runId, 'the newest run is shown');
    state = reduceRunStatus(state, { kind: 'ended', runId: A.runId });
    assert.deepEqual(
      { runId: shown(state)?.runId, paper: shown(state)?.paper },
      { runId: B.runId, paper: 'rims' },
      'A ended: B still shown',
    );
    state = reduceRunStatus(state, { kind: 'progress', runId: B.runId, step: 5, total: 10, stepsPerSecond: 2 });
    assert.match(shown(state)?.text ?? '', /RIMs quick · step 5\/10 · 2\.0 steps\/s · ETA 3 s/);
    state = reduceRunStatus(state, { kind: 'ended', runId: B.runId });
    assert.equal(runStatusView(state), undefined, 'nothing running: the item hides');
  });

  it('with two runs, moves to the older one when the newer ends first, and shows its progress', () => {
    let state = apply(
      { kind: 'started', run: A },
      { kind: 'progress', runId: A.runId, step: 40, total: 100, stepsPerSecond: 12.3 },
      { kind: 'started', run: B },
      { kind: 'ended', runId: B.runId },
    );
    const s = shown(state);
    assert.equal(s?.runId, A.runId, 'B ended: the item now carries A, not the ended B');
    assert.equal(s?.paper, 'fedopt');
    assert.match(s?.text ?? '', /FedOpt quick · round 40\/100 · 12\.3 rounds\/s/);
    state = reduceRunStatus(state, { kind: 'progress', runId: A.runId, step: 41, total: 100, stepsPerSecond: 12.3 });
    assert.match(shown(state)?.text ?? '', /round 41\/100/);
  });

  it('does not show one run’s progress while carrying the other', () => {
    const state = apply(
      { kind: 'started', run: A },
      { kind: 'started', run: B },
      { kind: 'progress', runId: B.runId, step: 3, total: 10, stepsPerSecond: 1 },
      { kind: 'progress', runId: A.runId, step: 70, total: 100, stepsPerSecond: 10 },
    );
    const s = shown(state);
    assert.equal(s?.runId, B.runId);
    assert.match(s?.text ?? '', /RIMs quick · step 3\/10/);
    assert.doesNotMatch(s?.text ?? '', /70\/100/);
    assert.match(s?.text ?? '', /\+1 more/);
    assert.match(s?.tooltip ?? '', /Stop Run/, 'the tooltip says how to stop');
    assert.match(s?.tooltip ?? '', /Also running: FedOpt quick · round 70\/100/, 'the other run by name and progress');
    assert.doesNotMatch(s?.tooltip ?? '', new RegExp(`Also running: ${A.runId}`));
    assert.doesNotMatch(s?.tooltip ?? '', /[Cc]lick to stop/);
  });

  it('ignores progress of a run it does not know (e.g. after it ended)', () => {
    const state = apply(
      { kind: 'started', run: A },
      { kind: 'ended', runId: A.runId },
      { kind: 'progress', runId: A.runId, step: 1, total: 2, stepsPerSecond: 1 },
    );
    assert.equal(runStatusView(state), undefined);
  });

  it('says what a run does before its first step, and drops it once steps come', () => {
    let state = apply(
      { kind: 'started', run: A },
      { kind: 'stage', runId: A.runId, text: 'Measuring backends: a few training steps on each of wasm, cpu…' },
    );
    assert.match(shown(state)?.text ?? '', /FedOpt quick · measuring backends/);
    assert.match(shown(state)?.tooltip ?? '', /Measuring backends: a few training steps on each of wasm, cpu/);
    state = reduceRunStatus(state, { kind: 'progress', runId: A.runId, step: 1, total: 100, stepsPerSecond: 5 });
    assert.match(shown(state)?.text ?? '', /round 1\/100/);
    assert.doesNotMatch(shown(state)?.tooltip ?? '', /Measuring backends/);
  });
});
