/** Recurrent Independent Mechanisms: metadata and key equations. */
import type { Equation, PaperMeta } from '../../shared/catalog';

export const meta: PaperMeta = {
  id: 'rims',
  title: 'Recurrent Independent Mechanisms',
  shortName: 'RIMs',
  authors: [
    'Anirudh Goyal',
    'Alex Lamb',
    'Jordan Hoffmann',
    'Shagun Sodhani',
    'Sergey Levine',
    'Yoshua Bengio',
    'Bernhard Schölkopf',
  ],
  venue: 'ICLR 2021',
  links: {
    openreview: 'https://openreview.net/forum?id=mLcmdlEUxy-',
    arxiv: 'https://arxiv.org/abs/1909.10893',
    code: 'https://github.com/anirudh9119/RIMs',
  },
  tagline:
    'A recurrent network split into small modules that compete for the input keeps copying sequences longer than it was trained on, where an LSTM of the same size does not.',
};

export const equations: readonly Equation[] = [
  {
    ref: 'input-attention',
    label: 'Input attention with a null row',
    tex: String.raw`A_k = \operatorname{softmax}\!\left(\frac{h_k W^q_k\,(X W^e)^\top}{\sqrt{d_e}}\right) X W^v,\qquad X = \varnothing \oplus x_t`,
    note: 'Each module queries a key/value set made of an all-zero row and the current input.',
  },
  {
    ref: 'top-k-selection',
    label: 'Top-k module selection',
    tex: String.raw`\mathcal{S}_t = \operatorname{top}_{k_A}\big\{\, 1 - \alpha_{k,\varnothing} \;:\; k = 1,\dots,K \,\big\}`,
    note: 'The k_A modules that put the least attention weight on the null row become active.',
  },
  {
    ref: 'independent-dynamics',
    label: 'Independent dynamics of active modules',
    tex: String.raw`\tilde h_{t,k} = \operatorname{LSTM}_k\big(h_{t-1,k},\, A_k;\ \theta_k\big),\qquad k \in \mathcal{S}_t`,
    note: 'Every module has its own cell parameters (block-diagonal weights in the official code).',
  },
  {
    ref: 'inactive-frozen',
    label: 'Inactive modules keep their state',
    tex: String.raw`h_{t,k} = h_{t-1,k},\qquad k \notin \mathcal{S}_t`,
    note: 'No update and no gradient through the cell for inactive modules at that step.',
  },
  {
    ref: 'communication',
    label: 'Communication between modules',
    tex: String.raw`h_{t,k} = \operatorname{softmax}\!\left(\frac{Q_k K^\top}{\sqrt{d}}\right) V + \tilde h_{t,k},\qquad Q = \tilde h W^{q},\ K = \tilde h W^{k},\ V = \tilde h W^{v},\ k \in \mathcal{S}_t`,
    note: 'Active modules read from all modules by multi-head attention, with a residual connection.',
  },
  {
    ref: 'copy-loss',
    label: 'Copy-position loss',
    tex: String.raw`\mathcal{L} = -\frac{1}{|\mathcal{C}|}\sum_{i \in \mathcal{C}} \log p_\theta\big(y_i \mid x_{\le i}\big)`,
    note: 'Cross-entropy over the copy positions C only; blank positions would otherwise dominate the loss.',
  },
];
