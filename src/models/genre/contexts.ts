/**
 * Training and test data: contexts x with a marked mention, each paired with the entity it refers
 * to. Contexts come from templates, one per entity type; training and held-out contexts use
 * different templates, so the test measures retrieval from unseen wording. Each template slot is
 * filled from the entity's facts (its continent, capital, country or state), which is what lets
 * context resolve an ambiguous mention ("Georgia" near "Tbilisi" or near "Atlanta").
 *
 * Vocabulary: one list of word tokens for contexts and names, as BART uses one vocabulary for its
 * encoder and decoder: special tokens (the mention markers among them), the tokens of every entity
 * name, and the words of the training contexts. Words seen only in held-out contexts read as [UNK];
 * word dropout (`dropContextWords`) is what trains the [UNK] embedding, by replacing training context
 * words with it at random.
 *
 * Validation: `buildDataset(kb, { validationTemplate: k })` leaves the k-th training template of every
 * type out of training and evaluates on its contexts instead of the held-out ones, so settings can be
 * chosen on wordings the model has not seen without looking at the held-out templates.
 * No TensorFlow.js here.
 */
import type { Rng } from '../engine/rng';
import { type EntityType, type KnowledgeBase, tokenize } from './knowledgeBase';
import { PrefixTrie } from './prefixTrie';

export const MENTION_START = '[START_ENT]';
export const MENTION_END = '[END_ENT]';
export const PAD = 0;
export const UNK = 1;
/** [BOS] starts every name, [EOS] ends it. */
export const BOS = 2;
export const EOS = 3;
/** The mention markers' ids. */
export const MENTION_START_ID = 4;
export const MENTION_END_ID = 5;
const SPECIAL = ['[PAD]', '[UNK]', '[BOS]', '[EOS]', MENTION_START, MENTION_END];

/** `{m}` is the marked mention; other slots name a fact of the entity. */
const TEMPLATES: Readonly<Record<EntityType, { train: readonly string[]; test: readonly string[] }>> = {
  country: {
    train: [
      '{m} is a country in {continent} .',
      'the capital of {m} is {capital} .',
      'we travelled across {m} last year .',
    ],
    test: [
      'officials from {m} met again in {capital} on monday .',
      'the people of {m} , in {continent} , voted today .',
    ],
  },
  capital: {
    train: [
      '{m} is the capital of {country} .',
      'the government of {country} sits in {m} .',
      '{m} is a capital city in {continent} .',
    ],
    test: ['the mayor of {m} , {country} , spoke on monday .', 'we landed in {m} , a capital in {continent} , today .'],
  },
  state: {
    train: [
      '{m} is a u.s. state whose capital is {capital} .',
      'the governor of {m} signed the bill in {capital} .',
      'she grew up in the state of {m} .',
    ],
    test: ['lawmakers of {m} met again in {capital} on monday .', 'the people of {m} , a u.s. state , voted today .'],
  },
  'state-capital': {
    train: [
      '{m} is the capital of the state of {state} .',
      'the legislature of {state} meets in {m} .',
      'the city of {m} lies in {state} .',
    ],
    test: ['the mayor of {m} , {state} , spoke on monday .', 'we landed in {m} , the state capital , today .'],
  },
};

export interface Example {
  /** Source token ids of the context, mention marked. */
  readonly source: readonly number[];
  /** Target ids of the gold name, ending with [EOS] (without [BOS]). */
  readonly target: readonly number[];
  readonly entity: number;
  readonly text: string;
  /** The template the context was filled from, slots unfilled ("the mayor of {m} , {country} …"). */
  readonly template: string;
  /** The mention refers to more than one entity of the knowledge base. */
  readonly ambiguous: boolean;
}

export interface Dataset {
  /** The one vocabulary of contexts and names (source and target share it). */
  readonly words: readonly string[];
  /** Target token ids of each entity's name (no [BOS]/[EOS]). */
  readonly names: readonly (readonly number[])[];
  readonly trie: PrefixTrie;
  readonly train: readonly Example[];
  /** The held-out contexts, or with `validationTemplate` the validation contexts. */
  readonly test: readonly Example[];
}

/** Training templates per entity type: the folds `validationTemplate` may name are 1 to this. */
export const TRAINING_TEMPLATES = 3;

export interface DatasetOptions {
  /**
   * 0 (default): train on every training template, test on the held-out templates. k in 1 to
   * TRAINING_TEMPLATES: leave the k-th training template of every type out of training and test on
   * its contexts (the held-out templates are not used).
   */
  readonly validationTemplate?: number;
}

