import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import katex from 'katex';
import { explanationPath, type Equation, type PaperId, type PaperMeta } from '../../src/shared/catalog';
import { PAPERS } from '../../src/models/catalog';
import * as ance from '../../src/models/ance/paper';
import * as drq from '../../src/models/drq/paper';
import * as fedopt from '../../src/models/fedopt/paper';
import * as flyvec from '../../src/models/flyvec/paper';
import * as genre from '../../src/models/genre/paper';
import * as rims from '../../src/models/rims/paper';
import * as scoreSde from '../../src/models/score-sde/paper';

interface PaperContent {
  readonly meta: PaperMeta;
  readonly equations: readonly Equation[];
}

const CONTENT: Readonly<Record<PaperId, PaperContent>> = {
  rims,
  'score-sde': scoreSde,
  genre,
  ance,
  drq,
  fedopt,
  flyvec,
};

/** Equation numbers confirmed against each paper; any other paperNumber is an error. */
const CONFIRMED_NUMBERS: Readonly<Record<PaperId, readonly string[]>> = {
  rims: [],
  'score-sde': ['5', '6', '7', '13', '39'],
  genre: [],
  ance: [],
  drq: [],
  fedopt: [],
  flyvec: [],
};

const ROOT = join(__dirname, '..', '..');

/** Removes display math, inline math and code, which may legitimately contain `<` and `>`. */
function stripMathAndCode(markdown: string): string {
  return markdown
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/\$\$[\s\S]*?\$\$/g, ' ')
    .replace(/\$[^$\n]+\$/g, ' ')
    .replace(/`[^`\n]+`/g, ' ');
}

describe('catalog content', () => {
  for (const [id, paper] of Object.entries(CONTENT) as [PaperId, PaperContent][]) {
    describe(id, () => {
      it('has metadata for this id with https links', () => {
        assert.equal(paper.meta.id, id);
        assert.equal(paper.meta.venue, 'ICLR 2021');
        assert.ok(paper.meta.title.length > 0 && paper.meta.shortName.length > 0);
        assert.ok(paper.meta.authors.length > 0);
        const links = [paper.meta.links.openreview, paper.meta.links.code, paper.meta.links.arxiv];
        for (const link of links) {
          if (link === undefined) continue;
          assert.equal(new URL(link).protocol, 'https:', link);
        }
        assert.match(paper.meta.links.openreview, /^https:\/\/openreview\.net\/forum\?id=/);
      });

      it('renders every equation with KaTeX', () => {
        assert.ok(paper.equations.length >= 5);
        for (const eq of paper.equations) {
          assert.doesNotThrow(
            () => katex.renderToString(eq.tex, { displayMode: true, throwOnError: true }),
            `${id}/${eq.ref}`,
          );
          assert.ok(!eq.tex.includes('\\tag'), `${id}/${eq.ref} must not carry \\tag`);
        }
      });

      it('has unique, well-formed refs', () => {
        const refs = paper.equations.map((e) => e.ref);
        assert.equal(new Set(refs).size, refs.length, 'duplicate ref');
        for (const ref of refs) assert.match(ref, /^[a-z0-9-]+$/);
      });

      it('uses only confirmed equation numbers', () => {
        for (const eq of paper.equations) {
          if (eq.paperNumber === undefined) continue;
          assert.ok(
            CONFIRMED_NUMBERS[id].includes(eq.paperNumber),
            `${id}/${eq.ref}: equation number ${eq.paperNumber} is not confirmed`,
          );
        }
      });

      it('has an explanation of 200+ words without HTML', () => {
        const file = join(ROOT, explanationPath(id));
        assert.ok(existsSync(file), `${file} is missing`);
        const text = readFileSync(file, 'utf8');
        const words = text.split(/\s+/).filter((w) => w.length > 0);
        assert.ok(words.length >= 200, `${id}: only ${words.length} words`);
        assert.doesNotMatch(stripMathAndCode(text), /<\/?[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?\/?>/);
      });

      it('uses the supported Markdown subset and valid KaTeX in its explanation', () => {
        const text = readFileSync(join(ROOT, explanationPath(id)), 'utf8');
        // The panel renders `-` lists only: numbered lists would run together into one paragraph.
        assert.doesNotMatch(text, /^\s*\d+\.\s/m, 'numbered list');
        const display = [...text.matchAll(/\$\$([\s\S]+?)\$\$/g)].map((m) => m[1] ?? '');
        const rest = text.replace(/\$\$[\s\S]+?\$\$/g, ' ');
        const inline = [...rest.matchAll(/\$([^$\n]+)\$/g)].map((m) => m[1] ?? '');
        assert.equal((rest.match(/\$/g) ?? []).length, inline.length * 2, 'unbalanced $');
        for (const tex of display) katex.renderToString(tex, { displayMode: true, throwOnError: true });
        for (const tex of inline) katex.renderToString(tex, { displayMode: false, throwOnError: true });
      });
    });
  }

  it('says in one line what each preset of each demo shows', () => {
    for (const paper of PAPERS) {
      for (const demo of paper.demos) {
        for (const preset of Object.keys(demo.presets)) {
          const note = demo.presetNotes?.[preset] ?? '';
          assert.ok(note.length >= 30 && note.length <= 200, `${paper.meta.id}/${demo.id}/${preset}: "${note}"`);
          assert.doesNotMatch(note, /\n/, 'one line');
        }
      }
    }
  });

  it('keeps fedopt refs fixed for the implementation annotations', () => {
    assert.deepEqual(
      fedopt.equations.map((e) => e.ref),
      [
        'client-update',
        'pseudo-gradient',
        'server-momentum',
        'fedavg-update',
        'adagrad-accumulator',
        'adam-accumulator',
        'yogi-accumulator',
        'adaptive-update',
      ],
    );
  });
});
