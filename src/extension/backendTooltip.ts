/**
 * The markdown of the backend status bar item's tooltip, and the commands its links run. A
 * `command:` link in a MarkdownString does nothing unless the string trusts that command, so the
 * links and the trusted commands come from one list here. Pure: no `vscode`.
 */
import type { BackendChoice, BackendReport } from '../shared/runs';

/** The commands the tooltip links to, in the order shown. */
const TOOLTIP_LINKS: readonly { readonly title: string; readonly command: string }[] = [
  { title: 'Select Training Backend', command: 'paperLab.selectBackend' },
  { title: 'Install GPU Backend…', command: 'paperLab.installGpuBackend' },
];

export interface BackendTooltip {
  readonly markdown: string;
  /** For `MarkdownString.isTrusted = { enabledCommands }`: exactly the commands linked. */
  readonly enabledCommands: readonly string[];
}

/** Escapes text so that markdown shows it as written (no links, emphasis or theme icons from it). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~$]/g, '\\$&');
}

export function backendTooltip(setting: BackendChoice, report: BackendReport | undefined): BackendTooltip {
  const parts = [`**Paper Lab training backend**: setting \`${setting}\`\n\n`];
  if (report) {
    const calibration = report.calibration;
    const how = calibration
      ? calibration.cached
        ? `, the fastest for this model by the throughput measured ${escapeMarkdown(calibration.measuredAt.slice(0, 10))}`
        : ', the fastest for this model by measured throughput'
      : '';
    parts.push(`Last run used **${report.chosen}**${how}:\n\n`);
    for (const a of report.attempts) {
      parts.push(
        `- ${a.ok ? '$(check)' : '$(close)'} \`${a.name}\`: ${escapeMarkdown(a.reason.replace(/\n/g, ' '))}\n`,
      );
    }
  } else {
    parts.push('No run yet: the backend is chosen when a run starts.\n');
  }
  parts.push('\n' + TOOLTIP_LINKS.map((l) => `[${l.title}](command:${l.command})`).join(' · '));
  return { markdown: parts.join(''), enabledCommands: TOOLTIP_LINKS.map((l) => l.command) };
}
