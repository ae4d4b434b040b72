import { strict as assert } from 'node:assert';
import { averageCells, bestCells, type GridCell } from '../../../src/models/fedopt/tuning';

const cell = (
  opt: GridCell['opt'],
  logClient: number,
  logServer: number,
  roundsToTarget: number | null,
  meanAccuracy: number,
): GridCell => ({ opt, logClient, logServer, roundsToTarget, meanAccuracy });

describe('fedopt learning-rate tuning', () => {
  // Two seeds, cap 100 (a cell that never reaches the target counts as 101 rounds).
  const seedA = [
    cell('fedavg', 1, 0, 40, 0.7),
    cell('fedavg', 2, 0, null, 0.5),
    cell('fedyogi', 1, 0, 10, 0.9),
    cell('fedyogi', 2, 0, 12, 0.95),
    cell('fedyogi', 2, -1, 11, 0.8),
  ];
  const seedB = [
    cell('fedavg', 1, 0, 60, 0.6),
    cell('fedavg', 2, 0, 20, 0.8),
    cell('fedyogi', 1, 0, 12, 0.92),
    cell('fedyogi', 2, 0, 10, 0.93),
    cell('fedyogi', 2, -1, 11, 0.9),
  ];

  it('averages rounds to target, counting a miss as cap + 1', () => {
    const cells = averageCells([seedA, seedB], 100);
    const avg2 = cells.find((c) => c.opt === 'fedavg' && c.logClient === 2);
    assert.equal(avg2?.meanRounds, (101 + 20) / 2);
    assert.equal(avg2?.reachedAt, 1);
    assert.ok(Math.abs((avg2?.meanAccuracy ?? 0) - 0.65) < 1e-12);
    const avg1 = cells.find((c) => c.opt === 'fedavg' && c.logClient === 1);
    assert.equal(avg1?.meanRounds, 50);
    assert.equal(avg1?.reachedAt, 2);
  });

  it('picks the fewest mean rounds, ties to the higher mean accuracy', () => {
    const best = bestCells([seedA, seedB], 100);
    assert.deepEqual(
      best.map((c) => [c.opt, c.logClient, c.logServer]),
      [
        ['fedavg', 1, 0], // 50 rounds against 60.5
        ['fedyogi', 2, 0], // 11 rounds, tied with (2, −1) and (1, 0); mean accuracy 0.94 the highest
      ],
    );
  });

  it('leaves out cells missing at some seed', () => {
    const cells = averageCells([seedA, seedB.slice(1)], 100);
    assert.equal(cells.filter((c) => c.opt === 'fedavg').length, 1);
  });
});
