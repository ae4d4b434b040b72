/**
 * Scoring decoded names: a beam counts as an entity only when it is finished and its detokenised
 * string is exactly one of the knowledge base's names (looked up, not assumed from the trie).
 */
import { strict as assert } from 'node:assert';
import { buildDataset } from '../../../src/models/genre/contexts';
import { loadKnowledgeBase } from '../../../src/models/genre/knowledgeBase';
import { entityOfBeam, score } from '../../../src/models/genre/retrieval';
import { useRepositoryData } from '../../helpers/data';

describe('genre retrieval scoring', () => {
  before(() => useRepositoryData());

  it('finds every entity from its own name tokens, and nothing from prefixes or unfinished beams', async () => {
    const kb = await loadKnowledgeBase();
    const data = buildDataset(kb);
    const beam = (tokens: readonly number[], finished = true) => ({ tokens, logProb: -1, score: -1, finished });
    data.names.forEach((tokens, e) => {
      assert.equal(entityOfBeam(kb, data, beam(tokens)), e, kb.entities[e]?.name);
      assert.equal(entityOfBeam(kb, data, beam(tokens, false)), -1);
      // A proper prefix is a name only when the knowledge base has that shorter name ("georgia" is not one).
      const prefix = tokens.slice(0, -1);
      const shorter = data.names.findIndex((n) => n.length === prefix.length && n.every((t, i) => t === prefix[i]));
      assert.equal(entityOfBeam(kb, data, beam(prefix)), shorter);
    });
    assert.equal(entityOfBeam(kb, data, undefined), -1);
  });

  it('scores exact match, invalid names and the ambiguous subset by counting', async () => {
    const kb = await loadKnowledgeBase();
    const data = buildDataset(kb);
    const examples = [
      ...data.test.filter((e) => e.ambiguous).slice(0, 2),
      ...data.test.filter((e) => !e.ambiguous).slice(0, 3),
    ];
    const name = (e: number) => ({ tokens: data.names[e] ?? [], logProb: -1, score: -1, finished: true });
    const other = (e: number) => (e + 1) % kb.entities.length;
    // Ambiguous: one right, one wrong name; unambiguous: right, not a name, unfinished.
    const beams = [
      [name(examples[0]?.entity ?? 0)],
      [name(other(examples[1]?.entity ?? 0))],
      [name(examples[2]?.entity ?? 0)],
      [{ tokens: [data.words.indexOf('.')], logProb: -1, score: -1, finished: true }],
      [{ ...name(examples[4]?.entity ?? 0), finished: false }],
    ];
    const s = score(kb, data, examples, beams);
    assert.equal(s.accuracy, 2 / 5);
    assert.equal(s.invalid, 2 / 5);
    assert.equal(s.ambiguousAccuracy, 1 / 2);
    assert.equal(s.unambiguousAccuracy, 1 / 3);
  });
});
