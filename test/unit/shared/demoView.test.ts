import { strict as assert } from 'node:assert';
import { PAPERS } from '../../../src/models/catalog';
import { toDemoView } from '../../../src/shared/webviewProtocol';

describe('the demo as the panel sees it', () => {
  it('carries no functions, so it survives the trip to the webview unchanged', () => {
    for (const paper of PAPERS) {
      for (const demo of paper.demos) {
        const view = toDemoView(demo);
        assert.deepEqual(JSON.parse(JSON.stringify(view)), view, `${paper.meta.id}/${demo.id}`);
      }
    }
  });

  it('names the presets a restricted claim applies to, and leaves the others unrestricted', () => {
    const rims = PAPERS.find((p) => p.meta.id === 'rims')?.demos[0];
    assert.ok(rims);
    const claims = Object.fromEntries(toDemoView(rims).claims.map((c) => [c.id, c.presets]));
    assert.equal(claims['rim-retention'], undefined);
    assert.deepEqual(claims['rim-long-accuracy-paper'], ['paper']);
    assert.equal(claims['dormant-quiet'], undefined);
  });
});