/** The contexts of one entity from a set of templates; templates whose slots the entity cannot fill are skipped. */
function fill(
  kb: KnowledgeBase,
  entity: number,
  templates: readonly (string | undefined)[],
): { text: string; mention: string; template: string }[] {
  const e = kb.entities[entity];
  if (!e) return [];
  const out: { text: string; mention: string; template: string }[] = [];
  templates.forEach((template, k) => {
    if (template === undefined) return;
    const mention = e.mentions[k % e.mentions.length] ?? e.name;
    let ok = true;
    const text = template.replace(/\{(\w+)\}/g, (_, slot: string) => {
      if (slot === 'm') return `${MENTION_START} ${mention} ${MENTION_END}`;
      const value = e.facts[slot as keyof Entity['facts']];
      if (value === undefined) ok = false;
      return value ?? '';
    });
    if (ok) out.push({ text, mention, template });
  });
  return out;
}
type Entity = KnowledgeBase['entities'][number];

/** Splits a context into words, keeping the mention markers whole. */
export function contextTokens(text: string): string[] {
  return text.split(/(\[START_ENT\]|\[END_ENT\])/).flatMap((part) => (part.startsWith('[') ? [part] : tokenize(part)));
}

export function buildDataset(kb: KnowledgeBase, options: DatasetOptions = {}): Dataset {
  const fold = options.validationTemplate ?? 0;
  if (!Number.isInteger(fold) || fold < 0 || fold > TRAINING_TEMPLATES)
    throw new RangeError(`validationTemplate: ${fold} is not 0 or a training template 1–${TRAINING_TEMPLATES}`);
  // The templates of one split; with a validation fold, the training templates split into the rest and the k-th.
  const templatesOf = (type: EntityType, split: 'train' | 'test'): readonly (string | undefined)[] => {
    const { train, test } = TEMPLATES[type];
    if (fold === 0) return split === 'train' ? train : test;
    // Positions are kept (a left-out template is undefined), so each context keeps its mention.
    return train.map((t, k) => ((k === fold - 1) === (split === 'test') ? t : undefined));
  };
  const raw = (split: 'train' | 'test') =>
    kb.entities.flatMap((e, entity) =>
      fill(kb, entity, templatesOf(e.type, split)).map(({ text, mention, template }) => ({
        words: contextTokens(text),
        entity,
        text,
        template,
        ambiguous: kb.ambiguousMentions.has(mention.toLowerCase()),
      })),
    );
  const trainRaw = raw('train');
  // One vocabulary: the special tokens, the tokens of every name, then the words of the training contexts.
  const words = [...SPECIAL];
  const ids = new Map(words.map((w, i) => [w, i]));
  const idOf = (w: string): number => {
    let id = ids.get(w);
    if (id === undefined) {
      id = words.length;
      words.push(w);
      ids.set(w, id);
    }
    return id;
  };
  const names = kb.entities.map((e) => tokenize(e.name).map(idOf));
  for (const { words: context } of trainRaw) context.forEach(idOf);
  const trie = new PrefixTrie(EOS);
  names.forEach((tokens, e) => trie.insert(tokens, e));

  const toExample = (r: (typeof trainRaw)[number]): Example => ({
    source: r.words.map((w) => ids.get(w) ?? UNK),
    target: [...(names[r.entity] ?? []), EOS],
    entity: r.entity,
    text: r.text,
    template: r.template,
    ambiguous: r.ambiguous,
  });
  return { words, names, trie, train: trainRaw.map(toExample), test: raw('test').map(toExample) };
}

/**
 * Word dropout: each context word outside the marked mention is replaced by [UNK] with probability p;
 * the markers and the mention's own words are kept. Training contexts never contain [UNK] otherwise
 * (the vocabulary is built from them), so without this its embedding row would never be trained, yet
 * every held-out word outside the training vocabulary reads as [UNK].
 */
export function dropContextWords(source: readonly number[], p: number, rng: Rng): number[] {
  if (p <= 0) return [...source];
  let inMention = false;
  return source.map((id) => {
    if (id === MENTION_START_ID || id === MENTION_END_ID) {
      inMention = id === MENTION_START_ID;
      return id;
    }
    if (inMention || id === PAD) return id;
    // x̃_t = [UNK] with probability p, else x_t   (t outside the mention)
    return rng.next() < p ? UNK : id;
  });
}

/** The words of a target id sequence joined back into a name ("kingston , jamaica" → "kingston, jamaica"). */
export function detokenize(words: readonly string[], ids: readonly number[]): string {
  return ids
    .filter((id) => id !== EOS && id !== BOS && id !== PAD)
    .map((id) => words[id] ?? '?')
    .join(' ')
    .replace(/ ([,)])/g, '$1')
    .replace(/\( /g, '(');
}
