/**
 * A small Markdown subset for paper explanations, tokenized without touching the DOM:
 * `##`/`###` headings, paragraphs, `-` lists, `**bold**`, `*italic*`, `` `code` ``,
 * `$inline$` and `$$display$$` math. Everything else is plain text; nothing is ever
 * interpreted as HTML.
 */

export type Inline =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'bold'; readonly children: readonly Inline[] }
  | { readonly kind: 'italic'; readonly children: readonly Inline[] }
  | { readonly kind: 'code'; readonly text: string }
  | { readonly kind: 'math'; readonly tex: string; readonly display: boolean };

export type Block =
  | { readonly kind: 'heading'; readonly level: 2 | 3; readonly inlines: readonly Inline[] }
  | { readonly kind: 'paragraph'; readonly inlines: readonly Inline[] }
  | { readonly kind: 'list'; readonly items: readonly (readonly Inline[])[] }
  | { readonly kind: 'math'; readonly tex: string };

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const LIST_ITEM = /^\s{0,3}[-*+]\s+(.*)$/;

/** Splits Markdown into blocks; inline content is tokenized with `parseInline`. */
export function parseBlocks(markdown: string): Block[] {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  let items: string[] | null = null;

  const flushParagraph = (): void => {
    if (paragraph.length > 0) blocks.push({ kind: 'paragraph', inlines: parseInline(paragraph.join(' ')) });
    paragraph = [];
  };
  const flushList = (): void => {
    if (items && items.length > 0) blocks.push({ kind: 'list', items: items.map(parseInline) });
    items = null;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const trimmed = line.trim();
    if (trimmed === '') {
      flushParagraph();
      flushList();
      continue;
    }
    if (trimmed.startsWith('$$')) {
      // Display math: `$$ … $$` on one line, or opened here and closed on a later line.
      flushParagraph();
      flushList();
      const rest = trimmed.slice(2);
      const close = rest.indexOf('$$');
      if (close >= 0) {
        blocks.push({ kind: 'math', tex: rest.slice(0, close).trim() });
        const after = rest.slice(close + 2).trim();
        if (after !== '') paragraph.push(after);
        continue;
      }
      const body: string[] = [rest];
      let closed = false;
      while (++i < lines.length) {
        const l = lines[i] ?? '';
        const end = l.indexOf('$$');
        if (end >= 0) {
          body.push(l.slice(0, end));
          const after = l.slice(end + 2).trim();
          if (after !== '') paragraph.push(after);
          closed = true;
          break;
        }
        body.push(l);
      }
      if (closed) blocks.push({ kind: 'math', tex: body.join('\n').trim() });
      else
        paragraph.push(
          ['$$', ...body]
            .map((l) => l.trim())
            .filter((l) => l !== '')
            .join(' '),
        );
      continue;
    }
    const heading = HEADING.exec(trimmed);
    if (heading) {
      flushParagraph();
      flushList();
      const hashes = heading[1]?.length ?? 2;
      blocks.push({ kind: 'heading', level: hashes <= 2 ? 2 : 3, inlines: parseInline(heading[2] ?? '') });
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      flushParagraph();
      items ??= [];
      items.push(item[1] ?? '');
      continue;
    }
    if (items && items.length > 0 && /^\s+/.test(line)) {
      // An indented line continues the previous list item.
      items[items.length - 1] = `${items[items.length - 1] ?? ''} ${trimmed}`;
      continue;
    }
    flushList();
    paragraph.push(trimmed);
  }
  flushParagraph();
  flushList();
  return blocks;
}

/** Tokenizes inline Markdown. Unclosed markers are kept as literal text. */
export function parseInline(source: string): Inline[] {
  const out: Inline[] = [];
  let text = '';
  const pushText = (s: string): void => {
    text += s;
  };
  const flush = (): void => {
    if (text !== '') out.push({ kind: 'text', text });
    text = '';
  };

  let i = 0;
  while (i < source.length) {
    const c = source[i] ?? '';
    const next = source[i + 1] ?? '';
    if (c === '\\' && /[\\`*_$#-]/.test(next)) {
      pushText(next);
      i += 2;
      continue;
    }
    if (c === '`') {
      const end = source.indexOf('`', i + 1);
      if (end > i + 1) {
        flush();
        out.push({ kind: 'code', text: source.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if (c === '$' && next === '$') {
      const end = source.indexOf('$$', i + 2);
      if (end > i + 2) {
        flush();
        out.push({ kind: 'math', tex: source.slice(i + 2, end).trim(), display: true });
        i = end + 2;
        continue;
      }
    }
    if (c === '$' && next !== '' && !/\s/.test(next)) {
      const end = findInlineMathEnd(source, i + 1);
      if (end > 0) {
        flush();
        out.push({ kind: 'math', tex: source.slice(i + 1, end), display: false });
        i = end + 1;
        continue;
      }
    }
    if (c === '*' && next === '*') {
      const end = source.indexOf('**', i + 2);
      if (end > i + 2) {
        flush();
        out.push({ kind: 'bold', children: parseInline(source.slice(i + 2, end)) });
        i = end + 2;
        continue;
      }
    }
    if ((c === '*' || c === '_') && next !== '' && !/\s/.test(next) && next !== c) {
      const end = findItalicEnd(source, i + 1, c);
      if (end > 0 && (c === '*' || isWordBoundary(source, i, end))) {
        flush();
        out.push({ kind: 'italic', children: parseInline(source.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    pushText(c);
    i++;
  }
  flush();
  return out;
}

/** The closing `$` of inline math starting at `from`: not escaped, not after a space, not `$$`. */
function findInlineMathEnd(source: string, from: number): number {
  for (let j = from; j < source.length; j++) {
    const ch = source[j];
    if (ch === '\\') {
      j++;
      continue;
    }
    if (ch === '$') {
      if (j === from || /\s/.test(source[j - 1] ?? '')) return -1;
      return j;
    }
  }
  return -1;
}

function findItalicEnd(source: string, from: number, marker: string): number {
  for (let j = from; j < source.length; j++) {
    const ch = source[j];
    if (ch === '\\') {
      j++;
      continue;
    }
    if (ch === '`' || ch === '$') {
      // Skip code and math spans so their contents cannot close the emphasis.
      const end = source.indexOf(ch, j + 1);
      if (end > j) j = end;
      continue;
    }
    if (ch === marker && source[j + 1] !== marker && !/\s/.test(source[j - 1] ?? ' ')) return j;
  }
  return -1;
}

/** `_` emphasis only at word boundaries, so `snake_case_names` stay plain text. */
function isWordBoundary(source: string, open: number, close: number): boolean {
  const before = source[open - 1] ?? ' ';
  const after = source[close + 1] ?? ' ';
  return !/\w/.test(before) && !/\w/.test(after);
}
