// Measures how long each demo's presets take on this machine, through the CLI as a user would run
// them (`paper-lab run <paper> --demo D --preset P --seed 0`, backend auto), and records the wall
// time with the preset's config in media/preset-times.json. The Run Demo picker shows these times;
// a unit test fails when a preset's config no longer matches the one that was timed.
//
// Usage: node scripts/measure-presets.mjs [--presets quick,paper] [paper …]
// Needs a build (npm run build). Run it on an otherwise idle machine.
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCatalog } from './toolchain.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const file = join(root, 'media', 'preset-times.json');
const cli = join(root, 'dist', 'cli.js');
if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build first');

const args = process.argv.slice(2);
const presetsFlag = args.indexOf('--presets');
const presets = presetsFlag >= 0 ? args[presetsFlag + 1].split(',') : ['quick'];
const papers = args.filter((a, i) => !a.startsWith('--') && !(presetsFlag >= 0 && i === presetsFlag + 1));

/** Papers, demos and their preset configs, read from the catalog source. */
const catalog = () =>
  readCatalog('(p) => ({ id: p.meta.id, demos: p.demos.map((d) => ({ id: d.id, presets: d.presets })) })');

const times = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { entries: [] };
for (const paper of catalog()) {
  if (papers.length > 0 && !papers.includes(paper.id)) continue;
  for (const demo of paper.demos) {
    for (const preset of presets) {
      const config = demo.presets[preset];
      if (!config) continue;
      const out = join(mkdtempSync(join(tmpdir(), 'paper-lab-preset-')), 'run');
      const args = [cli, 'run', paper.id, '--demo', demo.id, '--preset', preset, '--seed', '0', '--out', out];
      const t0 = Date.now();
      const r = spawnSync(process.execPath, args, {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const seconds = (Date.now() - t0) / 1000;
      const record = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
      rmSync(dirname(out), { recursive: true, force: true });
      if (r.status !== 0 && record.status !== 'completed') {
        console.error(`${paper.id}/${demo.id}/${preset}: ${record.status}, not recorded`);
        continue;
      }
      const entry = {
        paper: paper.id,
        demo: demo.id,
        preset,
        seconds: Math.round(seconds),
        backend: record.backend?.chosen ?? 'unknown',
        cores: cpus().length,
        measuredAt: new Date().toISOString().slice(0, 10),
        config,
      };
      times.entries = [
        ...times.entries.filter((e) => !(e.paper === paper.id && e.demo === demo.id && e.preset === preset)),
        entry,
      ];
      console.log(`${paper.id}/${demo.id}/${preset}: ${entry.seconds} s on ${entry.backend}`);
      writeFileSync(file, JSON.stringify(times, null, 2) + '\n');
    }
  }
}
