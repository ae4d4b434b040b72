/**
 * The projection neuron → Kenyon cell network and its learning rule, as the official code
 * (bhoov/flyvec, `cuda_funcs.cu`) computes it.
 *
 * K Kenyon cells read the 2V projection neurons through synapses W ∈ R^{K×2V}. The APL neuron's
 * inhibition lets one cell win each input window v (binary, at most W non-zeros): the cell with
 * the largest activation ⟨W_μ, v⟩. Only the winner's synapses move, towards the input weighted
 * by inverse word frequency, v ⊘ p:
 *
 *   μ̂ = argmax_μ ⟨W_μ, v⟩,   ΔW_μ̂ = v ⊘ p − ⟨W_μ̂, v ⊘ p⟩ W_μ̂
 *
 * (Hebbian growth, with a decay that keeps ‖W_μ̂‖ near 1). The competition reads the raw input
 * and the update the weighted one, as the official kernels do (with frequency scaling on, the
 * argmax runs over the unscaled activations). The updates of a minibatch are summed, divided by
 * their largest magnitude and applied with a rate ε_e that falls linearly over the epochs. The
 * energy E = −Σ_A ⟨W_μ̂, v^A ⊘ p⟩ / ‖W_μ̂‖ falls.
 *
 * Storage: W is kept input-major (`synapses[i·K + μ]`), so the K weights leaving one projection
 * neuron are contiguous and a window's activations gather only its ≤ W non-zero rows. This is
 * plain JavaScript over Float32Arrays: the step is a sparse gather plus two dense passes over W,
 * which is faster here than any TensorFlow.js formulation of the same sparse product.
 */
import type { Rng } from '../engine/rng';
import type { SparseBatch } from './data';

export interface KenyonCells {
  /** Number of Kenyon cells K. */
  readonly cells: number;
  /** Number of projection neurons, 2V. */
  readonly inputs: number;
  /** W stored input-major: the synapse from projection neuron i to cell μ is `synapses[i * cells + μ]`. */
  readonly synapses: Float32Array;
}

/** Standard deviation of the initial synapses (the official default). */
export const INITIAL_SPREAD = 0.02;

/** W initialised from a normal distribution N(0, σ²), σ = 0.02, as the official training script does. */
export function kenyonCells(cells: number, inputs: number, rng: Rng, spread = INITIAL_SPREAD): KenyonCells {
  return { cells, inputs, synapses: rng.normals(cells * inputs, spread) };
}

/**
 * Activations of all cells for one sparse input (non-zero indices `indices[from … to)`, each of
 * value 1 before weighting): a_μ = Σ_i W_{μi} v_i / p_i, written into `into` (length K).
 */
export function activations(
  net: KenyonCells,
  indices: Int32Array,
  from: number,
  to: number,
  inverseFrequency: Float32Array,
  into: Float32Array,
): Float32Array {
  const { cells, synapses } = net;
  into.fill(0);
  for (let n = from; n < to; n++) {
    const i = indices[n] as number;
    const weight = inverseFrequency[i] as number;
    const row = i * cells;
    // a_μ = ⟨W_μ, v ⊘ p⟩ = Σ_{i=1}^{2V} W_{μi} v_i / p_i,   μ = 1, …, K   (Kenyon cell activations)
    // @paper flyvec kc-activation
    for (let mu = 0; mu < cells; mu++) into[mu] = (into[mu] as number) + weight * (synapses[row + mu] as number);
  }
  return into;
}

/** The APL neuron's winner-take-all: the index of the largest activation (the first on ties). */
export function winnerTakeAll(activation: Float32Array): number {
  let best = 0;
  // μ̂ = argmax_μ ⟨W_μ, v⟩   (winning Kenyon cell)
  // @paper flyvec winner
  for (let mu = 1; mu < activation.length; mu++)
    if ((activation[mu] as number) > (activation[best] as number)) best = mu;
  return best;
}

/** ‖W_μ‖ for every cell. */
export function synapseNorms(net: KenyonCells): Float64Array {
  const { cells, inputs, synapses } = net;
  const squares = new Float64Array(cells);
  for (let i = 0; i < inputs; i++) {
    const row = i * cells;
    for (let mu = 0; mu < cells; mu++) squares[mu] = (squares[mu] as number) + (synapses[row + mu] as number) ** 2;
  }
  return squares.map(Math.sqrt);
}

/** What one minibatch's competition found: each window's winner and its weighted activation ⟨W_μ̂, v ⊘ p⟩. */
export interface Competition {
  readonly winners: Int32Array;
  readonly winningActivations: Float32Array;
}

/**
 * Every window's winner, by its activation ⟨W_μ, v⟩, and the winner's weighted activation
 * ⟨W_μ̂, v ⊘ p⟩, which the update and the energy use; the activations themselves are not kept.
 * The same sum as `activations` with unit weights, arranged for speed: the window's synapse rows
 * are added four at a time into a float64 accumulator (a quarter of the loads and stores of a
 * row-by-row sum), and the winner is found in one pass over the K sums.
 */
