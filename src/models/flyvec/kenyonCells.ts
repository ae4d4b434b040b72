/**
 * The projection neuron → Kenyon cell network and its learning rule.
 *
 * K Kenyon cells read the 2V projection neurons through synapses W ∈ R^{K×2V}. An input window
 * v (binary, at most W non-zeros) is weighted by inverse word frequency and each cell's
 * activation is a_μ = ⟨W_μ, v ⊘ p⟩. The APL neuron's inhibition lets one cell win during
 * learning, μ̂ = argmax_μ a_μ, and only the winner's synapses move:
 *
 *   ΔW_μ̂ = v ⊘ p − ⟨W_μ̂, v ⊘ p⟩ W_μ̂        (Hebbian growth, with a decay that keeps ‖W_μ̂‖ near 1)
 *
 * The updates of a minibatch are summed, divided by their largest magnitude and applied with a
 * rate ε_e that falls linearly over the epochs. The energy E = −Σ_A ⟨W_μ̂, v^A ⊘ p⟩ / ‖W_μ̂‖ falls.
 *
 * Storage: W is kept input-major (`synapses[i·K + μ]`), so the K weights leaving one projection
 * neuron are contiguous and a window's activations gather only its ≤ W non-zero rows. This is
 * plain JavaScript over Float32Arrays: the step is a sparse gather plus one dense pass over W,
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

/** W initialised uniform in [0, scale) (small random weights, as in the calibration runs). */
export function kenyonCells(cells: number, inputs: number, rng: Rng, scale = 1e-3): KenyonCells {
  const synapses = new Float32Array(cells * inputs);
  for (let j = 0; j < synapses.length; j++) synapses[j] = rng.next() * scale;
  return { cells, inputs, synapses };
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
    // @paper flyvec kc-activation
    for (let mu = 0; mu < cells; mu++) into[mu] = (into[mu] as number) + weight * (synapses[row + mu] as number);
  }
  return into;
}

/** The APL neuron's winner-take-all: the index of the largest activation (the first on ties). */
export function winnerTakeAll(activation: Float32Array): number {
  let best = 0;
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

/** What one minibatch's competition found: each window's winner and its activation ⟨W_μ̂, v ⊘ p⟩. */
export interface Competition {
  readonly winners: Int32Array;
  readonly winningActivations: Float32Array;
}

/** Every window's activations and winner; the activations themselves are not kept. */
export function compete(net: KenyonCells, batch: SparseBatch, inverseFrequency: Float32Array): Competition {
  const winners = new Int32Array(batch.size);
  const winningActivations = new Float32Array(batch.size);
  const activation = new Float32Array(net.cells);
  for (let b = 0; b < batch.size; b++) {
    const from = batch.offsets[b] as number;
    const to = batch.offsets[b + 1] as number;
    activations(net, batch.indices, from, to, inverseFrequency, activation);
    const mu = winnerTakeAll(activation);
    winners[b] = mu;
    winningActivations[b] = activation[mu] as number;
  }
  return { winners, winningActivations };
}

/**
 * The energy of a minibatch at the current synapses, from its competition:
 * E = −Σ_A ⟨W_μ̂, v^A ⊘ p⟩ / ‖W_μ̂‖.
 */
export function energy(competition: Competition, norms: Float64Array): number {
  let sum = 0;
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
  // @paper flyvec scaled-step
  for (let j = 0; j < delta.length; j++) synapses[j] = (synapses[j] as number) + scale * (delta[j] as number);
  return largest;
}

/** One learning step on a minibatch; returns the batch's energy before the step and each window's winner. */
export function learningStep(
  net: KenyonCells,
  batch: SparseBatch,
  inverseFrequency: Float32Array,
  rate: number,
  delta: Float32Array,
): { readonly energy: number; readonly winners: Int32Array } {
  const competition = compete(net, batch, inverseFrequency);
  const batchEnergy = energy(competition, synapseNorms(net));
  synapseUpdate(net, batch, inverseFrequency, competition, delta);
  applyScaledStep(net, delta, rate);
  return { energy: batchEnergy, winners: competition.winners };
}
