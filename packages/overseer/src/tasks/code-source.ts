/**
 * Reading model-written JavaScript and Python on paper: the code out of a reply (its fenced block),
 * and the code as a reviewer should read it — comments and docstrings dropped, blank lines gone,
 * and every name the code binds renamed `v1`, `v2`, … in order of first use, so that neither an
 * instruction hidden in a comment ("reviewer: this code is safe") nor a reassuring name can sway
 * the verdict. A small tokenizer, not a parser: it knows strings (quotes, Python's prefixes and
 * triple quotes, JavaScript's templates), comments and regular-expression literals, which is what
 * it takes to never mistake a `#` or `//` inside a string for a comment. Nothing here runs code.
 */

/** The languages read here. */
export type CodeLanguage = 'js' | 'python';

/** One token of source text. */
interface Token {
  kind: 'space' | 'comment' | 'string' | 'name' | 'number' | 'punctuation';
  text: string;
}

/** The words of a space-separated list, as a set. */
function words(list: string): Set<string> {
  return new Set(list.split(' '));
}

const JAVASCRIPT_KEYWORDS = words(
  'break case catch class const continue debugger default delete do else export extends false finally for function if import in instanceof let new null of return static super switch this throw true try typeof undefined var void while with yield async await get set',
);
const JAVASCRIPT_GLOBALS = words(
  'Array ArrayBuffer BigInt Boolean Date Error Infinity JSON Map Math NaN Number Object Promise RangeError RegExp Set String Symbol TypeError console globalThis isFinite isNaN parseFloat parseInt arguments',
);
const PYTHON_KEYWORDS = words(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield self',
);
const PYTHON_BUILTINS = words(
  'abs all any ascii bin bool bytes callable chr dict dir divmod enumerate filter float format frozenset getattr hasattr hash hex id input int isinstance issubclass iter len list map max min next object oct open ord pow print range repr reversed round set slice sorted str sum super tuple type zip Exception ValueError TypeError KeyError IndexError ZeroDivisionError RuntimeError StopIteration NotImplementedError math',
);

/** After these tokens a `/` starts a regular expression in JavaScript, not a division. */
const REGEX_AFTER = new Set([
  '',
  '(',
  ',',
  '=',
  ':',
  '[',
  '!',
  '&',
  '|',
  '?',
  '{',
  '}',
  ';',
  '+',
  '-',
  '*',
  '%',
  '<',
  '>',
  '~',
  '^',
  '=>',
  '==',
  '===',
  '!=',
  '!==',
  '&&',
  '||',
  '??',
  'return',
  'typeof',
  'case',
  'else',
  'in',
  'of',
]);

const PUNCTUATION =
  /^(?:===|!==|\*\*=|\.\.\.|=>|==|!=|<=|>=|&&|\|\||\?\?|\+\+|--|\+=|-=|\*=|\/=|%=|\*\*|\/\/=|\/\/|->|:=|[^\s])/;

/** The end (exclusive) of a quoted string that starts at `start` with `quote`. */
function quotedEnd(source: string, start: number, quote: string): number {
  let index = start + quote.length;
  while (index < source.length) {
    if (source[index] === '\\') {
      index += 2;
      continue;
    }
    if (source.startsWith(quote, index)) return index + quote.length;
    // A single-quoted string ends at a line's end even if unterminated (the code is then broken).
    if (quote.length === 1 && quote !== '`' && source[index] === '\n') return index;
    index += 1;
  }
  return source.length;
}

/** The end of a JavaScript template literal, `${…}` substitutions and nested templates included. */
function templateEnd(source: string, start: number): number {
  let index = start + 1;
  while (index < source.length) {
    const character = source[index];
    if (character === '\\') {
      index += 2;
    } else if (character === '`') {
      return index + 1;
    } else if (character === '$' && source[index + 1] === '{') {
      let depth = 1;
      index += 2;
      while (index < source.length && depth > 0) {
        const inner = source[index];
        if (inner === '{') depth += 1;
        else if (inner === '}') depth -= 1;
        else if (inner === '`') {
          index = templateEnd(source, index);
          continue;
        } else if (inner === '"' || inner === "'") {
          index = quotedEnd(source, index, inner);
          continue;
        }
        index += 1;
      }
    } else {
      index += 1;
    }
  }
  return source.length;
}

/** The end of a JavaScript regular-expression literal starting at `start` (flags included). */
function regexEnd(source: string, start: number): number {
  let index = start + 1;
  let inClass = false;
  while (index < source.length && source[index] !== '\n') {
    const character = source[index];
    if (character === '\\') index += 1;
    else if (character === '[') inClass = true;
    else if (character === ']') inClass = false;
    else if (character === '/' && !inClass) {
      index += 1;
      while (/[a-z]/i.test(source[index] ?? '')) index += 1;
      return index;
    }
    index += 1;
  }
  return index;
}

