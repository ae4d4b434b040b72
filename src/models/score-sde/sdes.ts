/**
 * The three SDEs of the paper, as plain numbers of t (no tensors): each has an affine drift
 * f(x, t) = a(t)·x, a scalar diffusion g(t), and a Gaussian perturbation kernel
 * p_0t(x(t) | x(0)) = N(m_t·x(0), σ_t²·I). Everything a trainer or a sampler needs is a scalar
 * per time, so the math lives here once and the tensors elsewhere only scale by it.
 *
 *   forward SDE   dx = f(x, t) dt + g(t) dw,  t ∈ [0, T], T = 1
 *   VE            a = 0,        g = σ(t)·√(2 ln(σ_max/σ_min)),       σ(t) = σ_min (σ_max/σ_min)^t
 *   VP            a = −β(t)/2,  g = √β(t),                           β(t) = β_min + t (β_max − β_min)
 *   sub-VP        a = −β(t)/2,  g = √(β(t)(1 − e^{−2B(t)})),         B(t) = ∫₀ᵗ β(s) ds
 */

export type SdeName = 've' | 'vp' | 'subvp';

export const SDE_LABELS: Readonly<Record<SdeName, string>> = { ve: 'VE', vp: 'VP', subvp: 'sub-VP' };

/** One step of a discretised SDE from t to t − Δt, as used by the reverse-diffusion predictor: x' = x + f·x + G·z. */
export interface Discretization {
  /** Drift coefficient of the step: the step's drift is f·x. */
  readonly f: number;
  /** Noise scale of the step. */
  readonly G: number;
  /** α of the Langevin step rule at this time (1 − β_i for VP, 1 otherwise). */
  readonly alpha: number;
}

export interface Sde {
  readonly name: SdeName;
  /** End time T (always 1 here). */
  readonly T: number;
  /** a(t) with f(x, t) = a(t)·x. */
  driftCoef(t: number): number;
  /** g(t). */
  diffusion(t: number): number;
  /** m_t: the kernel's mean is m_t·x(0). */
  marginalMean(t: number): number;
  /** σ_t: the kernel's standard deviation. */
  marginalStd(t: number): number;
  /** Standard deviation of the prior p_T = N(0, s²·I). */
  readonly priorStd: number;
  /** The step from t to t − Δt. */
  discretize(t: number, dt: number): Discretization;
}

export interface SdeParams {
  readonly sigmaMin: number;
  readonly sigmaMax: number;
  readonly betaMin: number;
  readonly betaMax: number;
}

/** Paper defaults for images; the 2-D demo lowers σ_max to suit data of radius 2. */
export const DEFAULT_SDE_PARAMS: SdeParams = { sigmaMin: 0.01, sigmaMax: 50, betaMin: 0.1, betaMax: 20 };

/** The Euler–Maruyama step of any SDE: f = a(t)·Δt, G = g(t)·√Δt. */
function eulerMaruyama(sde: Pick<Sde, 'driftCoef' | 'diffusion'>, t: number, dt: number): Discretization {
  return { f: sde.driftCoef(t) * dt, G: sde.diffusion(t) * Math.sqrt(dt), alpha: 1 };
}

/** Variance Exploding: only noise is added, with a geometric noise scale. */
export function veSde(sigmaMin: number, sigmaMax: number): Sde {
  const sigma = (t: number): number => sigmaMin * (sigmaMax / sigmaMin) ** t;
  const logRatio = Math.log(sigmaMax / sigmaMin);
  return {
    name: 've',
    T: 1,
    driftCoef: () => 0,
    // dx = √(d[σ²(t)]/dt) dw,   σ(t) = σ_min (σ_max/σ_min)^t   (VE SDE)
    //   ⇒ f = 0,  g(t) = √(d[σ²(t)]/dt) = σ(t) √(2 ln(σ_max/σ_min))
    // @paper score-sde ve-sde
    diffusion: (t) => sigma(t) * Math.sqrt(2 * logRatio),
    marginalMean: () => 1,
    // σ_t² = σ²(t) − σ²(0): the variance the SDE adds between 0 and t.
    // p_0t(x(t) | x(0)) = N(x(t); x(0), [σ²(t) − σ²(0)] I)   (VE perturbation kernel)
    //   ⇒ m_t = 1,  σ_t = √(σ²(t) − σ²(0)),  σ(0) = σ_min
    // @paper score-sde ve-kernel
    marginalStd: (t) => Math.sqrt(sigma(t) ** 2 - sigmaMin ** 2),
    priorStd: sigmaMax,
    // The exact variance added over the step: G² = σ²(t) − σ²(t − Δt).
    discretize: (t, dt) => ({ f: 0, G: Math.sqrt(sigma(t) ** 2 - sigma(Math.max(t - dt, 0)) ** 2), alpha: 1 }),
  };
}

/** B(t) = ∫₀ᵗ β(s) ds for the linear schedule. */
function betaIntegral(betaMin: number, betaMax: number, t: number): number {
  return betaMin * t + 0.5 * t * t * (betaMax - betaMin);
}

