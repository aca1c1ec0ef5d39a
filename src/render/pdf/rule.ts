import { isPair, isScalar, isSeq, visit } from '../../deps/yaml.js';
import type { Diagnostic } from '../../diagnostics/types.js';
import type { SopRule } from '../../validate/rules/sop-rules.js';
import { missingGlyphs } from './font.js';

/**
 * A validation rule for builds, which print the SOP's text in its forms and documents: every text value of
 * the YAML is drawable with the embedded Chinese font. A character the font lacks is reported at the YAML
 * node it is in (file:line:column, code `GLYPH_MISSING`), before any PDF is written.
 *
 * It loads the font (fontkit and an 8 MB file), so `build` registers it, not `validate`.
 */
export const printableTextRule: SopRule = ({ report }) => {
  visit(report.doc, {
    Scalar(key, node, ancestors) {
      if (key === 'key' || typeof node.value !== 'string' || !node.range) return;
      const missing = missingGlyphs(node.value);
      if (missing.length === 0) return;
      const chars = missing
        .map((c) => `${c} (U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()})`)
        .join(', ');
      const chain: unknown[] = [...ancestors, node];
      const path: (string | number)[] = [];
      chain.forEach((a, i) => {
        if (isPair(a) && isScalar(a.key)) path.push(String(a.key.value));
        if (isSeq(a)) path.push(a.items.indexOf(chain[i + 1] as never));
      });
      const [start, end] = node.range;
      const at = { file: report.file, ...lineCol(report, start, end) };
      const d: Diagnostic = {
        code: 'GLYPH_MISSING',
        severity: 'error',
        ...at,
        path,
        message: {
          zh: `打印所用字体（Noto Sans Hans）中没有这些字符：${chars}`,
          en: `The print font (Noto Sans Hans) has no glyph for: ${chars}`,
          hintZh: '换用常用字，或改写这段文字；打印的表格和文件无法显示这些字符。',
          hintEn:
            'Use a common character or reword the text: printed forms and documents cannot show these characters.',
        },
      };
      report.diagnostics.push(d);
    },
  });
};

function lineCol(report: Parameters<SopRule>[0]['report'], start: number, end: number) {
  const a = report.lc.linePos(start);
  const b = report.lc.linePos(end);
  return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
}
