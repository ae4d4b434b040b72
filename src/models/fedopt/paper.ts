/** Adaptive Federated Optimization: metadata and key equations. */
import type { Equation, PaperMeta } from '../../shared/catalog';

export const meta: PaperMeta = {
  id: 'fedopt',
  title: 'Adaptive Federated Optimization',
  shortName: 'FedOpt',
  authors: [
    'Sashank J. Reddi',
    'Zachary Charles',
    'Manzil Zaheer',
    'Zachary Garrett',
    'Keith Rush',
    'Jakub Konečný',
    'Sanjiv Kumar',
    'H. Brendan McMahan',
  ],
  venue: 'ICLR 2021',
  links: {
    openreview: 'https://openreview.net/forum?id=LkFG3lB13U5',
    arxiv: 'https://arxiv.org/abs/2003.00295',
    code: 'https://github.com/google-research/federated',
  },
  tagline:
    'Adaptive server optimizers (FedAdagrad, FedAdam, FedYogi) reach a target accuracy in far fewer rounds than FedAvg when every client holds only a few classes.',
};

export const equations: readonly Equation[] = [
  {
    ref: 'client-update',
    label: 'Client update (local SGD)',
    tex: String.raw`x_{i,k+1}^t = x_{i,k}^t - \eta_l\, g_{i,k}^t,\qquad x_{i,0}^t = x_t`,
    note: 'Algorithms 1 and 2, ClientOpt: each sampled client i runs local SGD from the server model for E epochs.',
  },
  {
    ref: 'pseudo-gradient',
    label: 'Pseudo-gradient',
    tex: String.raw`\Delta_t = \frac{1}{|\mathcal{S}|}\sum_{i \in \mathcal{S}} \big(x_i^t - x_t\big)`,
    note: 'Algorithms 1 and 2: the average change the sampled clients S made to the model this round.',
  },
  {
    ref: 'server-momentum',
    label: 'Server momentum',
    tex: String.raw`m_t = \beta_1\, m_{t-1} + (1 - \beta_1)\,\Delta_t`,
    note: 'Algorithm 2, all three adaptive methods; FedAvgM uses momentum with the plain update.',
  },
  {
    ref: 'fedavg-update',
    label: 'FedAvg / FedAvgM server update',
    tex: String.raw`x_{t+1} = x_t + \eta\,\Delta_t`,
    note: 'Algorithm 1 with ServerOpt = SGD: η = 1 is FedAvg; FedAvgM replaces Δ_t by the server momentum.',
  },
  {
    ref: 'adagrad-accumulator',
    label: 'FedAdagrad accumulator',
    tex: String.raw`v_t = v_{t-1} + \Delta_t^2`,
    note: 'Algorithm 2, FedAdagrad. Squares are element-wise.',
  },
  {
    ref: 'adam-accumulator',
    label: 'FedAdam accumulator',
    tex: String.raw`v_t = \beta_2\, v_{t-1} + (1 - \beta_2)\,\Delta_t^2`,
    note: 'Algorithm 2, FedAdam.',
  },
  {
    ref: 'yogi-accumulator',
    label: 'FedYogi accumulator',
    tex: String.raw`v_t = v_{t-1} - (1 - \beta_2)\,\Delta_t^2 \odot \operatorname{sign}\big(v_{t-1} - \Delta_t^2\big)`,
    note: 'Algorithm 2, FedYogi: the accumulator moves toward Δ_t² by an additive step, never faster.',
  },
  {
    ref: 'adaptive-update',
    label: 'Adaptive server update',
    tex: String.raw`x_{t+1} = x_t + \eta\,\frac{m_t}{\sqrt{v_t} + \tau}`,
    note: 'Algorithm 2, shared by FedAdagrad, FedAdam and FedYogi; τ sets the degree of adaptivity.',
  },
];
