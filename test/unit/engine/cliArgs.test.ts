import { strict as assert } from 'node:assert';
import { parseArgs, parseBackend, parseSets, RUN_FLAGS, UsageError, flagStrings, flagInt } from '../../../src/cli/args';
import { claimsTable, ProgressLine } from '../../../src/cli/format';
import { fakeDemo } from './fakeDemo';

describe('CLI arguments', () => {
  it('parses flags, repeated --set and positionals', () => {
    const a = parseArgs(
      ['fedopt', '--seed', '3', '--set', 'steps=5', '--set=mode=b', '--check', '--backend=wasm'],
      RUN_FLAGS,
    );
    assert.deepEqual(a.positionals, ['fedopt']);
    assert.equal(flagInt(a, 'seed'), 3);
    assert.deepEqual(flagStrings(a, 'set'), ['steps=5', 'mode=b']);
    assert.equal(a.flags.get('check')?.[0], true);
    assert.equal(parseBackend('wasm'), 'wasm');
  });

  it('rejects a bad flag, a missing value, a bad integer and a bad backend', () => {
    assert.throws(
      () => parseArgs(['fedopt', '--sed', '3'], RUN_FLAGS),
      (e: unknown) => e instanceof UsageError && /unknown option --sed/.test(e.message),
    );
    assert.throws(() => parseArgs(['fedopt', '--seed'], RUN_FLAGS), /--seed: missing value/);
    assert.throws(() => parseArgs(['fedopt', '--seed', 'x'], RUN_FLAGS), /--seed: expected a non-negative integer/);
    assert.throws(() => parseArgs(['--seed', '1', '--seed', '2'], RUN_FLAGS), /more than once/);
    assert.throws(() => parseBackend('gpu'), /--backend: "gpu" is not a backend/);
  });

  it('turns --set values into a config and names the field of a bad one', () => {
    assert.deepEqual(parseSets(fakeDemo, ['steps=5', 'lr=0.01', 'mode=b', 'flag=true']), {
      steps: 5,
      lr: 0.01,
      mode: 'b',
      flag: true,
    });
    assert.throws(
      () => parseSets(fakeDemo, ['steps=five']),
      (e: unknown) => e instanceof UsageError && /^steps: "five" is not a number/.test(e.message),
    );
    assert.throws(() => parseSets(fakeDemo, ['flag=yes']), /flag: "yes" is not true or false/);
    assert.throws(() => parseSets(fakeDemo, ['rounds=3']), /rounds: unknown setting for toy/);
    assert.throws(() => parseSets(fakeDemo, ['steps']), /expected key=value/);
  });

  it('prints a claims table and plain progress lines off a terminal', () => {
    const table = claimsTable([{ id: 'c', text: 'final loss below 0.5', measured: 0.25, target: '< 0.5', pass: true }]);
    assert.match(table, /final loss below 0\.5\s+0\.2500\s+< 0\.5\s+PASS/);
    const lines: string[] = [];
    const bar = new ProgressLine({ isTTY: false, write: (t) => lines.push(t) > 0 }, 'round');
    for (let s = 1; s <= 100; s++) bar.update(s, 100, 10);
    assert.equal(lines.length, 11);
    assert.match(lines[10] ?? '', /^100% round 100\/100/);
  });
});