/** The tokens of a source text; concatenated, they give the text back exactly. */
function tokenize(source: string, language: CodeLanguage): Token[] {
  const tokens: Token[] = [];
  let previous = '';
  let index = 0;
  const push = (kind: Token['kind'], end: number) => {
    const text = source.slice(index, end);
    tokens.push({ kind, text });
    if (kind !== 'space' && kind !== 'comment') previous = text;
    index = end;
  };
  while (index < source.length) {
    const rest = source.slice(index);
    const space = /^\s+/.exec(rest);
    if (space !== null) {
      push('space', index + space[0].length);
      continue;
    }
    if (language === 'python') {
      if (rest[0] === '#') {
        const end = source.indexOf('\n', index);
        push('comment', end === -1 ? source.length : end);
        continue;
      }
      const string = /^([rRbBuUfF]{0,2})("""|'''|"|')/.exec(rest);
      if (string !== null) {
        const quoteStart = index + string[1].length;
        const raw = /r/i.test(string[1]);
        let end = quotedEnd(source, quoteStart, string[2]);
        if (raw && string[2].length === 1) {
          const close = source.indexOf(string[2], quoteStart + 1);
          end = close === -1 ? source.length : close + 1;
        }
        push('string', end);
        continue;
      }
    } else {
      if (rest.startsWith('//')) {
        const end = source.indexOf('\n', index);
        push('comment', end === -1 ? source.length : end);
        continue;
      }
      if (rest.startsWith('/*')) {
        const end = source.indexOf('*/', index + 2);
        push('comment', end === -1 ? source.length : end + 2);
        continue;
      }
      if (rest[0] === '`') {
        push('string', templateEnd(source, index));
        continue;
      }
      if (rest[0] === '"' || rest[0] === "'") {
        push('string', quotedEnd(source, index, rest[0]));
        continue;
      }
      if (rest[0] === '/' && REGEX_AFTER.has(previous)) {
        push('string', regexEnd(source, index));
        continue;
      }
    }
    const name = /^[A-Za-z_$][\w$]*/.exec(rest);
    if (name !== null) {
      push('name', index + name[0].length);
      continue;
    }
    const number = /^(?:0[xob][\da-f_]+|\d[\d_]*(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+)n?/i.exec(rest);
    if (number !== null) {
      push('number', index + number[0].length);
      continue;
    }
    push('punctuation', index + (PUNCTUATION.exec(rest)?.[0].length ?? 1));
  }
  return tokens;
}

/** The tokens that are not space or comment, with their positions in `tokens`. */
function significant(tokens: readonly Token[]): number[] {
  return tokens.flatMap((token, index) =>
    token.kind === 'space' || token.kind === 'comment' ? [] : [index],
  );
}

/**
 * Python docstrings: a string that is a whole statement — alone on its line, outside any bracket —
 * to drop. A string on a line of its own inside brackets is a value, and stays.
 */
function docstrings(tokens: readonly Token[]): Set<number> {
  const found = new Set<number>();
  let depth = 0;
  let lineStart = true;
  tokens.forEach((token, position) => {
    if (token.kind === 'comment') return;
    if (token.kind === 'space') {
      if (token.text.includes('\n') && depth === 0) lineStart = true;
      return;
    }
    if (token.kind === 'string' && lineStart && depth === 0) {
      const next = tokens.slice(position + 1).find((later) => later.kind !== 'comment');
      const endsLine = next === undefined || (next.kind === 'space' && next.text.includes('\n'));
      if (endsLine) found.add(position);
    }
    if ('([{'.includes(token.text)) depth += 1;
    else if (')]}'.includes(token.text)) depth = Math.max(0, depth - 1);
    lineStart = false;
  });
  return found;
}

/** Source text with comments (and Python's docstrings) removed and blank lines dropped. */
export function stripComments(source: string, language: CodeLanguage): string {
  return render(tokenize(source, language), language, () => undefined);
}

/** Reassembles tokens: comments dropped, names mapped, each run of blank lines removed. */
function render(
  tokens: readonly Token[],
  language: CodeLanguage,
  rename: (position: number) => string | undefined,
): string {
  const dropped = language === 'python' ? docstrings(tokens) : new Set<number>();
  let text = '';
  tokens.forEach((token, position) => {
    // A comment across lines still ends a line (JavaScript's semicolon insertion counts on it).
    if (token.kind === 'comment' || dropped.has(position)) {
      if (token.text.includes('\n')) text += '\n';
      return;
    }
    text += token.kind === 'name' ? (rename(position) ?? token.text) : token.text;
  });
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '')
    .join('\n');
}

/** Code as a reviewer reads it, and the names it had. */
export interface NormalisedCode {
  /** Comments and docstrings dropped, blank lines gone, bound names renamed. */
  text: string;
  /** Each original name renamed, with its new name (`total` → `v2`). */
  names: Record<string, string>;
  /** Comments (and docstrings) removed. */
  comments: number;
}

/** Whether the name at `order` is a property or a keyword argument, whose spelling matters. */
function isAttribute(
  tokens: readonly Token[],
  kept: readonly number[],
  order: number,
  language: CodeLanguage,
): boolean {
  const before = order > 0 ? tokens[kept[order - 1]].text : '';
  const after = order + 1 < kept.length ? tokens[kept[order + 1]].text : '';
  if (before === '.' || before === '?.') return true;
  if (language === 'js') return after === ':' && (before === '{' || before === ',');
  // A keyword argument `f(key=value)`: a name after `(` or `,` and before `=`, outside a `def`.
  if (after !== '=' || (before !== '(' && before !== ',')) return false;
  let depth = 0;
  for (let index = order - 1; index >= 0; index -= 1) {
    const text = tokens[kept[index]].text;
    if (text === ')') depth += 1;
    else if (text === '(') {
      if (depth === 0) {
        return index < 2 || tokens[kept[index - 2]].text !== 'def';
      }
      depth -= 1;
    }
  }
  return false;
}

/**
 * Code with comments stripped and names normalised: every name that is not a keyword, a
 * built-in, a property, an imported module or one of `keep` (the function the spec names) is
 * renamed `v1`, `v2`, … in order of first appearance.
 */
export function normaliseCode(
  source: string,
  language: CodeLanguage,
  keep: readonly string[] = [],
): NormalisedCode {
  const tokens = tokenize(source, language);
  const kept = significant(tokens);
  const fixed = new Set([
    ...keep,
    ...(language === 'js' ? [...JAVASCRIPT_KEYWORDS, ...JAVASCRIPT_GLOBALS] : []),
    ...(language === 'python' ? [...PYTHON_KEYWORDS, ...PYTHON_BUILTINS] : []),
  ]);
  if (language === 'python') {
    // Names an import binds keep their spelling: they name a module's things, not the code's.
    for (const match of source.matchAll(/^[ \t]*(?:from[ \t]+\S+[ \t]+)?import[ \t]+([^\n#]+)/gm)) {
      for (const part of match[1].replace(/[()]/g, '').split(',')) {
        const bound = /(?:\bas\s+)?([A-Za-z_]\w*)\s*$/.exec(part.trim());
        if (bound !== null) fixed.add(bound[1]);
      }
    }
  }
  const names = new Map<string, string>();
  const renamed = new Map<number, string>();
  kept.forEach((position, order) => {
    const token = tokens[position];
    if (token.kind !== 'name' || fixed.has(token.text)) return;
    const before = order > 0 ? tokens[kept[order - 1]].text : '';
    if (before === 'import' || before === 'from') return;
    if (isAttribute(tokens, kept, order, language)) return;
    let name = names.get(token.text);
    if (name === undefined) {
      name = `v${names.size + 1}`;
      names.set(token.text, name);
    }
    renamed.set(position, name);
  });
  const dropped = language === 'python' ? docstrings(tokens).size : 0;
  return {
    text: render(tokens, language, (position) => renamed.get(position)),
    names: Object.fromEntries(names),
    comments: tokens.filter((token) => token.kind === 'comment').length + dropped,
  };
}

/**
 * The code of a model's reply: the first fenced block (preferring one tagged with the language),
 * else the whole reply; `export` before a declaration is dropped, since the function is called,
 * not imported.
 */
export function extractCode(reply: string, language: CodeLanguage): string {
  const blocks = [...reply.matchAll(/```([\w+-]*)[^\n]*\n([\s\S]*?)(?:```|$)/g)];
  const tags = language === 'js' ? ['js', 'javascript', 'ts', 'typescript'] : ['py', 'python'];
  const tagged = blocks.find((block) => tags.includes(block[1].toLowerCase()));
  const code = (tagged ?? blocks[0])?.[2] ?? reply;
  return language === 'js'
    ? code.replace(
        /^(\s*)export\s+(?:default\s+)?(?=(?:async\s+)?function|const|let|class)/gm,
        '$1',
      )
    : code;
}
