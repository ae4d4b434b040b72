import { strict as assert } from 'node:assert';
import { seriesColor, withAlpha } from '../../../src/webviews/seriesColor';

describe('webview series colours', () => {
  const base = ['#3794ff', '#f14c4c', '#89d185', '#cca700', '#d18616', '#b180d7'];

  it('uses the theme’s chart colours first', () => {
    for (const dark of [true, false]) {
      const palette = { series: base, dark, foreground: '#ccc' };
      assert.deepEqual(
        base.map((_, i) => seriesColor(palette, i)),
        base,
      );
    }
  });

  it('gives twenty classes twenty different colours, lighter on dark themes than on light ones', () => {
    for (const dark of [true, false]) {
      const palette = { series: base, dark, foreground: '#ccc' };
      const colours = Array.from({ length: 20 }, (_, i) => seriesColor(palette, i));
      assert.equal(new Set(colours).size, 20, colours.join(' '));
    }
    const lightness = (c: string): number => Number(/, (\d+)%\)$/.exec(c)?.[1]);
    for (let i = 6; i < 20; i++) {
      const onDark = lightness(seriesColor({ series: base, dark: true, foreground: '' }, i));
      const onLight = lightness(seriesColor({ series: base, dark: false, foreground: '' }, i));
      assert.ok(onDark >= 50 && onLight <= 50, `class ${i}: ${onDark}% on dark, ${onLight}% on light`);
    }
  });
});

describe('translucent band colours', () => {
  it('adds the alpha to hex, rgb and hsl colours and leaves names alone', () => {
    assert.equal(withAlpha('#3794ff', 0.2), 'rgba(55, 148, 255, 0.2)');
    assert.equal(withAlpha('#fff', 0.5), 'rgba(255, 255, 255, 0.5)');
    assert.equal(withAlpha('rgb(1, 2, 3)', 0.1), 'rgba(1, 2, 3, 0.1)');
    assert.equal(withAlpha('hsl(120, 70%, 50%)', 0.3), 'hsla(120, 70%, 50%, 0.3)');
    assert.equal(withAlpha('rgba(1, 2, 3, 0.9)', 0.3), 'rgba(1, 2, 3, 0.3)');
    assert.equal(withAlpha('red', 0.3), 'red');
  });
});
