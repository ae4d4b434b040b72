/** Autoregressive Entity Retrieval (GENRE): metadata and key equations. */
import type { Equation, PaperMeta } from '../../shared/catalog';

export const meta: PaperMeta = {
  id: 'genre',
  title: 'Autoregressive Entity Retrieval',
  shortName: 'GENRE',
  authors: ['Nicola De Cao', 'Gautier Izacard', 'Sebastian Riedel', 'Fabio Petroni'],
  venue: 'ICLR 2021',
  links: {
    openreview: 'https://openreview.net/forum?id=5k8F6UU39V',
    arxiv: 'https://arxiv.org/abs/2010.00904',
    code: 'https://github.com/facebookresearch/GENRE',
  },
  tagline:
    'A small encoder–decoder names the entity a mention refers to, token by token, and beam search constrained by a prefix trie only ever returns entities that exist.',
};

export const equations: readonly Equation[] = [
  {
    ref: 'autoregressive-score',
    label: 'Entity score as a name likelihood',
    tex: String.raw`\operatorname{score}(e \mid x) = p_\theta(y \mid x) = \prod_{i=1}^{N} p_\theta\big(y_i \mid y_{<i}, x\big)`,
    note: 'y = (y_1, …, y_N) are the tokens of the name of entity e; x is the context with the marked mention.',
  },
  {
    ref: 'training-loss',
    label: 'Training loss (teacher forcing)',
    tex: String.raw`\mathcal{L}(\theta) = -\sum_{(x, e)} \sum_{i=1}^{N_e} \log p_\theta\big(y_{e,i} \mid y_{e,<i}, x\big)`,
    note: 'Cross-entropy over the gold entity name; no negative entities are sampled.',
  },
  {
    ref: 'trie-allowed',
    label: 'Tokens allowed by the prefix trie',
    tex: String.raw`\mathcal{V}(y_{<i}) = \big\{\, v \;:\; y_{<i}\,v \text{ is a prefix of } y_e \text{ for some } e \in \mathcal{E} \,\big\}`,
    note: 'The end-of-sequence token is allowed only where y_<i is a complete entity name.',
  },
  {
    ref: 'constrained-distribution',
    label: 'Constrained next-token distribution',
    tex: String.raw`\tilde p_\theta\big(v \mid y_{<i}, x\big) \propto p_\theta\big(v \mid y_{<i}, x\big)\,\mathbb{1}\big[v \in \mathcal{V}(y_{<i})\big]`,
    note: 'As in the official code, log-probabilities outside V(y_<i) are set to −∞ without renormalising, so a finished name is scored by p_θ(y | x) itself.',
  },
  {
    ref: 'beam-step',
    label: 'One step of (constrained) beam search',
    tex: String.raw`\mathcal{B}_i = \operatorname{top}_B\Big\{\, \big(y_{<i}\,v,\ \log p_\theta(y_{<i} \mid x) + \log p_\theta(v \mid y_{<i}, x)\big) \;:\; y_{<i} \in \mathcal{B}_{i-1},\ v \in \mathcal{V}(y_{<i}) \,\Big\}`,
    note: 'Free decoding uses the whole vocabulary in place of V(y_<i).',
  },
  {
    ref: 'length-normalised-score',
    label: 'Length-normalised beam score',
    tex: String.raw`s(y \mid x) = \frac{1}{|y|^{\alpha}} \sum_{i=1}^{|y|} \log p_\theta\big(y_i \mid y_{<i}, x\big)`,
    note: 'Finished beams are ranked by this score (α = 1 in the demo).',
  },
  {
    ref: 'retrieval',
    label: 'Retrieved entity',
    tex: String.raw`\hat e = \arg\max_{e \in \mathcal{E}}\ \log p_\theta\big(y_e \mid x\big)`,
    note: 'Constrained beam search approximates this arg max over all entity names without scoring each one.',
  },
];
