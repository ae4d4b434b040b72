/**
 * Word lists for the FlyVec demo, chosen by hand from the 3000-word vocabulary of the State of
 * the Union corpus before any training run that they score.
 *
 * - Probe words in eight categories: the claims count how many of a probe's five nearest words
 *   are probes of its own category. Words with a common second sense were left out (“may”,
 *   “interest”, “force”, “one”); the family category is small because the corpus has few family
 *   words (“mother”, “father”, “son” are outside the vocabulary).
 * - Validation categories: ten other categories, for choosing settings without looking at the
 *   probe categories.
 * - Function words: the stop-word list. They are masked out of the training windows (the official
 *   preprocessing masks its stop words the same way), get no code, and are never neighbours.
 * - Sense examples: ambiguous words in sentences written for this demo in the style of the
 *   addresses, two per sense, each sense with indicator words outside its sentences.
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

/**
 * Validation categories: other words of the same vocabulary in ten other categories, disjoint from
 * the probe words. Learning rates, epochs, the stop-word mask and the baseline's settings were
 * chosen by the same-category share on these; the claims are scored on `PROBE_CATEGORIES` only.
 */
export const VALIDATION_CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  states: [
    'california',
    'texas',
    'ohio',
    'york',
    'florida',
    'kansas',
    'louisiana',
    'alaska',
    'hawaii',
    'oregon',
    'missouri',
  ],
  time: [
    'year',
    'years',
    'months',
    'weeks',
    'days',
    'century',
    'decade',
    'decades',
    'hours',
    'month',
    'week',
    'day',
    'generation',
  ],
  farming: ['farmers', 'farm', 'farms', 'agriculture', 'agricultural', 'crops', 'cotton', 'crop'],
  energy: ['oil', 'coal', 'gas', 'energy', 'nuclear'],
  transport: [
    'railroads',
    'railroad',
    'roads',
    'highways',
    'canal',
    'ports',
    'harbor',
    'transportation',
    'shipping',
    'vessels',
    'highway',
    'harbors',
    'rivers',
  ],
  crime: ['crime', 'criminals', 'police', 'drugs', 'violence', 'crimes', 'drug', 'criminal'],
  health: ['health', 'medical', 'disease', 'care', 'insurance', 'medicare', 'hospital'],
  nationality: [
    'american',
    'americans',
    'british',
    'french',
    'spanish',
    'mexican',
    'german',
    'soviet',
    'chinese',
    'japanese',
    'russian',
    'indian',
    'indians',
    'european',
  ],
  ordinal: ['first', 'second', 'third', 'fourth', 'fifth', 'last', 'next'],
  trade: [
    'trade',
    'commerce',
    'exports',
    'imports',
    'markets',
    'goods',
    'products',
    'manufactures',
    'export',
    'import',
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

/** English function words (and the letters left by contractions): the stop words masked out of training. */
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

/** An ambiguous word and its two senses. */
export interface SenseExample {
  readonly word: string;
  readonly senses: readonly [Sense, Sense];
}

export interface Sense {
  readonly label: string;
  /** Vocabulary words typical of this sense; none of them appears in the word's sentences. */
  readonly indicators: readonly string[];
  /** Two sentences using the word in this sense; it appears in each once, and its window is the W words around it. */
  readonly sentences: readonly [string, string];
}

/**
 * Ambiguous words, each with two senses. A sense has four indicator words, vocabulary words that
 * are typical of it and appear in none of the word's sentences, and two sentences, written for
 * this demo in the style of the addresses, that use the word in that sense. The sense claim
 * compares a context-dependent code with the static codes of the indicator words, never with the
 * words its window was built from.
 */
export const SENSE_EXAMPLES: readonly SenseExample[] = [
  {
    word: 'interest',
    senses: [
      {
        label: 'on money',
        indicators: ['rate', 'rates', 'loans', 'payment'],
        sentences: [
          'we must pay the interest on the public debt out of the revenue of the treasury',
          'the annual interest charge on the bonds of the government has been greatly reduced',
        ],
      },
      {
        label: 'concern',
        indicators: ['welfare', 'concern', 'benefit', 'advantage'],
        sentences: [
          'it is in the interest of peace that all nations settle their disputes by arbitration',
          'every citizen has an interest in the honor and good name of the republic',
        ],
      },
    ],
  },
  {
    word: 'state',
    senses: [
      {
        label: 'condition',
        indicators: ['situation', 'conditions', 'circumstances', 'present'],
        sentences: [
          'the state of the union is strong and our economy is growing again',
          'the unsettled state of affairs in europe has disturbed our commerce',
        ],
      },
      {
        label: 'government',
        indicators: ['states', 'governments', 'local', 'governor'],
        sentences: [
          'each state and the federal government share the power to tax and to make laws',
          'the legislature of every state should adopt laws for the protection of its schools',
        ],
      },
    ],
  },
  {
    word: 'power',
    senses: [
      {
        label: 'authority',
        indicators: ['authority', 'constitution', 'rights', 'control'],
        sentences: [
          'the president has no power under the law to make such a treaty without the senate',
          'the power of congress to regulate commerce among the several states is clear',
        ],
      },
      {
        label: 'energy',
        indicators: ['energy', 'oil', 'coal', 'nuclear'],
        sentences: [
          'new plants will produce electric power for farms and factories across the west',
          'the water power of our great rivers should be developed for the use of industry',
        ],
      },
    ],
  },
  {
    word: 'security',
    senses: [
      {
        label: 'national',
        indicators: ['defense', 'military', 'army', 'weapons'],
        sentences: [
          'our national security depends on strong forces and loyal allies abroad',
          'the security of our borders against terrorists and hostile nations comes first',
        ],
      },
      {
        label: 'social',
        indicators: ['retirement', 'pensions', 'medicare', 'insurance'],
        sentences: [
          'social security benefits for the aged and the disabled must be protected',
          'workers pay into social security so that they can retire with dignity',
        ],
      },
    ],
  },
  {
    word: 'forces',
    senses: [
      {
        label: 'military',
        indicators: ['army', 'navy', 'troops', 'soldiers'],
        sentences: [
          'our armed forces stand ready to defend freedom against any enemy',
          'enemy forces fired on our ships and positions near the coast',
        ],
      },
      {
        label: 'economic',
        indicators: ['market', 'competition', 'prices', 'economic'],
        sentences: [
          'the natural forces of supply and demand govern wages and the cost of goods',
          'the forces of trade and industry that shape the growth of our cities',
        ],
      },
    ],
  },
  {
    word: 'party',
    senses: [
      {
        label: 'political',
        indicators: ['republican', 'democratic', 'political', 'election'],
        sentences: [
          'men of every party in congress voted for this bill',
          'the leaders of my party and of the opposition agree on this reform',
        ],
      },
      {
        label: 'to an agreement',
        indicators: ['treaty', 'agreement', 'convention', 'negotiations'],
        sentences: [
          'neither party to the dispute has accepted the offer of arbitration',
          'the other party to the contract has failed to meet its obligations',
        ],
      },
    ],
  },
  {
    word: 'capital',
    senses: [
      {
        label: 'money',
        indicators: ['investment', 'investments', 'funds', 'money'],
        sentences: [
          'private capital will build new factories and create jobs',
          'taxes on capital gains discourage savings and enterprise',
        ],
      },
      {
        label: 'city',
        indicators: ['city', 'washington', 'district', 'columbia'],
        sentences: [
          'the streets and buildings of our capital should honor the republic',
          'new public buildings are needed in the capital of the nation',
        ],
      },
    ],
  },
  {
    word: 'office',
    senses: [
      {
        label: 'position',
        indicators: ['president', 'elected', 'term', 'appointed'],
        sentences: [
          'when i took office the nation was in the midst of a depression',
          'no man should hold public office who has violated the trust of the people',
        ],
      },
      {
        label: 'bureau',
        indicators: ['bureau', 'department', 'agency', 'board'],
        sentences: [
          'the post office carried more mail to rural homes this year',
          'the land office sold millions of acres of public lands to settlers',
        ],
      },
    ],
  },
  {
    word: 'market',
    senses: [
      {
        label: 'for shares',
        indicators: ['stock', 'banks', 'securities', 'speculation'],
        sentences: [
          'credit and savings were lost when the market fell on the exchange',
          'prices of shares on the market rose beyond all reason',
        ],
      },
      {
        label: 'for goods',
        indicators: ['exports', 'products', 'goods', 'foreign'],
        sentences: [
          'american farmers need a market abroad for their wheat and cotton',
          'we opened the market of japan to american manufactures and crops',
        ],
      },
    ],
  },
  {
    word: 'union',
    senses: [
      {
        label: 'the nation',
        indicators: ['nation', 'states', 'constitution', 'federal'],
        sentences: [
          'the union was preserved by the sacrifice of brave men in the civil war',
          'the blessings of our union and its free institutions endure',
        ],
      },
      {
        label: 'of workers',
        indicators: ['workers', 'labor', 'wages', 'employers'],
        sentences: [
          'every worker has the right to join a union and bargain with his employer',
          'the union called a strike at the steel mills and factories',
        ],
      },
    ],
  },
  {
    word: 'service',
    senses: [
      {
        label: 'military',
        indicators: ['army', 'navy', 'officers', 'duty'],
        sentences: [
          'young men were called to military service in time of war',
          'veterans who were wounded in the service of their country deserve care',
        ],
      },
      {
        label: 'civil',
        indicators: ['appointments', 'merit', 'employees', 'examinations'],
        sentences: [
          'reform of the civil service will end the spoils system',
          'the postal service delivers mail to every home in the land',
        ],
      },
    ],
  },
  {
    word: 'duties',
    senses: [
      {
        label: 'customs',
        indicators: ['tariff', 'imports', 'customs', 'revenue'],
        sentences: [
          'high duties on foreign goods and imported manufactures protect our industries',
          'the duties collected at our ports on foreign merchandise were reduced',
        ],
      },
      {
        label: 'obligations',
        indicators: ['obligations', 'responsibilities', 'responsibility', 'functions'],
        sentences: [
          'the duties of citizenship include service on juries and voting',
          'the secretary has performed the duties of his office with great ability',
        ],
      },
    ],
  },
  {
    word: 'reserve',
    senses: [
      {
        label: 'money',
        indicators: ['gold', 'currency', 'banks', 'notes'],
        sentences: [
          'the federal reserve system has given us an elastic money supply',
          'a reserve of coin sufficient to redeem the greenbacks must be kept',
        ],
      },
      {
        label: 'military',
        indicators: ['guard', 'militia', 'troops', 'army'],
        sentences: [
          'men of the reserve were called to active duty',
          'naval reserve officers were trained for war at sea',
        ],
      },
    ],
  },
  {
    word: 'bill',
    senses: [
      {
        label: 'legislation',
        indicators: ['legislation', 'act', 'passed', 'enacted'],
        sentences: [
          'i will veto any bill that raises taxes on working families',
          'the senate has before it a bill to reform the banking laws',
        ],
      },
      {
        label: 'cost',
        indicators: ['cost', 'costs', 'expenses', 'paid'],
        sentences: [
          'the bill for this war will fall on our children and grandchildren',
          'the nation cannot pay the bill for every program that is proposed',
        ],
      },
    ],
  },
  {
    word: 'notes',
    senses: [
      {
        label: 'currency',
        indicators: ['currency', 'gold', 'silver', 'coin'],
        sentences: [
          'the bank notes issued by the national banks circulate as money',
          'the treasury notes of the government must be redeemed on demand',
        ],
      },
      {
        label: 'diplomatic',
        indicators: ['correspondence', 'minister', 'diplomatic', 'negotiations'],
        sentences: [
          'notes were exchanged between the two governments on the boundary question',
          'the notes of protest sent to berlin were answered with evasion',
        ],
      },
    ],
  },
  {
    word: 'present',
    senses: [
      {
        label: 'now',
        indicators: ['today', 'current', 'existing', 'tonight'],
        sentences: [
          'the present system of taxation is unjust and must be reformed',
          'at the present time our relations with all nations are friendly',
        ],
      },
      {
        label: 'to submit',
        indicators: ['submit', 'submitted', 'herewith', 'report'],
        sentences: [
          'i shall present to the congress a plan for the reform of the courts',
          'the commission will present its findings and recommendations in december',
        ],
      },
    ],
  },
  {
    word: 'trust',
    senses: [
      {
        label: 'confidence',
        indicators: ['confidence', 'faith', 'honor', 'belief'],
        sentences: [
          'the people place their trust in the wisdom of their representatives',
          'we must keep the trust of our allies by keeping our word',
        ],
      },
      {
        label: 'combination',
        indicators: ['monopoly', 'corporations', 'combinations', 'fund'],
        sentences: [
          'the great trust that controls the oil business must be broken up',
          'the sugar trust controls prices and stifles competition',
        ],
      },
    ],
  },
  {
    word: 'cause',
    senses: [
      {
        label: 'reason',
        indicators: ['reason', 'reasons', 'result', 'consequence'],
        sentences: [
          'the chief cause of the depression was reckless speculation',
          'disease is a leading cause of death among the poor',
        ],
      },
      {
        label: 'movement',
        indicators: ['freedom', 'liberty', 'fight', 'struggle'],
        sentences: [
          'we stand with those who serve the cause of democracy in every land',
          'the cause of human rights has friends in every nation',
        ],
      },
    ],
  },
  {
    word: 'fire',
    senses: [
      {
        label: 'gunfire',
        indicators: ['attack', 'enemy', 'troops', 'guns'],
        sentences: [
          'our ships came under fire from hostile batteries on the shore',
          'the soldiers held their ground under heavy fire for three days',
        ],
      },
      {
        label: 'blaze',
        indicators: ['forests', 'forest', 'damage', 'destruction'],
        sentences: [
          'a great fire swept through the city and left thousands homeless',
          'fire burned millions of acres of timber in the west this summer',
        ],
      },
    ],
  },
  {
    word: 'branch',
    senses: [
      {
        label: 'of government',
        indicators: ['legislative', 'executive', 'judicial', 'departments'],
        sentences: [
          'each branch of the government must respect the powers of the others',
          'no branch of the public service should be free from scrutiny',
        ],
      },
      {
        label: 'of the armed forces',
        indicators: ['navy', 'army', 'officers', 'troops'],
        sentences: [
          'each branch of the armed forces must be ready for combat',
          'the air branch of our defenses needs more planes and pilots',
        ],
      },
    ],
  },
];
