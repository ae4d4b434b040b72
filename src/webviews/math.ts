/**
 * KaTeX rendering into elements with `katex.render` (its DOM output sets styles through the
 * CSSOM, which the Content-Security-Policy allows; `renderToString`'s style attributes it does not).
 */
import katex from 'katex';
import type { Inline, Block } from './markdown';
import { parseBlocks } from './markdown';
import { append, h } from './dom';

export function renderMath(target: HTMLElement, tex: string, display: boolean, tag?: string): void {
  const source = tag === undefined ? tex : `${tex}\\tag{${tag.replace(/[{}\\]/g, '')}}`;
  try {
    katex.render(source, target, {
      displayMode: display,
      throwOnError: false,
      strict: 'ignore',
      output: 'htmlAndMathml',
    });
  } catch (error) {
    target.textContent = tex;
    target.classList.add('math-error');
    target.title = error instanceof Error ? error.message : String(error);
  }
}

export function renderInlines(parent: HTMLElement, inlines: readonly Inline[]): void {
  for (const token of inlines) {
    switch (token.kind) {
      case 'text':
        append(parent, token.text);
        break;
      case 'bold': {
        const strong = h('strong');
        renderInlines(strong, token.children);
        parent.appendChild(strong);
        break;
      }
      case 'italic': {
        const em = h('em');
        renderInlines(em, token.children);
        parent.appendChild(em);
        break;
      }
      case 'code':
        parent.appendChild(h('code', {}, token.text));
        break;
      case 'math': {
        const span = h(token.display ? 'div' : 'span', { class: token.display ? 'math display' : 'math' });
        renderMath(span, token.tex, token.display);
        parent.appendChild(span);
        break;
      }
    }
  }
}

function renderBlock(block: Block): HTMLElement {
  switch (block.kind) {
    case 'heading': {
      // The paper title is the page's h1 and sections are h2, so explanation headings sit one level below.
      const el = h(block.level === 2 ? 'h3' : 'h4');
      renderInlines(el, block.inlines);
      return el;
    }
    case 'paragraph': {
      const p = h('p');
      renderInlines(p, block.inlines);
      return p;
    }
    case 'list': {
      const ul = h('ul');
      for (const item of block.items) {
        const li = h('li');
        renderInlines(li, item);
        ul.appendChild(li);
      }
      return ul;
    }
    case 'math': {
      const div = h('div', { class: 'math display' });
      renderMath(div, block.tex, true);
      return div;
    }
  }
}

/** Renders the explanation's Markdown subset into `target`. */
export function renderMarkdown(target: HTMLElement, markdown: string): void {
  for (const block of parseBlocks(markdown)) target.appendChild(renderBlock(block));
}
