/**
 * The word lists behind the claims (sense examples, validation categories) against the rules they
 * were written to, and the small scoring helpers of the trainer against values computed by hand.
 */
import { strict as assert } from 'node:assert';
import { loadCorpus, maskWords } from '../../../src/models/flyvec/data';
import {
  FUNCTION_WORDS,
  PROBE_CATEGORIES,
  SENSE_EXAMPLES,
  VALIDATION_CATEGORIES,
} from '../../../src/models/flyvec/probes';
import { pairScore, sentenceContext, usage } from '../../../src/models/flyvec/train';
import { useRepositoryData } from '../../helpers/data';

describe('flyvec: sense examples and scoring helpers', () => {
  before(useRepositoryData);

  it('has at least 20 ambiguous words whose indicator words never occur in their sentences', async () => {
    const corpus = maskWords(await loadCorpus(), FUNCTION_WORDS);
    assert.ok(SENSE_EXAMPLES.length >= 20);
    assert.equal(new Set(SENSE_EXAMPLES.map((e) => e.word)).size, SENSE_EXAMPLES.length);
    for (const example of SENSE_EXAMPLES) {
      assert.ok(corpus.ids.has(example.word) && !FUNCTION_WORDS.has(example.word), example.word);
      const sentences = example.senses.flatMap((s) => s.sentences);
      const used = new Set(sentences.flatMap((s) => s.split(' ')));
      for (const sense of example.senses) {
        assert.ok(sense.indicators.length >= 4, `${example.word}/${sense.label}`);
        for (const w of sense.indicators) {
          assert.ok(corpus.ids.has(w), `${example.word}: indicator ${w} is in the vocabulary`);
          assert.ok(!FUNCTION_WORDS.has(w) && w !== example.word, `${example.word}: indicator ${w}`);
          assert.ok(!used.has(w), `${example.word}: indicator ${w} is not in its sentences`);
        }
      }
      for (const sentence of sentences) {
        assert.equal(sentence.split(' ').filter((w) => w === example.word).length, 1, sentence);
        assert.ok(sentenceContext(corpus, sentence, example.word, 11).length >= 2, `window of “${sentence}”`);
      }
    }
  });

  it('keeps the validation categories apart from the probe categories', async () => {
    const corpus = await loadCorpus();
    const probes = new Set(Object.values(PROBE_CATEGORIES).flat());
    const validation = Object.values(VALIDATION_CATEGORIES).flat();
    assert.deepEqual(
      validation.filter((w) => probes.has(w) || !corpus.ids.has(w) || FUNCTION_WORDS.has(w)),
      [],
    );
    assert.equal(new Set(validation).size, validation.length);
  });

  it('reads a sentence window of W words without the word itself and without function words', async () => {
    const corpus = await loadCorpus();
    const ids = (words: string[]): number[] => words.map((w) => corpus.ids.get(w) as number);
    // W = 5: two positions on each side of "interest": "pay the [interest] on the".
    assert.deepEqual(
      sentenceContext(corpus, 'we must pay the interest on the public debt', 'interest', 5),
      ids(['pay']),
    );
    // W = 11: five on each side; "public" and "debt" join.
    assert.deepEqual(
      sentenceContext(corpus, 'we must pay the interest on the public debt', 'interest', 11),
      ids(['pay', 'public', 'debt']),
    );
  });

  it('scores a sense pair 1 when the sense-a sentence leans further towards a, ½ on a tie', () => {
    assert.equal(pairScore(-3, 1), 1);
    assert.equal(pairScore(2, 2), 0.5);
    assert.equal(pairScore(1, -3), 0);
  });

  it('measures how evenly cells share the windows', () => {
    const even = usage(Float64Array.of(5, 5, 5, 5));
    assert.equal(even.topCellShare, 0.25);
    assert.ok(Math.abs(even.effectiveCells - 4) < 1e-12);
    const one = usage(Float64Array.of(0, 9, 0));
    assert.equal(one.topCellShare, 1);
    assert.ok(Math.abs(one.effectiveCells - 1) < 1e-12);
    // Shares (1/2, 1/4, 1/4): entropy = 1.5 log 2, exp = 2^1.5.
    assert.ok(Math.abs(usage(Float64Array.of(2, 1, 1)).effectiveCells - 2 ** 1.5) < 1e-12);
  });
});
