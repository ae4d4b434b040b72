import { strict as assert } from 'node:assert';
import { closestIds, completionContext, editDistance } from '../../../src/shared/annotationAssist';
import { equationIndex } from '../../../src/models/catalog';

describe('writing @paper annotations', () => {
  it('completes the paper id, then the equation ref of that paper', () => {
    assert.deepEqual(completionContext('    # @paper '), { kind: 'paper', typed: '' });
    assert.deepEqual(completionContext('// @paper fed'), { kind: 'paper', typed: 'fed' });
    assert.deepEqual(completionContext('// @paper fedopt '), { kind: 'ref', paper: 'fedopt', typed: '' });
    assert.deepEqual(completionContext('// @paper fedopt server-y'), {
      kind: 'ref',
      paper: 'fedopt',
      typed: 'server-y',
    });
    assert.deepEqual(completionContext('x = 1  # paper fedopt'), { kind: 'none' });
    assert.deepEqual(completionContext('// @paper fedopt server-yogi '), { kind: 'none' }, 'both given');
  });

  it('measures edit distance as insertions, deletions and substitutions', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('fedopt', 'fedopt'), 0);
  });

  it('suggests the known ids a typo most likely meant, and none for an unrelated word', () => {
    const papers = [...equationIndex().keys()];
    assert.deepEqual(closestIds('fedpot', papers).slice(0, 1), ['fedopt']);
    assert.deepEqual(closestIds('score_sde', papers).slice(0, 1), ['score-sde']);
    assert.deepEqual(closestIds('transformer', papers), []);
    const refs = equationIndex().get('fedopt') ?? [];
    assert.ok(refs.length > 0);
    const ref = refs[0] ?? '';
    const typo = ref.slice(0, -1);
    assert.equal(closestIds(typo, refs)[0], ref, `"${typo}" → "${ref}"`);
  });
});
