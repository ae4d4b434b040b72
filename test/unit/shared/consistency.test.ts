/**
 * Keeps the manifest, the catalog and the source annotations consistent:
 * every contributed command is registered and vice versa; every annotation in the shipped
 * sources resolves; every equation of a paper whose implementation ships is annotated somewhere.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkAnnotations, parseAnnotations, type Annotation } from '../../../src/shared/annotations';
import { PAPERS, equationIndex } from '../../../src/models/catalog';

const root = path.resolve(__dirname, '..', '..', '..');

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

interface Manifest {
  contributes: { commands: { command: string }[]; menus: Record<string, { command: string }[]> };
}

describe('manifest ↔ code', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
  const contributed = manifest.contributes.commands.map((c) => c.command).sort();
  const source = walk(path.join(root, 'src', 'extension'))
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
  const registered = [...source.matchAll(/register\('(paperLab\.[A-Za-z]+)'/g)].map((m) => m[1] ?? '').sort();

  it('registers every contributed command and contributes every registered one', () => {
    assert.ok(registered.length >= 10, `found only ${registered.length} registrations`);
    assert.deepEqual(registered, contributed);
  });

  it('names only contributed commands in menus', () => {
    for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
      for (const item of items) assert.ok(contributed.includes(item.command), `${menu}: ${item.command}`);
    }
  });
});

describe('catalog ↔ annotations', () => {
  const files = walk(path.join(root, 'src', 'models')).filter((f) => f.endsWith('.ts'));
  const found: { file: string; annotation: Annotation }[] = files.flatMap((file) =>
    parseAnnotations(fs.readFileSync(file, 'utf8')).map((annotation) => ({ file, annotation })),
  );

  it('resolves every annotation in the shipped sources', () => {
    const problems = checkAnnotations(
      found.map((f) => f.annotation),
      equationIndex(),
    );
    assert.deepEqual(
      problems.map((p) => p.message),
      [],
    );
  });

  it('implements every equation of each paper whose implementation ships', () => {
    const shipped = PAPERS.filter((p) => p.sources.length > 0);
    assert.ok(shipped.length >= 1, 'at least one paper ships its implementation');
    for (const paper of shipped) {
      const annotated = new Set(found.filter((f) => f.annotation.paper === paper.meta.id).map((f) => f.annotation.ref));
      const missing = paper.equations.filter((e) => !annotated.has(e.ref)).map((e) => e.ref);
      assert.deepEqual(missing, [], `${paper.meta.id}: equations without an implementing line`);
    }
  });

  it('lists only existing files as sources, and they carry the annotations', () => {
    for (const paper of PAPERS) {
      for (const file of paper.sources) assert.ok(fs.existsSync(path.join(root, file)), `${paper.meta.id}: ${file}`);
    }
  });

  it('has unique paper ids in the catalog order the tree shows', () => {
    assert.deepEqual(
      PAPERS.map((p) => p.meta.id),
      ['rims', 'score-sde', 'genre', 'ance', 'drq', 'fedopt', 'flyvec'],
    );
  });
});