export function compete(net: KenyonCells, batch: SparseBatch, inverseFrequency: Float32Array): Competition {
  const { cells, synapses } = net;
  const winners = new Int32Array(batch.size);
  const winningActivations = new Float32Array(batch.size);
  const sum = new Float64Array(cells);
  const { indices, offsets } = batch;
  for (let b = 0; b < batch.size; b++) {
    const from = offsets[b] as number;
    const to = offsets[b + 1] as number;
    let n = from;
    sum.fill(0);
    // μ̂ = argmax_μ ⟨W_μ, v⟩,  ⟨W_μ, v⟩ = Σ_i W_{μi} v_i for binary v   (the activations that compete)
    // @paper flyvec winner
    for (; n + 3 < to; n += 4) {
      const r0 = (indices[n] as number) * cells;
      const r1 = (indices[n + 1] as number) * cells;
      const r2 = (indices[n + 2] as number) * cells;
      const r3 = (indices[n + 3] as number) * cells;
      for (let mu = 0; mu < cells; mu++) {
        sum[mu] =
          (sum[mu] as number) +
          (synapses[r0 + mu] as number) +
          (synapses[r1 + mu] as number) +
          (synapses[r2 + mu] as number) +
          (synapses[r3 + mu] as number);
      }
    }
    for (; n < to; n++) {
      const row = (indices[n] as number) * cells;
      for (let mu = 0; mu < cells; mu++) sum[mu] = (sum[mu] as number) + (synapses[row + mu] as number);
    }
    // μ̂ = argmax_μ ⟨W_μ, v⟩   (winning Kenyon cell)
    // @paper flyvec winner
    let best = 0;
    for (let mu = 1; mu < cells; mu++) if ((sum[mu] as number) > (sum[best] as number)) best = mu;
    winners[b] = best;
    // a_μ̂ = ⟨W_μ̂, v ⊘ p⟩ = Σ_i W_{μ̂i} v_i / p_i   (the winner's weighted activation)
    // @paper flyvec kc-activation
    let weighted = 0;
    for (let m = from; m < to; m++) {
      const i = indices[m] as number;
      weighted += (inverseFrequency[i] as number) * (synapses[i * cells + best] as number);
    }
    winningActivations[b] = weighted;
  }
  return { winners, winningActivations };
}

/**
 * The energy of a minibatch at the current synapses, from its competition:
 * E = −Σ_A ⟨W_μ̂, v^A ⊘ p⟩ / ‖W_μ̂‖.
 */
export function energy(competition: Competition, norms: Float64Array): number {
  let sum = 0;
  // E = −Σ_A ⟨W_μ̂, v^A ⊘ p⟩ / ⟨W_μ̂, W_μ̂⟩^{1/2}   (energy)
  // @paper flyvec energy
  for (let b = 0; b < competition.winners.length; b++) {
    sum -= (competition.winningActivations[b] as number) / (norms[competition.winners[b] as number] as number);
  }
  return sum;
}

/**
 * The summed update of a minibatch, ΔW = Σ_A ΔW_μ̂A with ΔW_μ̂ = v ⊘ p − ⟨W_μ̂, v ⊘ p⟩ W_μ̂,
 * written into `delta` (input-major like W). The decay terms of all windows won by μ add up to
 * −(Σ_{A: μ̂A = μ} a^A) W_μ, so the dense part is one pass over W whatever the batch size.
 * This is the definition as written; `learningStep` takes the same step without storing ΔW.
 */
export function synapseUpdate(
  net: KenyonCells,
  batch: SparseBatch,
  inverseFrequency: Float32Array,
  competition: Competition,
  delta: Float32Array,
): Float32Array {
  const { cells, inputs, synapses } = net;
  const decay = new Float64Array(cells);
  for (let b = 0; b < batch.size; b++) {
    const mu = competition.winners[b] as number;
    decay[mu] = (decay[mu] as number) + (competition.winningActivations[b] as number);
  }
  // ΔW_μ̂ = ε [v ⊘ p − ⟨W_μ̂, v ⊘ p⟩ W_μ̂]   (synapse update of the winner; ε enters with the scaled step)
  // @paper flyvec synapse-update
  for (let i = 0; i < inputs; i++) {
    const row = i * cells;
    for (let mu = 0; mu < cells; mu++) delta[row + mu] = -(decay[mu] as number) * (synapses[row + mu] as number);
  }
  for (let b = 0; b < batch.size; b++) {
    const mu = competition.winners[b] as number;
    for (let n = batch.offsets[b] as number; n < (batch.offsets[b + 1] as number); n++) {
      const i = batch.indices[n] as number;
      delta[i * cells + mu] = (delta[i * cells + mu] as number) + (inverseFrequency[i] as number);
    }
  }
  return delta;
}

/** ε_e = ε_0 (1 − e/E) for epoch e = 0 … E−1. */
export function learningRate(initial: number, epoch: number, epochs: number): number {
  // W ← W + ε_e ΔW / max_{μ,i} |ΔW_{μi}|,   ε_e = ε_0 (1 − e/E)   (scaled step with linear decay)
  // @paper flyvec scaled-step
  return initial * (1 - epoch / epochs);
}

