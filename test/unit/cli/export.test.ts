/**
 * `paper-lab export DIR`: metrics.csv holds exactly metrics.jsonl's numbers (one column per
 * metric, one row per step), claims.md the run's versions and each claim's measured value, and
 * each of the demo's plots an SVG with one polyline per series; an output that cannot be made
 * is refused and a write that fails halfway leaves nothing behind.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { version_core } from '@tensorflow/tfjs-core';
import { version as PAPER_LAB_VERSION } from '../../../package.json';
import {
  claimsMarkdown,
  writeFolderAtomic,
  nodeFolderWriter,
  type FolderWriter,
} from '../../../src/models/engine/runExport';
import { formatNumber } from '../../../src/cli/format';
import { lineChartSvg } from '../../../src/models/engine/svgChart';
import { RunWriteError, type RunData } from '../../../src/models/engine/recorder';
import type { MetricPoint, RunSummary } from '../../../src/shared/runs';
import { runRecord, runSummary, tmpDir } from '../../helpers/runRecords';
import { filesUnder, runCli, toy } from './cliProcess';

const tmp = (): string => tmpDir('paper-lab-export-');

/** Parses CSV without quoting (the fake demo's names need none). */
function parseCsv(text: string): string[][] {
  assert.ok(text.endsWith('\n'));
  return text
    .slice(0, -1)
    .split('\n')
    .map((l) => l.split(','));
}

/**
 * Checks that `svg` is one well-formed element tree: every tag closed in order, attributes quoted,
 * no stray `<` or `&` in text. Returns the tag names in document order.
 */
function wellFormedTags(svg: string): string[] {
  const tags: string[] = [];
  const open: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < svg.length) {
    const lt = svg.indexOf('<', i);
    const text = svg.slice(i, lt < 0 ? svg.length : lt);
    assert.doesNotMatch(text, /&(?!(amp|lt|gt|quot|apos);)/, `bad entity in "${text}"`);
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(svg);
    assert.ok(m, `malformed tag at ${lt}: ${svg.slice(lt, lt + 60)}`);
    const [all, closing, name = '', , selfClosing] = m;
    if (closing) assert.equal(open.pop(), name, `</${name}> closes the open element`);
    else {
      tags.push(name);
      if (!selfClosing) open.push(name);
    }
    i = lt + all.length;
  }
  assert.deepEqual(open, [], 'every element is closed');
  return tags;
}

/** metrics.jsonl merged per step, as the test reads it itself. */
function jsonlByStep(dir: string): Map<number, Record<string, number>> {
  const byStep = new Map<number, Record<string, number>>();
  for (const line of fs.readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const p = JSON.parse(line) as MetricPoint;
    byStep.set(p.step, { ...byStep.get(p.step), ...p.values });
  }
  return byStep;
}

