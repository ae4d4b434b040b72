import { strict as assert } from 'node:assert';
import { parseArgs, parseSets, RUN_FLAGS } from '../../../src/cli/args';
import { compareDemo } from '../../../src/models/fedopt/demo';
import { runCommandLine } from '../../../src/shared/runCommand';
import type { RunRecord } from '../../../src/shared/runs';

describe('the command line that reproduces a run', () => {
  const quick = compareDemo.presets['quick'] ?? {};
  const config = { ...quick, rounds: 42, 'lr.fedyogi.client': 0.25 };
  const record: Pick<RunRecord, 'paper' | 'demo' | 'preset' | 'seed' | 'config' | 'backend'> = {
    paper: 'fedopt',
    demo: 'compare',
    preset: 'quick',
    seed: 7,
    config,
    backend: { requested: 'auto', chosen: 'wasm', attempts: [] },
  };

  it('names the paper, demo, preset, seed and backend, and sets only the fields that differ from the preset', () => {
    const line = runCommandLine(record, quick);
    assert.match(line, /^npx paper-lab run fedopt --demo compare --preset quick --seed 7 --backend wasm /);
    assert.deepEqual(line.match(/--set \S+/g), ['--set rounds=42', '--set lr.fedyogi.client=0.25']);
  });

  it('parses back, through the CLI’s own argument parser, to the run’s exact config', () => {
    const words = runCommandLine(record, quick).split(' ').slice(3);
    const args = parseArgs(words, RUN_FLAGS);
    assert.deepEqual(args.positionals, ['fedopt']);
    assert.equal(args.int('seed'), 7);
    assert.equal(args.string('backend'), 'wasm');
    assert.deepEqual({ ...quick, ...parseSets(compareDemo, args.strings('set')) }, config);
  });

  it('quotes a value the shell would split', () => {
    const line = runCommandLine({ ...record, config: { ...quick, query: 'new york' } }, quick);
    assert.match(line, /--set 'query=new york'$/);
  });
});
