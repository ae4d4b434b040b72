/**
 * The knowledge base ℰ: about 600 real entities (countries and territories, their capitals, US states
 * and their capitals), each with a unique name and the surface forms (mentions) that refer to it in
 * text. Built at build time by `scripts/data/genre.mjs` from the `countries-list` and `vega-datasets`
 * packages; read here through the data reader. Also the word tokeniser shared by contexts and names.
 *
 * No TensorFlow.js here.
 */
import { readDataFile } from '../engine/dataFiles';

export const KB_FILE = 'media/data/genre-kb.json';

export type EntityType = 'country' | 'capital' | 'state' | 'state-capital';

export interface Entity {
  /** The unique name the model generates, e.g. "Kingston, Jamaica". */
  readonly name: string;
  readonly type: EntityType;
  /** Surface forms that refer to this entity in text, e.g. ["Kingston"]. */
  readonly mentions: readonly string[];
  /** Related names used to fill context templates: continent, capital, country, state. */
  readonly facts: Readonly<Partial<Record<'continent' | 'capital' | 'country' | 'state', string>>>;
}

export interface KnowledgeBase {
  readonly entities: readonly Entity[];
  /** Entity index of every name. */
  readonly byName: ReadonlyMap<string, number>;
  /** Lower-cased mentions that refer to more than one entity, e.g. "georgia", "kingston". */
  readonly ambiguousMentions: ReadonlySet<string>;
}

/**
 * Word tokens: lower-case runs of letters and digits, keeping inner dots, apostrophes and hyphens
 * ("u.s.", "d'ivoire", "guinea-bissau") and a trailing dot of an abbreviation ("st.", "d.c."); any
 * other non-space character is a token of its own ("," "(" ")").
 */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+(?:[.'’-][\p{L}\p{N}]+)*\.?|\S/gu) ?? [];
}

export function makeKnowledgeBase(entities: readonly Entity[]): KnowledgeBase {
  const byName = new Map(entities.map((e, i) => [e.name, i]));
  if (byName.size !== entities.length) throw new Error('entity names must be unique');
  const owners = new Map<string, Set<number>>();
  entities.forEach((e, i) => {
    for (const m of e.mentions) {
      const key = m.toLowerCase();
      const set = owners.get(key) ?? new Set<number>();
      set.add(i);
      owners.set(key, set);
    }
  });
  const ambiguousMentions = new Set([...owners].filter(([, set]) => set.size > 1).map(([m]) => m));
  return { entities, byName, ambiguousMentions };
}

interface KnowledgeBaseJson {
  readonly version: number;
  readonly entities: Entity[];
}

export function decodeKnowledgeBase(bytes: Uint8Array): KnowledgeBase {
  const json = JSON.parse(new TextDecoder().decode(bytes)) as KnowledgeBaseJson;
  if (!Array.isArray(json.entities)) throw new Error('not a Paper Lab GENRE knowledge base');
  return makeKnowledgeBase(json.entities);
}

export async function loadKnowledgeBase(): Promise<KnowledgeBase> {
  return decodeKnowledgeBase(await readDataFile(KB_FILE));
}
