/**
 * Questions a finished run answers from its checkpoint (e.g. FlyVec: the nearest words to a
 * word you type). One box per query; answers are rendered like any other output.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type { HostQueryResult, QueryView } from '../shared/webviewProtocol';
import { clear, h } from './dom';
import { OutputsView } from './outputs';

export class QueriesView {
  readonly element = h('div', { class: 'queries' });
  private readonly answers = new Map<string, { status: HTMLElement; outputs: OutputsView }>();
  private runId: string | undefined;

  constructor(private readonly ask: (runId: string, query: string, input: string) => void) {}

  /** Shows the query boxes for a finished run, or nothing (no queries, or no finished run). */
  show(runId: string | undefined, queries: readonly QueryView[]): void {
    clear(this.element);
    this.answers.clear();
    this.runId = runId;
    if (!runId) return;
    for (const query of queries) {
      const field = h('vscode-textfield', {
        id: `query-${query.id}`,
        placeholder: query.placeholder,
        'aria-label': query.label,
      }) as VscodeTextfield;
      const status = h('p', { class: 'muted query-status', 'aria-live': 'polite' });
      const outputs = new OutputsView();
      const submit = (): void => {
        const input = field.value.trim();
        if (input === '' || !this.runId) return;
        status.textContent = `Asking for “${input}”…`;
        this.ask(this.runId, query.id, input);
      };
      const button = h('vscode-button', { class: 'query-button', 'data-query': query.id }, 'Ask');
      button.addEventListener('click', submit);
      field.addEventListener('keydown', (event: KeyboardEvent) => {
        if (event.key === 'Enter') submit();
      });
      this.answers.set(query.id, { status, outputs });
      this.element.appendChild(
        h(
          'section',
          { class: 'query', 'data-query': query.id },
          h('h3', {}, query.title),
          h('p', { class: 'muted' }, query.description),
          h(
            'div',
            { class: 'query-row' },
            h('label', { for: `query-${query.id}`, class: 'field-label' }, query.label),
            field,
            button,
          ),
          status,
          outputs.element,
        ),
      );
    }
  }

  /** Renders an answer if it belongs to the run and query on screen. */
  answer(result: HostQueryResult): void {
    const target = this.answers.get(result.query);
    if (!target || result.folder !== this.runId) return;
    target.outputs.reset([]);
    if (result.output) {
      target.status.textContent = '';
      target.outputs.show(result.output);
    } else {
      target.status.textContent = result.error ?? 'No answer.';
    }
  }
}
