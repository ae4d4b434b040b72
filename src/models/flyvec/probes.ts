/**
 * Evaluation data for the FlyVec demo, chosen by hand from the 3000-word vocabulary of the State
 * of the Union corpus before any training run.
 *
 * - Probe words in eight categories: the claim counts how many of a probe's five nearest words
 *   (by Hamming distance) are probes of its own category. Words with a common second sense were
 *   left out (“may”, “interest”, “force”, “one”); the family category is small because the
 *   corpus has few family words (“mother”, “father”, “son” are outside the vocabulary).
 * - Function words: left out of the “content words only” neighbour lists, which frequent
 *   function words would otherwise crowd.
 * - Context examples: an ambiguous word in two sentences written for this demo in the style of
 *   the addresses, one per sense.
 */

export const PROBE_CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  numbers: [
    'two',
    'three',
    'four',
    'five',
    'six',
    'seven',
    'eight',
    'nine',
    'ten',
    'twelve',
    'twenty',
    'thirty',
    'forty',
    'fifty',
    'hundred',
    'thousand',
    'million',
    'billion',
    'hundreds',
    'thousands',
    'millions',
  ],
  months: [
    'january',
    'february',
    'march',
    'april',
    'june',
    'july',
    'august',
    'september',
    'october',
    'november',
    'december',
  ],
  military: [
    'army',
    'navy',
    'military',
    'troops',
    'soldiers',
    'officers',
    'forces',
    'war',
    'weapons',
    'enemy',
    'battle',
    'ships',
    'naval',
    'defense',
    'armed',
  ],
  economy: [
    'tax',
    'taxes',
    'revenue',
    'revenues',
    'debt',
    'budget',
    'prices',
    'inflation',
    'tariff',
    'income',
    'wages',
    'deficit',
    'money',
    'currency',
    'gold',
    'silver',
    'banks',
    'credit',
  ],
  family: ['family', 'families', 'children', 'parents', 'child', 'women', 'men'],
  government: [
    'congress',
    'senate',
    'president',
    'legislation',
    'constitution',
    'government',
    'federal',
    'court',
    'courts',
    'department',
    'secretary',
    'executive',
    'legislative',
    'judicial',
    'administration',
  ],
  countries: [
    'mexico',
    'spain',
    'france',
    'britain',
    'england',
    'china',
    'japan',
    'russia',
    'germany',
    'canada',
    'cuba',
    'italy',
    'iraq',
    'vietnam',
    'korea',
    'brazil',
  ],
  education: [
    'school',
    'schools',
    'education',
    'teachers',
    'students',
    'college',
    'colleges',
    'learning',
    'training',
    'skills',
  ],
};

/** Words shown with their neighbours in the demo's table (a few per category). */
export const SHOWN_PROBES: readonly string[] = [
  'army',
  'navy',
  'oil',
  'coal',
  'school',
  'congress',
  'tax',
  'gold',
  'january',
  'mexico',
  'children',
  'million',
];

/** English function words (and the letters left by contractions), excluded from content-word neighbour lists. */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below ' +
    'between both but by can could did do does doing down during each few for from further had has have having he ' +
    'her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor ' +
    'not now of off on once only or other our ours ourselves out over own same she should so some such than that ' +
    'the their theirs them themselves then there these they this those through to too under until up upon very ' +
    'was we were what when where which while who whom why will with would you your yours yourself shall may might ' +
    'must us let every many much well yet thus therefore however within without among whose whether either ' +
    'neither since though although s t d ll ve re m'
  ).split(' '),
);

/** An ambiguous word in two sentences, one for each of its senses. */
export interface ContextExample {
  readonly word: string;
  readonly senses: readonly [ContextSense, ContextSense];
}

export interface ContextSense {
  readonly label: string;
  /** The sentence; the word appears in it once, and its window is the W words around it. */
  readonly sentence: string;
}

export const CONTEXT_EXAMPLES: readonly ContextExample[] = [
  {
    word: 'interest',
    senses: [
      { label: 'money', sentence: 'we must pay the interest on the public debt from the revenue of the treasury' },
      { label: 'concern', sentence: 'it is in the interest of peace and the welfare of all our people and nations' },
    ],
  },
  {
    word: 'bank',
    senses: [
      { label: 'finance', sentence: 'the national bank should hold the gold and silver currency and issue notes' },
      { label: 'river', sentence: 'our troops held the river and the west bank against the attack of the enemy army' },
    ],
  },
  {
    word: 'state',
    senses: [
      { label: 'condition', sentence: 'i report to you on the state of the union and the condition of our economy' },
      {
        label: 'government',
        sentence: 'each state and the federal government share the power to tax and to make laws',
      },
    ],
  },
];
