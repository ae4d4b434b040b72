/**
 * The optional PyTorch checks: the python `bench --reference` would use ($PAPER_LAB_PYTHON, then
 * python3 on PATH), or a skipped test that says why when that python cannot import torch.
 */
import { spawnSync } from 'node:child_process';
import { findPython, type PythonChoice } from '../../src/cli/reference';

export function torchPythonOrSkip(ctx: Mocha.Context): PythonChoice {
  const python = findPython(undefined);
  const probe = python.path ? spawnSync(python.path, ['-c', 'import torch'], { encoding: 'utf8' }) : null;
  if (!python.path || !probe || probe.status !== 0) {
    const why = python.path ? `${python.path} cannot import torch` : (python.reason ?? 'no python3');
    console.log(`      skipped: ${why} (set PAPER_LAB_PYTHON to a python3 with torch to run it)`);
    ctx.skip();
  }
  return python;
}
