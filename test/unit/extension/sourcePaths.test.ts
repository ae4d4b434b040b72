import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { firstAnnotatedLine, shippedPath } from '../../../src/extension/sourcePaths';

describe('read-only source view: paths and the line it opens at', () => {
  it('accepts shipped sources only', () => {
    assert.equal(shippedPath('/src/models/fedopt/server.ts'), 'src/models/fedopt/server.ts');
    assert.equal(shippedPath('src/models/rims/rim.ts'), 'src/models/rims/rim.ts');
    for (const bad of [
      '/src/../package.json',
      '/../src/x.ts',
      '/dist/extension.js',
      '/src/./a.ts',
      '/etc/passwd',
      '',
    ]) {
      assert.equal(shippedPath(bad), undefined, bad);
    }
  });

  it('opens at the first annotated line, or the top', () => {
    const text = ['// header', 'const a = 1;', '// @paper fedopt server-update', 'x = x + eta * delta;', ''].join('\n');
    assert.equal(firstAnnotatedLine(text), 3);
    assert.equal(firstAnnotatedLine('const a = 1;\n'), 0);
  });

  it('opens FedOpt’s server at a line that implements an equation', () => {
    const file = path.join(__dirname, '..', '..', '..', 'src', 'models', 'fedopt', 'server.ts');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const line = firstAnnotatedLine(lines.join('\n'));
    assert.ok(line > 0, 'server.ts has annotations');
    assert.match(lines.slice(Math.max(0, line - 3), line).join('\n'), /@paper fedopt/);
  });
});