/** Variance Preserving: the DDPM process in continuous time. */
export function vpSde(betaMin: number, betaMax: number): Sde {
  const beta = (t: number): number => betaMin + t * (betaMax - betaMin);
  const B = (t: number): number => betaIntegral(betaMin, betaMax, t);
  return {
    name: 'vp',
    T: 1,
    // dx = −½ β(t) x dt + √β(t) dw,   β(t) = β_min + t (β_max − β_min)   (VP SDE)
    //   ⇒ f(x, t) = −½ β(t) x,  g(t) = √β(t)
    // @paper score-sde vp-sde
    driftCoef: (t) => -0.5 * beta(t),
    diffusion: (t) => Math.sqrt(beta(t)),
    // p_0t(x(t) | x(0)) = N(x(t); x(0) e^{−½ ∫₀ᵗ β(s) ds}, I − I e^{−∫₀ᵗ β(s) ds})   (VP perturbation kernel)
    //   ⇒ with B(t) = ∫₀ᵗ β(s) ds:  m_t = e^{−½ B(t)},  σ_t = √(1 − e^{−B(t)})
    // @paper score-sde vp-kernel
    marginalMean: (t) => Math.exp(-0.5 * B(t)),
    marginalStd: (t) => Math.sqrt(-Math.expm1(-B(t))),
    priorStd: 1,
    discretize(t, dt) {
      // The exact one-step VP kernel over [t − Δt, t]: x' = √(1 − b)·x + √b·z with b = 1 − e^{−(B(t) − B(t−Δt))}.
      const b = -Math.expm1(-(B(t) - B(Math.max(t - dt, 0))));
      return { f: Math.sqrt(1 - b) - 1, G: Math.sqrt(b), alpha: 1 - b };
    },
  };
}

/** sub-VP: the VP drift with less noise; its variance stays below VP's at every t. */
export function subVpSde(betaMin: number, betaMax: number): Sde {
  const beta = (t: number): number => betaMin + t * (betaMax - betaMin);
  const B = (t: number): number => betaIntegral(betaMin, betaMax, t);
  const sde: Sde = {
    name: 'subvp',
    T: 1,
    // dx = −½ β(t) x dt + √(β(t) (1 − e^{−2 ∫₀ᵗ β(s) ds})) dw   (sub-VP SDE)
    //   ⇒ f(x, t) = −½ β(t) x,  g(t) = √(β(t) (1 − e^{−2 B(t)})),  B(t) = ∫₀ᵗ β(s) ds
    // @paper score-sde subvp-sde
    driftCoef: (t) => -0.5 * beta(t),
    diffusion: (t) => Math.sqrt(beta(t) * -Math.expm1(-2 * B(t))),
    // p_0t(x(t) | x(0)) = N(x(t); x(0) e^{−½ ∫₀ᵗ β(s) ds}, [1 − e^{−∫₀ᵗ β(s) ds}]² I)   (sub-VP perturbation kernel)
    //   ⇒ m_t = e^{−½ B(t)},  σ_t = 1 − e^{−B(t)}
    // @paper score-sde subvp-kernel
    marginalMean: (t) => Math.exp(-0.5 * B(t)),
    marginalStd: (t) => -Math.expm1(-B(t)),
    priorStd: 1,
    discretize: (t, dt) => eulerMaruyama(sde, t, dt),
  };
  return sde;
}

export function makeSde(name: SdeName, p: SdeParams): Sde {
  if (name === 've') return veSde(p.sigmaMin, p.sigmaMax);
  if (name === 'vp') return vpSde(p.betaMin, p.betaMax);
  return subVpSde(p.betaMin, p.betaMax);
}

/** log N(x; 0, s²·I) of one point given its squared norm, in D dimensions. */
export function priorLogDensity(sde: Sde, squaredNorm: number, dims: number): number {
  const s2 = sde.priorStd ** 2;
  return -0.5 * dims * Math.log(2 * Math.PI * s2) - squaredNorm / (2 * s2);
}

/** The forward SDE simulated by Euler–Maruyama from x(0) (for tests): one path per entry of `x0`. */
export function simulateForward(
  sde: Sde,
  x0: Float64Array,
  t: number,
  steps: number,
  normal: () => number,
): Float64Array {
  const x = Float64Array.from(x0);
  const dt = t / steps;
  for (let k = 0; k < steps; k++) {
    const s = k * dt;
    const a = sde.driftCoef(s);
    const g = sde.diffusion(s);
    // dx = f(x, t) dt + g(t) dw   (forward SDE, Eq. 5)
    //   Euler–Maruyama:  x ← x + f(x, s) Δt + g(s) √Δt z,  z ~ N(0, 1),  f(x, s) = a(s) x
    // @paper score-sde forward-sde
    for (let i = 0; i < x.length; i++)
      x[i] = (x[i] as number) + a * (x[i] as number) * dt + g * Math.sqrt(dt) * normal();
  }
  return x;
}
