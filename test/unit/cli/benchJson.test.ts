/**
 * `paper-lab bench --json FILE` checks FILE before it benchmarks anything: a missing folder, a
 * folder named as the file, or a file inside a file is a usage error (status 2) naming --json.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkOutputFile } from '../../../src/cli/args';
import { main } from '../../../src/cli/commands';
import type { DemoRun } from '../../../src/models/types';
import { toyLookup, toyPaper } from './fakeCli';

/** Runs `main` in this process, with the fake catalog, counting trainer calls and collecting what it prints. */
async function bench(args: readonly string[]): Promise<{ code: number; out: string; err: string; trained: number }> {
  let trained = 0;
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void out.push(a.map(String).join(' '));
  console.error = (...a: unknown[]) => void err.push(a.map(String).join(' '));
  try {
    const code = await main(['bench', 'fedopt', '--backends', 'cpu', '--steps', '2', ...args], {
      papers: [toyPaper],
      lookup: {
        paper: (id) => toyLookup.paper(id),
        trainer: (paper, demo) => {
          const t = toyLookup.trainer(paper, demo);
          return t && (((c, ctx) => (trained++, t(c, ctx))) as DemoRun);
        },
      },
      selectBackend: async () => ({
        requested: 'cpu',
        chosen: 'cpu',
        attempts: [{ name: 'cpu', ok: true, reason: 'fake' }],
      }),
    });
    return { code, out: out.join('\n'), err: err.join('\n'), trained };
  } finally {
    console.log = log;
    console.error = error;
  }
}

describe('cli: bench --json', function () {
  this.timeout(60000);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'paper-lab-bench-'));
  const aFile = path.join(root, 'a-file');
  fs.writeFileSync(aFile, 'x');

  for (const [what, target, message] of [
    [
      'in a folder that does not exist',
      path.join(root, 'missing', 'bench.json'),
      /the folder .*missing does not exist/,
    ],
    ['that is a folder', root, /is a folder, not a file/],
    ['inside a file', path.join(aFile, 'bench.json'), /is a file, not a folder|inside a file/],
    ['that is empty', '', /expected a file name/],
  ] as const) {
    it(`refuses a --json path ${what} with status 2, before benchmarking`, async () => {
      const r = await bench(['--json', target]);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, new RegExp(`^paper-lab: --json: .*(?:${message.source})`, 'm'));
      assert.equal(r.trained, 0, 'nothing was benchmarked');
      assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
    });
  }

  it('bench host: refuses a bad --json path with status 2 before measuring', async () => {
    const err: string[] = [];
    const error = console.error;
    console.error = (...a: unknown[]) => void err.push(a.map(String).join(' '));
    try {
      const code = await main(['bench', 'host', '--dist', path.join(root, 'no-dist'), '--json', root]);
      assert.equal(code, 2);
    } finally {
      console.error = error;
    }
    assert.match(err[0] ?? '', /^paper-lab: --json: .* is a folder, not a file$/);
  });

  it('refuses a --json folder it may not write into (an injected check)', () => {
    assert.throws(() => checkOutputFile('--json', path.join(root, 'x.json'), () => false), /--json: cannot write into/);
    assert.equal(checkOutputFile('--json', path.join(root, 'x.json')), path.join(root, 'x.json'));
  });

  it('writes the results to a good --json path', async () => {
    const file = path.join(root, 'bench.json');
    const r = await bench(['--json', file]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.trained, 1);
    const written = JSON.parse(fs.readFileSync(file, 'utf8')) as { rows: { backend: string }[] };
    assert.deepEqual(
      written.rows.map((row) => row.backend),
      ['cpu'],
    );
  });
});
