import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { presetTime, presetTimeLine, readPresetTimes } from '../../../src/extension/presetTimes';
import { PAPERS } from '../../../src/models/catalog';

const file = path.join(__dirname, '..', '..', '..', 'media', 'preset-times.json');

describe('preset times shown by Run Demo', () => {
  const times = readPresetTimes(JSON.parse(fs.readFileSync(file, 'utf8')));

  it('has a time for every quick preset, measured with the config it has now (re-measure with scripts/measure-presets.mjs)', () => {
    const stale: string[] = [];
    for (const paper of PAPERS) {
      for (const demo of paper.demos) {
        const config = demo.presets['quick'];
        if (!presetTime(times, paper.meta.id, demo.id, 'quick', config)) stale.push(`${paper.meta.id}/${demo.id}`);
      }
    }
    assert.deepEqual(stale, [], 'quick presets without a time for their current config');
  });

  it('keeps no stale time: every entry was measured with its preset as it is now', () => {
    const stale = times
      .filter((t) => {
        const demo = PAPERS.find((p) => p.meta.id === t.paper)?.demos.find((d) => d.id === t.demo);
        return presetTime(times, t.paper, t.demo, t.preset, demo?.presets[t.preset]) !== t;
      })
      .map((t) => `${t.paper}/${t.demo}/${t.preset}`);
    assert.deepEqual(stale, []);
  });

  it('times every preset', () => {
    const untimed = PAPERS.flatMap((paper) =>
      paper.demos.flatMap((demo) =>
        Object.entries(demo.presets)
          .filter(([preset, config]) => !presetTime(times, paper.meta.id, demo.id, preset, config))
          .map(([preset]) => `${paper.meta.id}/${demo.id}/${preset}`),
      ),
    );
    assert.deepEqual(untimed.sort(), []);
  });

  it('hides a time once the preset changes', () => {
    const [entry] = times;
    assert.ok(entry);
    assert.equal(presetTime(times, entry.paper, entry.demo, entry.preset, entry.config), entry);
    const changed = { ...entry.config, extra: 1 };
    assert.equal(presetTime(times, entry.paper, entry.demo, entry.preset, changed), undefined);
    const first = Object.keys(entry.config)[0] ?? '';
    assert.equal(
      presetTime(times, entry.paper, entry.demo, entry.preset, { ...entry.config, [first]: 'x' }),
      undefined,
    );
  });

  it('reads as a short line, and says when a preset was not timed', () => {
    const base = {
      paper: 'p',
      demo: 'd',
      preset: 'quick',
      backend: 'wasm',
      cores: 2,
      measuredAt: '2026-12-07',
      config: {},
    };
    assert.equal(presetTimeLine({ ...base, seconds: 43 }), 'about 45 s on 2 cores (wasm, measured 2026-12-07)');
    assert.equal(presetTimeLine({ ...base, seconds: 600 }), 'about 10 min on 2 cores (wasm, measured 2026-12-07)');
    assert.equal(presetTimeLine(undefined), 'not timed here');
    assert.deepEqual(readPresetTimes({ entries: [{ paper: 'p' }, 3] }), []);
  });
});
