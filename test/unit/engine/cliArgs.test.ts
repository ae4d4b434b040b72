import { strict as assert } from 'node:assert';
import {
  BENCH_FLAGS,
  parseArgs,
  parseBackend,
  parsePreset,
  parseSets,
  RUN_FLAGS,
  UsageError,
} from '../../../src/cli/args';
import { validateConfig } from '../../../src/shared/config';
import { claimsTable, ProgressLine } from '../../../src/cli/format';
import { fakeDemo } from './fakeDemo';

describe('CLI arguments', () => {
  it('parses flags, repeated --set and positionals', () => {
    const a = parseArgs(
      ['fedopt', '--seed', '3', '--set', 'steps=5', '--set=mode=b', '--check', '--backend=wasm'],
      RUN_FLAGS,
    );
    assert.deepEqual(a.positionals, ['fedopt']);
    assert.equal(a.int('seed'), 3);
    assert.deepEqual(a.strings('set'), ['steps=5', 'mode=b']);
    assert.equal(a.flags.get('check')?.[0], true);
    assert.equal(parseBackend('wasm'), 'wasm');
  });

  it('rejects a bad flag, a missing value, a bad integer and a bad backend', () => {
    assert.throws(
      () => parseArgs(['fedopt', '--sed', '3'], RUN_FLAGS),
      (e: unknown) => e instanceof UsageError && /unknown option --sed/.test(e.message),
    );
    assert.throws(() => parseArgs(['fedopt', '--seed'], RUN_FLAGS), /--seed: missing value/);
    assert.throws(
      () => parseArgs(['fedopt', '--seed', 'x'], RUN_FLAGS),
      /--seed: expected an integer from 0 to 4294967295/,
    );
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

  it('accepts only seeds that give distinct runs: integers from 0 to 4294967295', () => {
    for (const flags of [RUN_FLAGS, BENCH_FLAGS]) {
      assert.equal(parseArgs(['--seed', '4294967295'], flags).int('seed'), 4294967295);
      assert.equal(parseArgs(['--seed', '0'], flags).int('seed'), 0);
      for (const seed of ['4294967296', '9007199254740993', '1e21', '-1', '1.5'])
        assert.throws(
          () => parseArgs(['fedopt', '--seed', seed], flags),
          (e: unknown) =>
            e instanceof UsageError && e.message === `--seed: expected an integer from 0 to 4294967295 (got "${seed}")`,
          seed,
        );
    }
  });

  it('finds presets among the demo\'s own only: "__proto__", "constructor" and "toString" are not presets', () => {
    assert.equal(parsePreset(fakeDemo, 'paper'), 'paper');
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty'])
      assert.throws(
        () => parsePreset(fakeDemo, name),
        (e: unknown) =>
          e instanceof UsageError && e.message === `--preset: toy has no preset "${name}" (presets: quick, paper)`,
        name,
      );
    assert.throws(() => parseSets(fakeDemo, ['__proto__=1']), /^UsageError: __proto__: unknown setting for toy/);
    assert.throws(() => parseSets(fakeDemo, ['constructor=1']), /^UsageError: constructor: unknown setting for toy/);
    for (const flag of ['--constructor', '--__proto__', '--toString'])
      assert.throws(() => parseArgs([flag, 'x'], RUN_FLAGS), new RegExp(`unknown option ${flag}`));
  });

  it('cuts a huge value to about 60 characters in its error, with its length', () => {
    const huge = 'x'.repeat(100000);
    for (const set of [`steps=${huge}`, `flag=${huge}`, `${huge}=1`, huge]) {
      assert.throws(
        () => parseSets(fakeDemo, [set]),
        (e: unknown) =>
          e instanceof UsageError && e.message.length < 250 && /x{60}… \((100000|100002) characters\)/.test(e.message),
        set.slice(0, 10),
      );
    }
    assert.throws(
      () => parseArgs(['--seed', huge], RUN_FLAGS),
      (e: unknown) => e instanceof UsageError && e.message.length < 200 && /\(100000 characters\)/.test(e.message),
    );
    assert.throws(
      () => parseBackend(huge),
      (e: unknown) => e instanceof UsageError && e.message.length < 200,
    );
    const enumError = validateConfig(fakeDemo, { mode: huge }).errors[0] ?? '';
    assert.ok(enumError.length < 200, enumError.slice(0, 100));
    assert.match(enumError, /^mode: must be one of "a", "b" \(got "x{60}… \(100000 characters\)"\)$/);
  });
});
