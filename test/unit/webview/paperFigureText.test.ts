import { strict as assert } from 'node:assert';
import { PAPERS } from '../../../src/models/catalog';
import type { PaperFigure } from '../../../src/shared/catalog';
import { toDemoView } from '../../../src/shared/webviewProtocol';
import { paperFigureLine, paperFigureSetting, paperFigureText } from '../../../src/webviews/paperFigureText';

describe('the "paper: …" line', () => {
  it('gives the value, its unit and the table', () => {
    const f: PaperFigure = {
      id: 'x',
      what: 'NLL',
      value: '2.99',
      unit: 'bits/dim',
      source: 'Table 2',
      setting: 'CIFAR-10',
    };
    assert.equal(paperFigureText(f), 'paper: 2.99 bits/dim (Table 2)');
    assert.equal(paperFigureText({ ...f, value: '2.20', unit: undefined, source: 'Table 3' }), 'paper: 2.20 (Table 3)');
    assert.equal(paperFigureLine(f), 'NLL — paper: 2.99 bits/dim (Table 2)');
    assert.equal(paperFigureSetting(f), 'Paper’s setting: CIFAR-10');
  });

  it('is written for every figure the panel receives, beside its claim or plot', () => {
    let count = 0;
    for (const paper of PAPERS) {
      for (const demo of paper.demos) {
        const view = toDemoView(demo);
        for (const holder of [...view.claims, ...view.plots]) {
          for (const f of holder.paperFigures ?? []) {
            const text = paperFigureText(f);
            const where = `${paper.meta.id}/${demo.id}/${holder.id}/${f.id}`;
            assert.ok(text.startsWith(`paper: ${f.value}`), `${where}: ${text}`);
            if (f.unit) assert.ok(text.includes(` ${f.unit} `), `${where}: ${text}`);
            assert.ok(text.endsWith(`(${f.source})`), `${where}: ${text}`);
            assert.ok(paperFigureLine(f).startsWith(`${f.what} — `), where);
            assert.ok(paperFigureSetting(f).includes(f.setting), where);
            count++;
          }
        }
      }
    }
    const declared = PAPERS.flatMap((p) => p.demos.flatMap((d) => d.paperFigures ?? [])).length;
    assert.equal(count, declared);
    assert.ok(count > 0);
  });
});