describe('cli: export', function () {
  this.timeout(120000);

  it('writes metrics.csv, claims.md and one SVG and one PNG per plot into DIR/export', async () => {
    const run = path.join(tmp(), 'run');
    const r0 = await runCli(['run', ...toy(7), '--set', 'seedNoise=40', '--seed', '5', '--out', run]);
    assert.equal(r0.code, 0, r0.stderr);
    const r = await runCli(['export', run]);
    assert.equal(r.code, 0, r.stderr);
    const out = path.join(run, 'export');
    assert.deepEqual(filesUnder(out), ['claims.md', 'eval.png', 'eval.svg', 'loss.png', 'loss.svg', 'metrics.csv']);
    for (const png of ['eval.png', 'loss.png'])
      assert.deepEqual([...fs.readFileSync(path.join(out, png)).subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);

    // metrics.csv: the numbers of metrics.jsonl, exactly, one row per step.
    const rows = parseCsv(fs.readFileSync(path.join(out, 'metrics.csv'), 'utf8'));
    assert.deepEqual(rows[0], ['step', 'loss', 'half', 'evalLoss']);
    const expected = jsonlByStep(run);
    assert.equal(expected.size, 7);
    assert.equal(rows.length, 1 + expected.size);
    for (const [i, row] of rows.slice(1).entries()) {
      const step = Number(row[0]);
      assert.equal(step, i + 1, 'steps in order');
      const values = expected.get(step);
      assert.ok(values);
      assert.equal(row.length, 4);
      for (const [j, name] of ['loss', 'half', 'evalLoss'].entries()) {
        const cell = row[j + 1] ?? '';
        if (values[name] === undefined) assert.equal(cell, '', `${name} at step ${step} is empty`);
        else assert.equal(Number(cell), values[name], `${name} at step ${step}`);
      }
    }
    assert.ok(Math.abs(Number(rows[7]?.[1]) - 0.8 ** 7) < 1e-12, 'the loss after 7 steps');
    assert.equal(rows[1]?.[3], '', 'evalLoss is reported every second step only');

    // claims.md: the run, its versions, and each claim's measured value.
    const md = fs.readFileSync(path.join(out, 'claims.md'), 'utf8');
    const summary = JSON.parse(fs.readFileSync(path.join(run, 'summary.json'), 'utf8')) as RunSummary;
    assert.match(md, /^# Toy paper — Toy$/m);
    assert.match(md, /^\| Paper \| Toy paper \(fedopt\) \|$/m);
    assert.match(md, /^\| Demo \| Toy \(toy\) \|$/m);
    assert.match(md, /^\| Preset \| quick \|$/m);
    assert.match(md, /^\| Seed \| 5 \|$/m);
    assert.match(md, /^\| Backend \| cpu \|$/m);
    assert.match(md, new RegExp(`^\\| Paper Lab version \\| ${PAPER_LAB_VERSION.replace(/\./g, '\\.')} \\|$`, 'm'));
    assert.match(md, new RegExp(`^\\| TensorFlow.js version \\| ${version_core.replace(/\./g, '\\.')} \\|$`, 'm'));
    assert.match(md, /^\| steps \| 7 \|$/m);
    assert.match(md, /^\| seedNoise \| 40 \|$/m);
    assert.ok(summary.claims.length > 0);
    for (const c of summary.claims) {
      const row = md.split('\n').find((l) => l.startsWith(`| ${c.text} |`));
      assert.ok(row, `a row for ${c.id}`);
      const cells = row.split(' | ');
      assert.equal(cells[1], formatNumber(c.measured, c.unit));
      // 0.8^7 + 5 × 40 / 1000 = 0.4097: the claim holds.
      assert.ok(Math.abs(Number(cells[1]) - (0.8 ** 7 + 0.2)) < 1e-4, row);
      assert.equal(cells[3], c.pass ? 'PASS |' : 'FAIL |');
    }

    // The SVGs: well-formed, one polyline per series, one vertex per point of the series.
    for (const [file, series, points] of [
      ['loss.svg', ['loss', 'half the loss'], [7, 7]],
      ['eval.svg', ['eval'], [3]],
    ] as const) {
      const svg = fs.readFileSync(path.join(out, file), 'utf8');
      assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), file);
      assert.ok(svg.trimEnd().endsWith('</svg>'), file);
      const tags = wellFormedTags(svg);
      assert.equal(tags[0], 'svg');
      assert.equal(tags.filter((t) => t === 'svg').length, 1);
      const polylines = [...svg.matchAll(/<polyline [^>]*points="([^"]*)"[^>]*><title>([^<]*)<\/title>/g)];
      assert.equal(polylines.length, series.length, `${file}: one polyline per series`);
      assert.deepEqual(
        polylines.map((m) => m[2]),
        [...series],
      );
      assert.deepEqual(
        polylines.map((m) => (m[1] ?? '').split(' ').length),
        [...points],
      );
      for (const label of series) assert.match(svg, new RegExp(`<text [^>]*>${label}</text>`), `legend: ${label}`);
    }
  });

  it('refuses an --out it cannot make or that holds files, with status 2, leaving nothing behind', async () => {
    const root = tmp();
    const run = path.join(root, 'run');
    assert.equal((await runCli(['run', ...toy(3), '--out', run])).code, 0);
    const before = filesUnder(root);
    const file = path.join(root, 'file.txt');
    fs.writeFileSync(file, 'keep');
    for (const out of [path.join(file, 'export'), file, run]) {
      const r = await runCli(['export', run, '--out', out]);
      assert.notEqual(r.code, 0, `${out}: ${r.stdout}`);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^paper-lab: --out: /m);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
    assert.equal(fs.readFileSync(file, 'utf8'), 'keep');
    assert.deepEqual(filesUnder(root), [...before, 'file.txt'].sort(), 'no export');
    assert.deepEqual(fs.readdirSync(root).sort(), ['file.txt', 'run'], 'no temporary folder');
    assert.deepEqual(fs.readdirSync(run).sort(), ['metrics.jsonl', 'outputs', 'run.json', 'summary.json']);

    const notRun = await runCli(['export', root]);
    assert.equal(notRun.code, 2);
    assert.match(notRun.stderr, /^paper-lab: export: .* is not a run folder \(it has no run\.json\)$/m);

    // A second export into the same default folder is refused rather than mixed with the first.
    assert.equal((await runCli(['export', run])).code, 0);
    const again = await runCli(['export', run]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /--out: .*export is not empty .*an export needs a new or empty folder/);
  });

  it('writes all or nothing: a write that fails halfway removes the temporary folder and the parents it made', () => {
    const root = tmp();
    const target = path.join(root, 'deep', 'er', 'out');
    const files = new Map([
      ['a.txt', 'A'],
      ['b.txt', 'B'],
      ['c.txt', 'C'],
    ]);
    let writes = 0;
    const failing: FolderWriter = {
      ...nodeFolderWriter,
      writeFile: (file, data) => {
        if (++writes === 2) throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
        nodeFolderWriter.writeFile(file, data);
      },
    };
    assert.throws(
      () => writeFolderAtomic(target, files, failing),
      (e: unknown) =>
        e instanceof RunWriteError && /could not write .*out[/\\]b\.txt: no space left on device/.test(e.message),
    );
    assert.deepEqual(fs.readdirSync(root), [], 'the parents it made are gone too');

    // A failing rename leaves the target's parent as it was.
    fs.mkdirSync(path.join(root, 'p'));
    const noRename: FolderWriter = {
      ...nodeFolderWriter,
      rename: () => {
        throw Object.assign(new Error('io'), { code: 'EIO' });
      },
    };
    assert.throws(() => writeFolderAtomic(path.join(root, 'p', 'out'), files, noRename), RunWriteError);
    assert.deepEqual(fs.readdirSync(path.join(root, 'p')), []);

    // And it does write, into an empty folder too.
    fs.mkdirSync(path.join(root, 'p', 'out'));
    writeFolderAtomic(path.join(root, 'p', 'out'), files);
    assert.deepEqual(filesUnder(path.join(root, 'p')), ['out/a.txt', 'out/b.txt', 'out/c.txt']);
    assert.equal(fs.readFileSync(path.join(root, 'p', 'out', 'b.txt'), 'utf8'), 'B');
  });

  it('reads the versions of older run folders from their versions map, or says they were not recorded', () => {
    const dir = tmp();
    const record = runRecord({ status: 'completed', versions: { node: '20', 'tfjs-core': '4.1.0' } });
    const run = {
      dir,
      record,
      points: [],
      outputs: [],
      summary: runSummary(record, 0.123456),
    } satisfies RunData;
    const md = claimsMarkdown(run);
    assert.match(md, /^\| Paper Lab version \| not recorded \|$/m);
    assert.match(md, /^\| TensorFlow.js version \| 4\.1\.0 \|$/m);
    assert.match(md, /^\| final loss below 0\.5 \| 0\.1235 \| < 0\.5 \| PASS \|$/m);
  });

  it('draws a chart whose polylines leave out points it cannot draw', () => {
    const svg = lineChartSvg({
      title: 'A & B <test>',
      xLabel: 'step',
      yLabel: 'loss',
      logY: true,
      series: [
        {
          label: 'a',
          points: [
            [1, 1],
            [2, 0],
            [3, NaN],
            [4, 0.01],
          ],
        },
        { label: 'b', points: [] },
      ],
    });
    wellFormedTags(svg);
    assert.match(svg, /<title>A &amp; B &lt;test&gt;<\/title>/);
    const points = [...svg.matchAll(/<polyline [^>]*points="([^"]*)"/g)].map((m) => m[1] ?? '');
    assert.equal(points.length, 2);
    assert.equal(points[0]?.split(' ').length, 2, 'zero and NaN are left out on a log axis');
    assert.equal(points[1], '');
  });
});
