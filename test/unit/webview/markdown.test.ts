import assert from 'node:assert/strict';
import { parseBlocks, parseInline, type Inline } from '../../../src/webviews/markdown';

const text = (t: string): Inline => ({ kind: 'text', text: t });

describe('webview markdown: inline', () => {
  it('keeps plain text as one token, including characters HTML would interpret', () => {
    assert.deepEqual(parseInline('a <b>c</b> & d'), [text('a <b>c</b> & d')]);
  });

  it('parses bold, italic and code', () => {
    assert.deepEqual(parseInline('x **bold** y *it* z `a*b`'), [
      text('x '),
      { kind: 'bold', children: [text('bold')] },
      text(' y '),
      { kind: 'italic', children: [text('it')] },
      text(' z '),
      { kind: 'code', text: 'a*b' },
    ]);
  });

  it('nests italic and math inside bold', () => {
    assert.deepEqual(parseInline('**a *b* $c$**'), [
      {
        kind: 'bold',
        children: [
          text('a '),
          { kind: 'italic', children: [text('b')] },
          text(' '),
          { kind: 'math', tex: 'c', display: false },
        ],
      },
    ]);
  });

  it('parses inline and display math without touching the TeX', () => {
    assert.deepEqual(parseInline('rate $\\eta_l = 10^{-1.5}$ and $$\\sum_i x_i$$.'), [
      text('rate '),
      { kind: 'math', tex: '\\eta_l = 10^{-1.5}', display: false },
      text(' and '),
      { kind: 'math', tex: '\\sum_i x_i', display: true },
      text('.'),
    ]);
  });

  it('does not treat a `*` inside math as emphasis', () => {
    assert.deepEqual(parseInline('$a*b$ and *c*'), [
      { kind: 'math', tex: 'a*b', display: false },
      text(' and '),
      { kind: 'italic', children: [text('c')] },
    ]);
  });

  it('leaves unclosed markers and lone dollars as text', () => {
    assert.deepEqual(parseInline('costs $5 and $ 6, **open, *also, `tick'), [
      text('costs $5 and $ 6, **open, *also, `tick'),
    ]);
  });

  it('honours backslash escapes', () => {
    assert.deepEqual(parseInline('\\*not italic\\* \\$x\\$'), [text('*not italic* $x$')]);
  });

  it('keeps snake_case words plain but allows _emphasis_', () => {
    assert.deepEqual(parseInline('a snake_case_name and _this_'), [
      text('a snake_case_name and '),
      { kind: 'italic', children: [text('this')] },
    ]);
  });
});

describe('webview markdown: blocks', () => {
  it('splits headings, paragraphs, lists and display math', () => {
    const md = [
      '## Idea',
      'First line',
      'continues here.',
      '',
      '### Details',
      '- one',
      '- two with `code`',
      '  continued',
      '',
      '$$',
      'x_{t+1} = x_t + \\eta',
      '$$',
      'After.',
    ].join('\n');
    assert.deepEqual(parseBlocks(md), [
      { kind: 'heading', level: 2, inlines: [text('Idea')] },
      { kind: 'paragraph', inlines: [text('First line continues here.')] },
      { kind: 'heading', level: 3, inlines: [text('Details')] },
      {
        kind: 'list',
        items: [[text('one')], [text('two with '), { kind: 'code', text: 'code' }, text(' continued')]],
      },
      { kind: 'math', tex: 'x_{t+1} = x_t + \\eta' },
      { kind: 'paragraph', inlines: [text('After.')] },
    ]);
  });

  it('reads one-line display math and CRLF input', () => {
    assert.deepEqual(parseBlocks('Text\r\n$$a^2$$\r\nmore'), [
      { kind: 'paragraph', inlines: [text('Text')] },
      { kind: 'math', tex: 'a^2' },
      { kind: 'paragraph', inlines: [text('more')] },
    ]);
  });

  it('keeps an unclosed display block as text', () => {
    assert.deepEqual(parseBlocks('$$ a\nb'), [{ kind: 'paragraph', inlines: [text('$$ a b')] }]);
  });

  it('maps deeper headings to level 3 and a top heading to level 2', () => {
    const levels = parseBlocks('# A\n#### B').map((b) => (b.kind === 'heading' ? b.level : 0));
    assert.deepEqual(levels, [2, 3]);
  });

  it('returns nothing for empty input', () => {
    assert.deepEqual(parseBlocks('\n  \n'), []);
  });
});
