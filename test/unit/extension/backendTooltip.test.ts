/**
 * The backend status bar tooltip: its command links work only when the MarkdownString trusts
 * exactly those commands, and text from a run (backend failure reasons) cannot add links.
 */
import { strict as assert } from 'node:assert';
import { backendTooltip } from '../../../src/extension/backendTooltip';
import type { BackendReport } from '../../../src/shared/runs';

/** Every `command:` link target in a markdown text (the command id, without arguments). */
function commandLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(\s*<?command:([A-Za-z0-9_.-]+)/g)].map((m) => m[1] as string);
}

const report: BackendReport = {
  requested: 'auto',
  chosen: 'wasm',
  attempts: [
    { name: 'tensorflow-gpu', ok: false, reason: 'not installed (npm install @tensorflow/tfjs-node-gpu; needs CUDA)' },
    // A reason is text from the worker: it must not be able to add a link.
    { name: 'webgpu', ok: false, reason: 'failed: [open a terminal](command:workbench.action.terminal.new) *bold*' },
    { name: 'wasm', ok: true, reason: 'WebAssembly, 1 thread, SIMD' },
  ],
};

describe('backend status tooltip', () => {
  for (const [title, r] of [
    ['before any run', undefined],
    ['after a run', report],
  ] as const) {
    it(`trusts every command it links, and only those (${title})`, () => {
      const tooltip = backendTooltip('auto', r);
      const links = commandLinks(tooltip.markdown);
      assert.ok(links.includes('paperLab.selectBackend'), 'links Select Training Backend');
      assert.ok(links.includes('paperLab.installGpuBackend'), 'links Install GPU Backend');
      for (const id of links) assert.ok(tooltip.enabledCommands.includes(id), `${id} is enabled`);
      assert.deepEqual([...tooltip.enabledCommands].sort(), [...new Set(links)].sort());
    });
  }

  it('shows a failure reason as text: no link, no markup from it', () => {
    const { markdown } = backendTooltip('auto', report);
    assert.ok(!commandLinks(markdown).includes('workbench.action.terminal.new'));
    assert.doesNotMatch(markdown, /\]\(command:workbench/);
    assert.match(markdown, /\\\[open a terminal\\\]/);
    assert.match(markdown, /\\\*bold\\\*/);
    assert.match(markdown, /Last run used \*\*wasm\*\*/);
  });
});
