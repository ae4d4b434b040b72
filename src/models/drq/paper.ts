/** DrQ (Image Augmentation Is All You Need): metadata and key equations. */
import type { Equation, PaperMeta } from '../../shared/catalog';

export const meta: PaperMeta = {
  id: 'drq',
  title: 'Image Augmentation Is All You Need: Regularizing Deep Reinforcement Learning from Pixels',
  shortName: 'DrQ',
  authors: ['Denis Yarats', 'Ilya Kostrikov', 'Rob Fergus'],
  venue: 'ICLR 2021',
  links: {
    openreview: 'https://openreview.net/forum?id=GY6-6sTvGaf',
    arxiv: 'https://arxiv.org/abs/2004.13649',
    code: 'https://github.com/denisyarats/drq',
  },
  tagline:
    'Random image shifts and Q-value averaging let soft actor-critic learn a pixel control task on which the same agent without augmentation stays at random level.',
};

export const equations: readonly Equation[] = [
  {
    ref: 'random-shift',
    label: 'Random-shift augmentation',
    tex: String.raw`f(s, \nu) = \operatorname{crop}_{\nu}\big(\operatorname{pad}_p(s)\big),\qquad \nu \sim \mathcal{U}\{0, \dots, 2p\}^2`,
    note: 'Replicate-pad the frame by p pixels on every side, then crop back to the original size at a random offset ν.',
  },
  {
    ref: 'drq-target',
    label: 'Target averaged over K augmentations',
    tex: String.raw`y_i = r_i + \gamma\,\frac{1}{K}\sum_{k=1}^{K}\Big[\min_{j=1,2} Q_{\bar\theta_j}\big(f(s'_i, \nu'_{ik}), a'_{ik}\big) - \alpha \log \pi\big(a'_{ik} \mid f(s'_i, \nu'_{ik})\big)\Big],\quad a'_{ik} \sim \pi\big(\cdot \mid f(s'_i, \nu'_{ik})\big)`,
    note: 'The minimum over two target critics is the clipped double-Q of SAC; K = 1 is plain augmentation.',
  },
  {
    ref: 'drq-critic-loss',
    label: 'Critic loss averaged over M augmentations',
    tex: String.raw`\mathcal{L}_Q(\theta) = \frac{1}{NM}\sum_{i=1}^{N}\sum_{m=1}^{M}\Big(Q_\theta\big(f(s_i, \nu_{im}), a_i\big) - y_i\Big)^2`,
    note: 'Applied to both critics; only this loss trains the convolutional encoder.',
  },
  {
    ref: 'squashed-policy',
    label: 'Tanh-squashed Gaussian policy',
    tex: String.raw`a = \tanh\big(\mu_\phi(s) + \sigma_\phi(s) \odot \epsilon\big),\quad \epsilon \sim \mathcal{N}(0, I),\qquad \log \pi(a \mid s) = \log \mathcal{N}(u; \mu_\phi, \sigma_\phi^2) - \sum_{j} \log\big(1 - \tanh^2 u_j\big)`,
    note: 'u is the pre-squash sample; the actor reads the critic encoder’s features with gradients stopped.',
  },
  {
    ref: 'actor-loss',
    label: 'Actor loss',
    tex: String.raw`\mathcal{L}_\pi(\phi) = \mathbb{E}_{s \sim \mathcal{D},\, a \sim \pi_\phi}\Big[\alpha \log \pi_\phi(a \mid s) - \min_{j=1,2} Q_{\theta_j}(s, a)\Big]`,
  },
  {
    ref: 'temperature-loss',
    label: 'Temperature loss',
    tex: String.raw`\mathcal{L}(\alpha) = \mathbb{E}_{s \sim \mathcal{D},\, a \sim \pi_\phi}\Big[-\alpha\,\big(\log \pi_\phi(a \mid s) + \bar{\mathcal{H}}\big)\Big],\qquad \bar{\mathcal{H}} = -|\mathcal{A}|`,
    note: 'Learns α so that the policy entropy stays near the target entropy (minus the action dimension).',
  },
  {
    ref: 'target-update',
    label: 'Target network update',
    tex: String.raw`\bar\theta \leftarrow \tau\,\theta + (1 - \tau)\,\bar\theta`,
    note: 'Polyak averaging with τ = 0.01, every second update.',
  },
];