/** max_{μ,i} |ΔW_{μi}|. */
export function largestMagnitude(delta: Float32Array): number {
  let largest = 0;
  for (let j = 0; j < delta.length; j++) {
    const d = delta[j] as number;
    if (d > largest) largest = d;
    else if (-d > largest) largest = -d;
  }
  return largest;
}

/** W ← W + ε ΔW / max |ΔW| (in place); returns max |ΔW|. */
export function applyScaledStep(net: KenyonCells, delta: Float32Array, rate: number): number {
  const largest = largestMagnitude(delta);
  if (largest === 0) return 0;
  const scale = rate / largest;
  const { synapses } = net;
  // W ← W + ε_e ΔW / max_{μ,i} |ΔW_{μi}|,   ε_e = ε_0 (1 − e/E)   (scaled step with linear decay)
  // @paper flyvec scaled-step
  for (let j = 0; j < delta.length; j++) synapses[j] = (synapses[j] as number) + scale * (delta[j] as number);
  return largest;
}

/**
 * One learning step on a minibatch, as `synapseUpdate` then `applyScaledStep` define it; returns
 * the batch's energy before the step and each window's winner. Written so that ΔW is never
 * stored: with S the sparse Hebbian part (≤ B·W entries) and d_μ = Σ_{A: μ̂A = μ} a^A,
 *
 *   W ← W + ε ΔW / max|ΔW| = (1 − s d_μ) W + s S,   s = ε / max|ΔW|,
 *
 * and max|ΔW| is the larger of d_μ |W_{μi}| over the entries S does not touch and |S − d_μ W|
 * over those it does. So the step is one read of W (norms and the maximum) and one update of W,
 * instead of writing, scanning and reading back a dense ΔW.
 */
export function learningStep(
  net: KenyonCells,
  batch: SparseBatch,
  inverseFrequency: Float32Array,
  rate: number,
  scratch: StepScratch,
): { readonly energy: number; readonly winners: Int32Array } {
  const { cells, inputs, synapses } = net;
  const { hebbian, touched } = scratch;
  const competition = compete(net, batch, inverseFrequency);
  const { winners, winningActivations } = competition;

  const decay = new Float64Array(cells);
  const entries: number[] = [];
  for (let b = 0; b < batch.size; b++) {
    const mu = winners[b] as number;
    decay[mu] = (decay[mu] as number) + (winningActivations[b] as number);
    for (let n = batch.offsets[b] as number; n < (batch.offsets[b + 1] as number); n++) {
      const i = batch.indices[n] as number;
      const j = i * cells + mu;
      if (touched[j] === 0) {
        touched[j] = 1;
        entries.push(j);
      }
      hebbian[j] = (hebbian[j] as number) + (inverseFrequency[i] as number);
    }
  }

  // Read W once: ‖W_μ‖² for the energy, and max d_μ |W_{μi}| over the entries S leaves alone.
  const squaredNorms = new Float64Array(cells);
  let largest = 0;
  for (let i = 0; i < inputs; i++) {
    const row = i * cells;
    for (let mu = 0; mu < cells; mu++) {
      const w = synapses[row + mu] as number;
      squaredNorms[mu] = (squaredNorms[mu] as number) + w * w;
      if (touched[row + mu] === 0) {
        const d = (decay[mu] as number) * (w < 0 ? -w : w);
        if (d > largest) largest = d;
      }
    }
  }
  for (const j of entries) {
    const d = Math.abs((hebbian[j] as number) - (decay[j % cells] as number) * (synapses[j] as number));
    if (d > largest) largest = d;
  }
  const batchEnergy = energy(competition, squaredNorms.map(Math.sqrt));

  // W ← W + ε_e ΔW / max_{μ,i} |ΔW_{μi}|,   ε_e = ε_0 (1 − e/E)   (scaled step with linear decay)
  // @paper flyvec scaled-step
  const scale = largest === 0 ? 0 : rate / largest;
  const keep = decay.map((d) => 1 - scale * d);
  // ΔW_μ̂ = ε [v ⊘ p − ⟨W_μ̂, v ⊘ p⟩ W_μ̂]   (synapse update of the winner; ε enters with the scaled step)
  // @paper flyvec synapse-update
  for (let i = 0; i < inputs; i++) {
    const row = i * cells;
    for (let mu = 0; mu < cells; mu++) synapses[row + mu] = (synapses[row + mu] as number) * (keep[mu] as number);
  }
  for (const j of entries) {
    synapses[j] = (synapses[j] as number) + scale * (hebbian[j] as number);
    hebbian[j] = 0;
    touched[j] = 0;
  }
  return { energy: batchEnergy, winners };
}

/** Working memory for `learningStep`, the size of W, kept zero between steps. */
export interface StepScratch {
  /** S, the summed Hebbian part Σ_A v^A ⊘ p on the winners' entries, input-major like W. */
  readonly hebbian: Float32Array;
  /** 1 where S has an entry this step. */
  readonly touched: Uint8Array;
}

export function stepScratch(net: KenyonCells): StepScratch {
  return { hebbian: new Float32Array(net.synapses.length), touched: new Uint8Array(net.synapses.length) };
}
