/** ANCE dense retrieval: metadata and key equations. */
import type { Equation, PaperMeta } from '../../shared/catalog';

export const meta: PaperMeta = {
  id: 'ance',
  title: 'Approximate Nearest Neighbor Negative Contrastive Learning for Dense Text Retrieval',
  shortName: 'ANCE',
  authors: [
    'Lee Xiong',
    'Chenyan Xiong',
    'Ye Li',
    'Kwok-Fung Tang',
    'Jialin Liu',
    'Paul Bennett',
    'Junaid Ahmed',
    'Arnold Overwijk',
  ],
  venue: 'ICLR 2021',
  links: {
    openreview: 'https://openreview.net/forum?id=zeFrfgyZln',
    arxiv: 'https://arxiv.org/abs/2007.00808',
    code: 'https://github.com/microsoft/ANCE',
  },
  tagline:
    'A dual encoder trained on negatives retrieved by its own, asynchronously refreshed index gets far larger gradients than with random or BM25 negatives.',
};

export const equations: readonly Equation[] = [
  {
    ref: 'dual-encoder',
    label: 'Dual-encoder relevance score',
    tex: String.raw`f(q, d) = \big\langle g(q),\ g(d) \big\rangle`,
    note: 'One encoder g for queries and documents; retrieval is a nearest-neighbour search by inner product.',
  },
  {
    ref: 'hashed-encoder',
    label: 'Demo encoder: hashed sub-word embeddings',
    tex: String.raw`g(t) = \frac{W\,\bar e(t)}{\lVert W\,\bar e(t) \rVert_2},\qquad \bar e(t) = \frac{1}{|G(t)|}\sum_{u \in G(t)} E_{h(u)}`,
    note: 'G(t) holds the words and character 3–5-grams of text t, h hashes them into the rows of the table E.',
  },
  {
    ref: 'training-objective',
    label: 'Training objective',
    tex: String.raw`\theta^* = \arg\min_\theta \sum_{q} \sum_{d^+ \in D^+} \sum_{d^- \in D^-} \ell\big(f(q, d^+),\ f(q, d^-)\big)`,
  },
  {
    ref: 'ance-negatives',
    label: 'ANCE negatives',
    tex: String.raw`D^-_{\text{ANCE}} = \operatorname{ANN}_{f(q, d)} \setminus D^+`,
    note: 'The top documents the current model retrieves for q from an index over the whole corpus, minus the positives.',
  },
  {
    ref: 'nll-loss',
    label: 'Contrastive negative log-likelihood',
    tex: String.raw`\ell = -\log \frac{\exp\big(f(q, d^+)/\tau\big)}{\exp\big(f(q, d^+)/\tau\big) + \sum_{d^- \in D^-_q} \exp\big(f(q, d^-)/\tau\big)}`,
    note: 'The official code uses one positive and one negative; the demo uses one positive and several negatives.',
  },
  {
    ref: 'loss-gradient',
    label: 'Loss gradient per candidate',
    tex: String.raw`\frac{\partial \ell}{\partial f(q, d)} = \frac{1}{\tau}\Big(p(d \mid q) - \mathbb{1}\big[d = d^+\big]\Big),\qquad p(d \mid q) = \frac{\exp(f(q, d)/\tau)}{\sum_{d'} \exp(f(q, d')/\tau)}`,
    note: 'A negative the model already ranks far below the positive has p(d | q) ≈ 0 and contributes almost no gradient.',
  },
  {
    ref: 'async-refresh',
    label: 'Asynchronously refreshed index',
    tex: String.raw`\mathcal{I}_t = \big\{\, g_{\theta_s}(d) : d \in C \,\big\},\qquad s \in \{0, m, 2m, \dots\},\ s \le t`,
    note: 'Every m steps a snapshot of the encoder re-encodes the corpus C while training goes on. In the demo the index of snapshot s is swapped in at step s + m, and training waits there only if it is not ready.',
  },
  {
    ref: 'bm25',
    label: 'BM25 score (baseline negatives)',
    tex: String.raw`\operatorname{BM25}(q, d) = \sum_{w \in q} \operatorname{IDF}(w)\,\frac{\operatorname{tf}(w, d)\,(k_1 + 1)}{\operatorname{tf}(w, d) + k_1\left(1 - b + b\,\frac{|d|}{\operatorname{avgdl}}\right)}`,
  },
  {
    ref: 'mrr-at-10',
    label: 'MRR@10',
    tex: String.raw`\operatorname{MRR@10} = \frac{1}{|Q|}\sum_{q \in Q} \frac{\mathbb{1}[\operatorname{rank}_q \le 10]}{\operatorname{rank}_q}`,
    note: 'rank_q is the position of the first relevant document for query q.',
  },
];
