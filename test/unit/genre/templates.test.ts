/**
 * The per-template table of held-out exact match: counts checked against beams built by hand
 * (the gold name, a name of another type, a name of the same type, an unfinished beam).
 */
import { strict as assert } from 'node:assert';
import type { Beam } from '../../../src/models/genre/beamSearch';
import { buildDataset, type Example } from '../../../src/models/genre/contexts';
import { loadKnowledgeBase } from '../../../src/models/genre/knowledgeBase';
import { templateTable } from '../../../src/models/genre/train';
import { useRepositoryData } from '../../helpers/data';

const beamOf = (tokens: readonly number[], finished = true): Beam => ({ tokens, logProb: -1, score: -1, finished });

describe('genre: exact match per held-out template', () => {
  before(() => useRepositoryData());

  it('gives every held-out context a template that no training context uses', async () => {
    const data = buildDataset(await loadKnowledgeBase());
    const trainTemplates = new Set(data.train.map((e) => e.template));
    assert.ok(data.test.every((e) => e.template.includes('{m}') && !trainTemplates.has(e.template)));
    assert.ok(new Set(data.test.map((e) => e.template)).size >= 8, 'two held-out templates per type');
  });

  it('gives every held-out context a text of its own entity but six: two Congos, two Koreas, two Virgin Islands', async () => {
    const kb = await loadKnowledgeBase();
    const data = buildDataset(kb);
    const entitiesOf = new Map<string, Set<number>>();
    for (const e of data.test) entitiesOf.set(e.text, (entitiesOf.get(e.text) ?? new Set()).add(e.entity));
    const undecidable = data.test.filter((e) => (entitiesOf.get(e.text)?.size ?? 0) > 1);
    assert.equal(undecidable.length, 6);
    assert.ok(
      undecidable.every((e) => e.ambiguous && e.template === 'the people of {m} , in {continent} , voted today .'),
    );
    assert.deepEqual([...new Set(undecidable.map((e) => /\[START_ENT\] (.*) \[END_ENT\]/.exec(e.text)?.[1]))].sort(), [
      'Congo',
      'Korea',
      'Virgin Islands',
    ]);
    // Every other held-out context has a text of its own, so its context can decide.
    assert.ok(data.test.filter((e) => e.ambiguous).length > 30);
  });

  it('counts hits, misses of another type and misses of the same type per template', async () => {
    const kb = await loadKnowledgeBase();
    const data = buildDataset(kb);
    const capitalTemplate = data.test.find((e) => kb.entities[e.entity]?.type === 'capital')?.template;
    assert.ok(capitalTemplate);
    const examples = data.test.filter((e) => e.template === capitalTemplate).slice(0, 8);
    assert.equal(examples.length, 8);
    const country = kb.entities.findIndex((e) => e.type === 'country');
    const name = (entity: number): readonly number[] => data.names[entity] ?? [];
    const otherCapital = (e: Example) => kb.entities.findIndex((x, i) => x.type === 'capital' && i !== e.entity);
    // Constrained: 3 right, 3 a country, 1 another capital, 1 unfinished. Free: 5 right, 3 wrong.
    const constrained = examples.map((e, i) => {
      if (i < 3) return [beamOf(name(e.entity))];
      if (i < 6) return [beamOf(name(country))];
      if (i === 6) return [beamOf(name(otherCapital(e)))];
      return [beamOf(name(e.entity), false)];
    });
    const free = examples.map((e, i) => [beamOf(i < 5 ? name(e.entity) : name(country))]);
    const table = templateTable(kb, data, examples, constrained, free);
    assert.equal(table.id, 'templates');
    assert.deepEqual(table.rows, [['capital', capitalTemplate, 8, 3 / 8, 5 / 8, 3 / 5]]);
  });

  it('keeps one row per template, in order of first appearance', async () => {
    const kb = await loadKnowledgeBase();
    const data = buildDataset(kb);
    const gold = data.test.map((e) => [beamOf(data.names[e.entity] ?? [])]);
    const table = templateTable(kb, data, data.test, gold, gold);
    const templates = [...new Set(data.test.map((e) => e.template))];
    assert.deepEqual(
      table.rows.map((r) => r[1]),
      templates,
    );
    assert.equal(
      table.rows.reduce((n, r) => n + Number(r[2]), 0),
      data.test.length,
    );
    assert.ok(table.rows.every((r) => r[3] === 1 && r[4] === 1 && r[5] === '—'));
  });
});
