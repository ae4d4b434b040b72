// Prepares the GENRE knowledge base: real entity names from two npm data packages.
//
//   countries-list (MIT): 252 countries and territories with their capital and continent;
//   vega-datasets (BSD-3-Clause), data/us-state-capitals.json: the 50 US states and their capitals.
//
// Entities and their unique names (the strings the model must generate):
//   country        the country's name, e.g. "Jamaica"
//   capital        "<city>, <country>", e.g. "Kingston, Jamaica"
//   state          the state's name, e.g. "Ohio"
//   state-capital  "<city>, <state>", e.g. "Atlanta, Georgia"
// Georgia is both a country and a US state; as in Wikipedia's titles the two are named
// "Georgia (country)" and "Georgia (U.S. state)" (capitals keep "Tbilisi, Georgia" and "Atlanta, Georgia").
//
// Mentions: the surface forms that refer to an entity in text. A country is mentioned by its name and by common
// aliases (UAE, DRC, …, some of them ambiguous: "Congo", "Korea", "Virgin Islands"); a capital by its city name
// (ambiguous for "Kingston", "Georgetown" and for city-states such as "Singapore"); a state by its name; a state
// capital by its city name.
//
// Output, under media/data/ (read by src/models/genre/knowledgeBase.ts):
//   genre-kb.json   { version, source, entities: [{ name, type, mentions, facts }] }
// Idempotent: does nothing when the file exists with the expected version.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const KB_FILE = 'media/data/genre-kb.json';
const VERSION = 1;

/** Other surface forms of some countries (first: the short or ambiguous form used in text). */
const ALIASES = {
  'United Arab Emirates': ['UAE'],
  'Democratic Republic of the Congo': ['Congo', 'DRC'],
  'Republic of the Congo': ['Congo', 'Congo-Brazzaville'],
  'North Korea': ['Korea', 'DPRK'],
  'South Korea': ['Korea'],
  'British Virgin Islands': ['Virgin Islands'],
  'U.S. Virgin Islands': ['Virgin Islands', 'USVI'],
  'United States': ['USA', 'US'],
  'United Kingdom': ['UK', 'Britain'],
  'Bosnia and Herzegovina': ['Bosnia'],
  'Central African Republic': ['CAR'],
  'Vatican City': ['Vatican City', 'Holy See'],
};

/** Names the same string would otherwise give to two entities. */
const RENAMED = { country: { Georgia: 'Georgia (country)' }, state: { Georgia: 'Georgia (U.S. state)' } };

function upToDate(path) {
  if (!existsSync(path)) return false;
  try {
    return JSON.parse(readFileSync(path, 'utf8')).version === VERSION;
  } catch {
    return false;
  }
}

function load(root) {
  const require = createRequire(join(root, 'package.json'));
  let countriesList, capitalsPath;
  try {
    countriesList = require('countries-list');
    // The package exports only build/index.js; its data folder sits beside build/.
    capitalsPath = join(dirname(require.resolve('vega-datasets')), '..', 'data', 'us-state-capitals.json');
  } catch {
    throw new Error('genre data: the countries-list and vega-datasets packages are not installed (npm install)');
  }
  return {
    countries: Object.values(countriesList.countries),
    continents: countriesList.continents,
    stateCapitals: JSON.parse(readFileSync(capitalsPath, 'utf8')),
  };
}

/** The knowledge base as a list of entities, in a fixed order (countries, capitals, states, state capitals). */
export function buildKnowledgeBase({ countries, continents, stateCapitals }) {
  const entities = [];
  const countryName = (name) => RENAMED.country[name] ?? name;
  const stateName = (name) => RENAMED.state[name] ?? name;
  const sorted = [...countries].sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const c of sorted) {
    const facts = { continent: continents[c.continent] };
    if (c.capital) facts.capital = c.capital;
    entities.push({
      name: countryName(c.name),
      type: 'country',
      mentions: [c.name, ...(ALIASES[c.name] ?? [])],
      facts,
    });
  }
  for (const c of sorted) {
    if (!c.capital) continue;
    entities.push({
      name: `${c.capital}, ${c.name}`,
      type: 'capital',
      mentions: [c.capital],
      facts: { country: c.name, continent: continents[c.continent] },
    });
  }
  const states = [...stateCapitals].sort((a, b) => (a.state < b.state ? -1 : 1));
  for (const s of states) {
    entities.push({ name: stateName(s.state), type: 'state', mentions: [s.state], facts: { capital: s.city } });
  }
  for (const s of states) {
    entities.push({
      name: `${s.city}, ${s.state}`,
      type: 'state-capital',
      mentions: [s.city],
      facts: { state: s.state },
    });
  }
  for (const e of entities) e.mentions = [...new Set(e.mentions)];
  const names = new Set(entities.map((e) => e.name));
  if (names.size !== entities.length) throw new Error('genre data: entity names are not unique');
  return entities;
}

/** Writes the knowledge base under `root` unless it is up to date. */
export function prepareGenre(root) {
  const path = join(root, KB_FILE);
  if (upToDate(path)) {
    console.log(`data: ${path} is up to date`);
    return;
  }
  const entities = buildKnowledgeBase(load(root));
  const kb = {
    version: VERSION,
    source:
      'countries-list (MIT): countries, capitals, continents; vega-datasets (BSD-3-Clause): us-state-capitals.json',
    entities,
  };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(kb));
  console.log(`data: wrote ${path} (${entities.length} entities)`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  prepareGenre(join(dirname(fileURLToPath(import.meta.url)), '..', '..'));
}
