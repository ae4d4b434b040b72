/** Can a Fruit Fly Learn Word Embeddings? (FlyVec): metadata and key equations. */
import type { Equation, PaperMeta } from '../../shared/catalog';

export const meta: PaperMeta = {
  id: 'flyvec',
  title: 'Can a Fruit Fly Learn Word Embeddings?',
  shortName: 'FlyVec',
  authors: [
    'Yuchen Liang',
    'Chaitanya K. Ryali',
    'Benjamin Hoover',
    'Leopold Grinberg',
    'Saket Navlakha',
    'Mohammed J. Zaki',
    'Dmitry Krotov',
  ],
  venue: 'ICLR 2021',
  links: {
    openreview: 'https://openreview.net/forum?id=xfmSoxdxFCG',
    arxiv: 'https://arxiv.org/abs/2101.06887',
    code: 'https://github.com/bhoov/flyvec',
  },
  tagline:
    'A fruit-fly-inspired network of Kenyon cells learns sparse binary word codes whose Hamming neighbours are related words, with codes that shift with a word’s context.',
};

export const equations: readonly Equation[] = [
  {
    ref: 'input-vector',
    label: 'Input: context bag and target word',
    tex: String.raw`v^A = \big[\, c^A \,;\ e_{w^A} \,\big] \in \{0, 1\}^{2V}`,
    note: 'For a window A: c^A marks the words around the centre word, e_w is the one-hot centre word; V is the vocabulary size.',
  },
  {
    ref: 'kc-activation',
    label: 'Weighted Kenyon cell activations',
    tex: String.raw`a_\mu = \big\langle W_\mu,\ v \oslash p \big\rangle = \sum_{i=1}^{2V} W_{\mu i}\,\frac{v_i}{p_i},\qquad \mu = 1, \dots, K`,
    note: 'p holds the word frequencies (repeated for both halves): the learning rule and the energy weight inputs by inverse frequency.',
  },
  {
    ref: 'winner',
    label: 'Winning Kenyon cell',
    tex: String.raw`\hat\mu = \arg\max_{\mu}\ \big\langle W_\mu,\ v \big\rangle`,
    note: 'The competition reads the unweighted input, as in the official code; only the update and the energy divide by p.',
  },
  {
    ref: 'synapse-update',
    label: 'Synapse update of the winner',
    tex: String.raw`\Delta W_{\hat\mu} = \varepsilon\,\Big[\, v \oslash p - \big\langle W_{\hat\mu},\ v \oslash p \big\rangle\, W_{\hat\mu} \,\Big]`,
    note: 'Hebbian growth toward the input with a decay that keeps the winner’s weight vector near unit norm.',
  },
  {
    ref: 'scaled-step',
    label: 'Scaled step with linear decay',
    tex: String.raw`W \leftarrow W + \varepsilon_e\,\frac{\Delta W}{\max_{\mu, i} |\Delta W_{\mu i}|},\qquad \varepsilon_e = \varepsilon_0\left(1 - \frac{e}{E}\right)`,
    note: 'As in the official code: updates of a batch are summed, divided by their largest magnitude, and the rate falls linearly over the E epochs.',
  },
  {
    ref: 'energy',
    label: 'Energy',
    tex: String.raw`\mathcal{E} = -\sum_{A} \frac{\big\langle W_{\hat\mu},\ v^A \oslash p \big\rangle}{\big\langle W_{\hat\mu},\ W_{\hat\mu} \big\rangle^{1/2}}`,
    note: 'The learning rule lowers this energy; plotted per batch.',
  },
  {
    ref: 'hash-code',
    label: 'Sparse binary hash code (APL inhibition)',
    tex: String.raw`H_\mu = \begin{cases} 1 & \text{if } \langle W_\mu, v \rangle \text{ is among the top } k \text{ of } \langle W_1, v \rangle, \dots, \langle W_K, v \rangle \\ 0 & \text{otherwise} \end{cases}`,
  },
  {
    ref: 'static-embedding',
    label: 'Static and context-dependent inputs',
    tex: String.raw`v_{\text{static}}(w) = \big[\, \mathbf{0} \,;\ e_w \,\big],\qquad v_{\text{context}}(w, c) = \big[\, c \,;\ e_w \,\big]`,
    note: 'The static embedding of w sets only its target half; a context-dependent one also sets the words of its sentence.',
  },
  {
    ref: 'hamming-distance',
    label: 'Hamming distance between codes',
    tex: String.raw`d_H\big(H^{(a)}, H^{(b)}\big) = \sum_{\mu=1}^{K} \big| H^{(a)}_\mu - H^{(b)}_\mu \big|`,
    note: 'Nearest neighbours of a word are the words whose codes are closest in this distance.',
  },
  {
    ref: 'ppmi-svd',
    label: 'Dense baseline: PPMI-SVD word vectors',
    tex: String.raw`\mathrm{PPMI}_{tc} = \max\!\Big(0,\ \log \frac{C_{tc} \sum_{c'} C_{\cdot c'}^{\alpha}}{C_{t \cdot}\, C_{\cdot c}^{\alpha}}\Big),\qquad \mathrm{PPMI} \approx U_d \Sigma_d V_d^{\top},\qquad x_w = \big(U_d \Sigma_d^{1/2}\big)_w`,
    note: 'Not from the paper: a count-based stand-in for the dense embeddings it compares with (GloVe, word2vec), built from the same windows. C counts target–context pairs, α = 0.75 smooths the context distribution, d = 50.',
  },
];
