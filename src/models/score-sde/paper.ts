/** Score-Based Generative Modeling through SDEs: metadata and key equations. */
import type { Equation, PaperMeta } from '../../shared/catalog';

export const meta: PaperMeta = {
  id: 'score-sde',
  title: 'Score-Based Generative Modeling through Stochastic Differential Equations',
  shortName: 'Score SDE',
  authors: ['Yang Song', 'Jascha Sohl-Dickstein', 'Diederik P. Kingma', 'Abhishek Kumar', 'Stefano Ermon', 'Ben Poole'],
  venue: 'ICLR 2021',
  links: {
    openreview: 'https://openreview.net/forum?id=PxTIG12RRHS',
    arxiv: 'https://arxiv.org/abs/2011.13456',
    code: 'https://github.com/yang-song/score_sde_pytorch',
  },
  tagline:
    'A score network trained on 2-D data (or 14×14 digits) turns noise back into samples by reversing an SDE, and the same network gives exact likelihoods through the probability-flow ODE.',
};

export const equations: readonly Equation[] = [
  {
    ref: 'forward-sde',
    label: 'Forward SDE',
    tex: String.raw`\mathrm{d}\mathbf{x} = \mathbf{f}(\mathbf{x}, t)\,\mathrm{d}t + g(t)\,\mathrm{d}\mathbf{w}`,
    paperNumber: '5',
  },
  {
    ref: 'reverse-sde',
    label: 'Reverse-time SDE',
    tex: String.raw`\mathrm{d}\mathbf{x} = \big[\mathbf{f}(\mathbf{x}, t) - g(t)^2\,\nabla_{\mathbf{x}} \log p_t(\mathbf{x})\big]\,\mathrm{d}t + g(t)\,\mathrm{d}\bar{\mathbf{w}}`,
    paperNumber: '6',
  },
  {
    ref: 'dsm-objective',
    label: 'Denoising score matching objective',
    tex: String.raw`\theta^* = \arg\min_\theta\ \mathbb{E}_t\Big\{\lambda(t)\,\mathbb{E}_{\mathbf{x}(0)}\mathbb{E}_{\mathbf{x}(t)\mid\mathbf{x}(0)}\Big[\big\lVert \mathbf{s}_\theta(\mathbf{x}(t), t) - \nabla_{\mathbf{x}(t)} \log p_{0t}\big(\mathbf{x}(t)\mid\mathbf{x}(0)\big)\big\rVert_2^2\Big]\Big\}`,
    paperNumber: '7',
  },
  {
    ref: 'dsm-weighted',
    label: 'Weighted loss with λ(t) = σ_t²',
    tex: String.raw`\lambda(t) = \sigma_t^2:\quad \mathcal{L}(\theta) = \mathbb{E}_{t,\mathbf{x}(0),\mathbf{z}}\Big[\big\lVert \sigma_t\,\mathbf{s}_\theta(m_t\mathbf{x}(0) + \sigma_t\mathbf{z}, t) + \mathbf{z} \big\rVert_2^2\Big],\quad \mathbf{z}\sim\mathcal{N}(\mathbf{0}, \mathbf{I})`,
    note: 'The objective above with a Gaussian kernel of mean m_t x(0) and std σ_t: the network predicts minus the noise.',
  },
  {
    ref: 've-sde',
    label: 'Variance Exploding (VE) SDE',
    tex: String.raw`\mathrm{d}\mathbf{x} = \sqrt{\frac{\mathrm{d}\left[\sigma^2(t)\right]}{\mathrm{d}t}}\,\mathrm{d}\mathbf{w},\qquad \sigma(t) = \sigma_{\min}\left(\frac{\sigma_{\max}}{\sigma_{\min}}\right)^{t}`,
  },
  {
    ref: 'vp-sde',
    label: 'Variance Preserving (VP) SDE',
    tex: String.raw`\mathrm{d}\mathbf{x} = -\tfrac{1}{2}\beta(t)\,\mathbf{x}\,\mathrm{d}t + \sqrt{\beta(t)}\,\mathrm{d}\mathbf{w},\qquad \beta(t) = \beta_{\min} + t\,(\beta_{\max} - \beta_{\min})`,
  },
  {
    ref: 'subvp-sde',
    label: 'sub-VP SDE',
    tex: String.raw`\mathrm{d}\mathbf{x} = -\tfrac{1}{2}\beta(t)\,\mathbf{x}\,\mathrm{d}t + \sqrt{\beta(t)\left(1 - e^{-2\int_0^t \beta(s)\,\mathrm{d}s}\right)}\,\mathrm{d}\mathbf{w}`,
  },
  {
    ref: 've-kernel',
    label: 'VE perturbation kernel',
    tex: String.raw`p_{0t}\big(\mathbf{x}(t)\mid\mathbf{x}(0)\big) = \mathcal{N}\Big(\mathbf{x}(t);\ \mathbf{x}(0),\ \big[\sigma^2(t) - \sigma^2(0)\big]\mathbf{I}\Big)`,
    note: 'The official code uses σ(t)² as the variance, which differs negligibly when σ_min is small.',
  },
  {
    ref: 'vp-kernel',
    label: 'VP perturbation kernel',
    tex: String.raw`p_{0t}\big(\mathbf{x}(t)\mid\mathbf{x}(0)\big) = \mathcal{N}\Big(\mathbf{x}(t);\ \mathbf{x}(0)\,e^{-\frac{1}{2}\int_0^t \beta(s)\,\mathrm{d}s},\ \mathbf{I} - \mathbf{I}\,e^{-\int_0^t \beta(s)\,\mathrm{d}s}\Big)`,
  },
  {
    ref: 'subvp-kernel',
    label: 'sub-VP perturbation kernel',
    tex: String.raw`p_{0t}\big(\mathbf{x}(t)\mid\mathbf{x}(0)\big) = \mathcal{N}\Big(\mathbf{x}(t);\ \mathbf{x}(0)\,e^{-\frac{1}{2}\int_0^t \beta(s)\,\mathrm{d}s},\ \big[1 - e^{-\int_0^t \beta(s)\,\mathrm{d}s}\big]^2\,\mathbf{I}\Big)`,
  },
  {
    ref: 'probability-flow-ode',
    label: 'Probability-flow ODE',
    tex: String.raw`\mathrm{d}\mathbf{x} = \Big[\mathbf{f}(\mathbf{x}, t) - \tfrac{1}{2}g(t)^2\,\nabla_{\mathbf{x}} \log p_t(\mathbf{x})\Big]\,\mathrm{d}t`,
    paperNumber: '13',
    note: 'Deterministic, with the same marginals p_t as the SDE.',
  },
  {
    ref: 'likelihood',
    label: 'Exact likelihood (instantaneous change of variables)',
    tex: String.raw`\log p_0\big(\mathbf{x}(0)\big) = \log p_T\big(\mathbf{x}(T)\big) + \int_0^T \nabla\cdot\tilde{\mathbf{f}}_\theta\big(\mathbf{x}(t), t\big)\,\mathrm{d}t`,
    paperNumber: '39',
    note: 'f̃_θ is the drift of the probability-flow ODE with the learned score in place of the true one.',
  },
  {
    ref: 'hutchinson-trace',
    label: 'Skilling–Hutchinson divergence estimator',
    tex: String.raw`\nabla\cdot\tilde{\mathbf{f}}_\theta(\mathbf{x}, t) = \mathbb{E}_{\boldsymbol{\epsilon}}\Big[\boldsymbol{\epsilon}^\top\,\nabla_{\mathbf{x}}\tilde{\mathbf{f}}_\theta(\mathbf{x}, t)\,\boldsymbol{\epsilon}\Big],\qquad \mathbb{E}[\boldsymbol{\epsilon}] = \mathbf{0},\ \operatorname{Cov}[\boldsymbol{\epsilon}] = \mathbf{I}`,
    note: 'In two dimensions the exact divergence (trace of the 2×2 Jacobian) is just as cheap.',
  },
  {
    ref: 'reverse-diffusion-predictor',
    label: 'Predictor: reverse-diffusion step',
    tex: String.raw`\mathbf{x}_i = \mathbf{x}_{i+1} - \mathbf{f}_{i+1}(\mathbf{x}_{i+1}) + g_{i+1}^2\,\mathbf{s}_\theta(\mathbf{x}_{i+1}, t_{i+1}) + g_{i+1}\,\mathbf{z}_{i+1},\qquad \mathbf{z}_{i+1}\sim\mathcal{N}(\mathbf{0}, \mathbf{I})`,
    note: 'One discretised step of the reverse-time SDE, from t_{i+1} down to t_i.',
  },
  {
    ref: 'langevin-corrector',
    label: 'Corrector: Langevin MCMC step',
    tex: String.raw`\mathbf{x} \leftarrow \mathbf{x} + \epsilon\,\mathbf{s}_\theta(\mathbf{x}, t) + \sqrt{2\epsilon}\,\mathbf{z},\qquad \epsilon = 2\alpha\left(\frac{r\,\lVert\mathbf{z}\rVert_2}{\lVert\mathbf{s}_\theta(\mathbf{x}, t)\rVert_2}\right)^2`,
    note: 'r is the signal-to-noise ratio (0.16 for CIFAR-10 in the paper); α = 1 for VE.',
  },
  {
    ref: 'conditional-reverse-sde',
    label: 'Conditional reverse-time SDE',
    tex: String.raw`\mathrm{d}\mathbf{x} = \Big\{\mathbf{f}(\mathbf{x}, t) - g(t)^2\big[\nabla_{\mathbf{x}} \log p_t(\mathbf{x}) + \nabla_{\mathbf{x}} \log p_t(\mathbf{y}\mid\mathbf{x})\big]\Big\}\,\mathrm{d}t + g(t)\,\mathrm{d}\bar{\mathbf{w}}`,
  },
  {
    ref: 'imputation',
    label: 'Imputation: re-noise the known part',
    tex: String.raw`\mathbf{x}_{\Omega}(t_i) \sim p_{0t_i}\big(\cdot \mid \mathbf{y}_{\Omega}\big),\qquad \mathbf{x}_{\bar\Omega}(t_i)\ \text{from the reverse-time step}`,
    note: 'At every step the observed coordinates Ω are replaced by a fresh noisy copy of their known values.',
  },
];
