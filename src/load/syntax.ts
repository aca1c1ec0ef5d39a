import { type CST, Parser, type YAMLError } from '../deps/yaml.js';

/**
 * What broke a YAML file, in words a reader can act on. The yaml package reports where its parser gave up,
 * which after a stray quote or an unclosed bracket is often far from the mistake (a quote before line 1
 * turns the whole file into one string and a thousand "unexpected" tokens). This module finds the quote or
 * bracket that started the trouble, and says each of yaml's errors in Chinese and English.
 */

/** A cause found in the token stream, reported at `start`; `explains` tells which yaml errors it accounts for. */
export interface RootCause {
  readonly code: 'YAML_QUOTE_UNCLOSED' | 'YAML_QUOTE_RUNAWAY' | 'YAML_BRACKET_UNCLOSED';
  readonly start: number;
  readonly end: number;
  readonly params: Record<string, string | number>;
  readonly explains: (e: YAMLError) => boolean;
}

interface Found {
  readonly quoted: CST.FlowScalar[];
  readonly flows: CST.FlowCollection[];
}

/** Quoted scalars and flow collections of a CST, in document order; iterative, since nesting can be deep. */
function collect(tokens: Iterable<unknown>, found: Found): void {
  const stack: unknown[] = [...tokens].reverse();
  while (stack.length > 0) {
    const t = stack.pop();
    if (!t || typeof t !== 'object') continue;
    const tok = t as { type?: string } & Record<string, unknown>;
    if (tok.type === 'double-quoted-scalar' || tok.type === 'single-quoted-scalar') {
      found.quoted.push(tok as unknown as CST.FlowScalar);
    } else if (tok.type === 'flow-collection') found.flows.push(tok as unknown as CST.FlowCollection);
    const children: unknown[] = [];
    for (const key of ['start', 'key', 'sep', 'value', 'items', 'end']) {
      const v = tok[key];
      if (Array.isArray(v)) children.push(...v);
      else if (v) children.push(v);
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
}

function closed(s: CST.FlowScalar): boolean {
  const q = s.source[0] ?? '';
  if (s.source.length < 2 || !s.source.endsWith(q)) return false;
  if (q === "'") return true;
  // `"a\"` ends in an escaped quote: count the backslashes before the last character.
  let n = 0;
  for (let i = s.source.length - 2; i >= 0 && s.source[i] === '\\'; i--) n++;
  return n % 2 === 0;
}

const CLOSE: Record<string, string> = { '{': '}', '[': ']' };

/**
 * The quote or bracket that broke the file, if the first error follows from one: a quoted scalar that is
 * never closed, a flow collection without its closing bracket, or a quoted scalar that runs over several
 * lines into the error (a stray quote pairs with the next one, wherever that is).
 */
export function rootCause(
  text: string,
  errors: readonly YAMLError[],
  lineStarts: readonly number[],
): RootCause | null {
  if (errors.length === 0) return null;
  const first = Math.min(...errors.map((e) => e.pos[0]));
  const found: Found = { quoted: [], flows: [] };
  collect(new Parser().parse(text), found);
  // A quote left open swallows the brackets after it, so quotes come first (the earliest); then the innermost
  // bracket left open, whose closing bracket the outer ones may have taken for theirs.
  const quote = found.quoted
    .filter((s) => s.offset <= first)
    .map((s) => quoteCause(s, text, first, lineStarts))
    .find((c) => c !== null);
  if (quote) return quote;
  const open = found.flows
    .filter(
      (f) =>
        f.offset <= first && CLOSE[f.start.source] && !f.end.some((t) => t.source === CLOSE[f.start.source]),
    )
    .sort((a, b) => b.offset - a.offset)[0];
  if (!open) return null;
  const close = CLOSE[open.start.source] ?? '';
  return {
    code: 'YAML_BRACKET_UNCLOSED',
    start: open.offset,
    end: open.offset + 1,
    params: { open: open.start.source, close },
    // yaml says the flow collection "must be sufficiently indented and end with a }" where it gave up.
    explains: (e) => (e.code === 'BAD_INDENT' || e.code === 'MISSING_CHAR') && e.message.includes(close),
  };
}

function quoteCause(
  s: CST.FlowScalar,
  text: string,
  first: number,
  lineStarts: readonly number[],
): RootCause | null {
  const quote = s.source[0] === "'" ? "'" : '"';
  const end = s.offset + s.source.length;
  if (!closed(s)) {
    return {
      code: 'YAML_QUOTE_UNCLOSED',
      start: s.offset,
      end: s.offset + 1,
      params: { quote },
      explains: (e) => e.code === 'MISSING_CHAR' && /quote/i.test(e.message),
    };
  }
  if (!s.source.includes('\n') || (first !== s.offset && (first < end || first > lineEnd(text, end))))
    return null;
  const closing = lineCol(lineStarts, end - 1);
  return {
    code: 'YAML_QUOTE_RUNAWAY',
    start: s.offset,
    end: s.offset + 1,
    params: { quote, endLine: closing.line, endColumn: closing.column },
    explains: (e) => e.pos[0] === s.offset,
  };
}

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl === -1 ? text.length : nl;
}

function lineCol(lineStarts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (lineStarts[lo] ?? 0) + 1 };
}

