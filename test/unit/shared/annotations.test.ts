import { strict as assert } from 'node:assert';
import { checkAnnotations, parseAnnotations } from '../../../src/shared/annotations';

describe('annotation parser', () => {
  it('finds annotations in several comment styles with their target lines', () => {
    const text = [
      'import numpy as np', // 0
      '# @paper fedopt pseudo-gradient', // 1
      '', // 2
      'delta = np.mean(xs - x, axis=0)', // 3
      '    // @paper score-sde reverse-sde', // 4
      '    // @paper score-sde pc-sampling', // 5
      '    const x = step(x);', // 6
      '/* @paper rims input-attention */', // 7
      'attend();', // 8
    ].join('\n');
    const found = parseAnnotations(text);
    assert.deepEqual(
      found.map((a) => [a.line, a.target, a.paper, a.ref]),
      [
        [1, 3, 'fedopt', 'pseudo-gradient'],
        [4, 6, 'score-sde', 'reverse-sde'],
        [5, 6, 'score-sde', 'pc-sampling'],
        [7, 8, 'rims', 'input-attention'],
      ],
    );
    const first = found[0];
    assert.ok(first);
    assert.equal(first.column, 2);
    assert.equal(
      text.split('\n')[1]?.slice(first.column, first.column + first.length),
      '@paper fedopt pseudo-gradient',
    );
    const block = found[3];
    assert.ok(block);
    assert.equal(
      text.split('\n')[7]?.slice(block.column, block.column + block.length),
      '@paper rims input-attention',
      'the closing */ is not part of the annotation',
    );
  });

  it('ignores @paper outside comments and handles CRLF and a missing ref', () => {
    const text = 'const s = "@paper fedopt x";\r\n# @paper fedopt\r\nvalue = 1\r\n';
    const found = parseAnnotations(text);
    assert.equal(found.length, 1);
    assert.equal(found[0]?.paper, 'fedopt');
    assert.equal(found[0]?.ref, '');
    assert.equal(found[0]?.target, 2);
  });

  it('targets the annotation line itself when no code follows', () => {
    const found = parseAnnotations('x = 1\n# @paper fedopt pseudo-gradient\n\n');
    assert.equal(found[0]?.target, 1);
  });

  it('reports unknown papers, unknown refs and missing refs', () => {
    const index = new Map([['fedopt', ['pseudo-gradient', 'yogi-accumulator']]]);
    const text = [
      '// @paper fedopt pseudo-gradient',
      'a();',
      '// @paper fedopt nonexistent',
      'b();',
      '// @paper nopaper pseudo-gradient',
      'c();',
      '// @paper fedopt',
      'd();',
    ].join('\n');
    const problems = checkAnnotations(parseAnnotations(text), index);
    assert.deepEqual(
      problems.map((p) => p.annotation.line),
      [2, 4, 6],
    );
    assert.match(problems[0]?.message ?? '', /Unknown equation "nonexistent" in fedopt/);
    assert.match(problems[1]?.message ?? '', /Unknown paper "nopaper"/);
    assert.match(problems[2]?.message ?? '', /missing equation reference/);
  });
});