/** One of yaml's messages, matched by pattern, said in both languages; `$1` is the pattern's first group. */
const DETAILS: readonly [RegExp, string, string][] = [
  [/^Missing closing "?quote/, '引号没有闭合', 'a quote is not closed'],
  [/^Implicit map keys need to be followed by map values/, '键后面缺少冒号', 'a key is missing its colon'],
  [/^Comments must be separated/, '注释符号 # 前须有空格', 'a # comment needs a space before it'],
  [/^Missing , or : between/, '缺少逗号或冒号', 'a comma or colon is missing'],
  [/^Missing , between/, '各项之间缺少逗号', 'a comma is missing between items'],
  [/^Missing space after :/, '冒号后缺少空格', 'a colon needs a space after it'],
  [/^Sequence item without - indicator/, '列表项缺少 - 符号', 'a list item is missing its -'],
  [/^Tags and anchors must be separated/, '标签或锚点后须有空格', 'a tag or anchor needs a space after it'],
  [/^Missing directives-end/, '缺少 --- 文档开始标记', 'the --- document start is missing'],
  [
    /^All sequence items must start at the same column/,
    '列表各项须从同一列开始',
    'list items must start in the same column',
  ],
  [/^Flow map .*end with a \}/, '花括号 { 没有闭合，或缩进不够', 'a { is not closed, or not indented enough'],
  [
    /^Flow sequence .*end with a \]/,
    '方括号 [ 没有闭合，或缩进不够',
    'a [ is not closed, or not indented enough',
  ],
  [
    /^Implicit keys (of flow sequence pairs )?need to be on a single line/,
    '键必须写在一行内（是否少了冒号，或引号没有闭合？）',
    'a key must fit on one line (a missing colon, or an open quote?)',
  ],
  [
    /^Nested mappings are not allowed in compact mappings/,
    '这里不能嵌套映射（检查缩进和冒号）',
    'a mapping cannot be nested here (check indentation and colons)',
  ],
  [/^A block sequence may not be used as an implicit map key/, '列表不能用作键', 'a list cannot be a key'],
  [
    /^Invalid escape sequence/,
    '双引号中的转义无效（反斜杠 \\ 要写成 \\\\）',
    'an invalid escape in double quotes (write a backslash as \\\\)',
  ],
  [
    /^Plain value cannot start with (\S+)/,
    '不加引号的值不能以 $1 开头，请给它加上引号',
    'a value starting with $1 needs quotes',
  ],
  [
    /^The : indicator must be at most 1024 chars/,
    '键太长（超过 1024 个字符）',
    'a key is longer than 1024 characters',
  ],
  [
    /^A node can have at most one anchor/,
    '一个值只能有一个锚点（&）',
    'a value can have one anchor (&) at most',
  ],
  [/^A node can have at most one tag/, '一个值只能有一个标签（!）', 'a value can have one tag (!) at most'],
  [/^(Alias|Anchor) cannot be an empty string/, '锚点或别名不能为空', 'an anchor or alias cannot be empty'],
  [
    /^(Alias|Anchor) ending in : is ambiguous/,
    '锚点或别名不能以冒号结尾',
    'an anchor or alias cannot end in a colon',
  ],
  [
    /^An alias node must not specify any properties/,
    '别名（*）不能带标签或锚点',
    'an alias (*) cannot have a tag or anchor',
  ],
  [/^Anchors and tags must be after/, '锚点和标签须写在 - 或 ? 之后', 'anchors and tags go after - or ?'],
  [/^Unexpected , in/, '多余的逗号', 'a stray comma'],
  [/^Unexpected empty item/, '多余的逗号（空的一项）', 'an empty item (a stray comma)'],
  [
    /^Block scalar header includes extra characters/,
    '| 或 > 后面不能再写内容',
    'nothing may follow | or > on its line',
  ],
  [/^Unexpected flow-map-end|^Unexpected \}/, '多余的 }', 'a stray }'],
  [/^Unexpected flow-seq-end|^Unexpected \]/, '多余的 ]', 'a stray ]'],
  [
    /^Unexpected .*map-value-ind|^Unexpected :/,
    '多余的冒号（值里的冒号要加引号）',
    'a stray colon (quote a value that contains one)',
  ],
  [/^Source contains multiple documents/, '文件中有多个文档', 'the file holds several documents'],
  [/^Unresolved tag/, '不支持的标签', 'an unsupported tag'],
  [
    /^Unexpected /,
    '此处出现了意外的内容（检查上一行的缩进、冒号和引号）',
    'unexpected content here (check the indentation, colons and quotes above)',
  ],
];

/** yaml's error in Chinese and English (`detailZh`, `detail`), without the code frame yaml may append. */
export function describeYamlError(e: Pick<YAMLError, 'message'>): { detail: string; detailZh: string } {
  const message = e.message.split('\n')[0] ?? e.message;
  for (const [re, zh, en] of DETAILS) {
    const m = re.exec(message);
    if (m) return { detailZh: zh.replace('$1', m[1] ?? ''), detail: en.replace('$1', m[1] ?? '') };
  }
  return { detailZh: 'YAML 无法解析这里的内容', detail: 'YAML cannot read what is written here' };
}
