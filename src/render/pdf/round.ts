import type { Checklist } from '../../model/types.js';
import type { Block, Column, Scale, Size } from './layout.js';
import { checklistRowHeight, columnFits, drawTable, headHeight, sectionTitle } from './layout.js';
import { Sketch } from './sketch.js';
import { clauseSuffix } from './wording.js';

/**
 * A patrol round on a form: a row per point in the order they are reached, with the place (and what to check
 * there, and the time to be there, when the YAML writes them) pre-printed, and blank 到达时间 / 情况 / 签名
 * cells for the patrol to fill in. Rows are as tall as a checklist's, so `checklistCapacity` holds for both.
 */
export function roundBlock(round: Checklist, size: Size, sc: Scale): Block {
  const points = round.items;
  type Cell = NonNullable<Column['cell']>;
  const preprinted =
    (text: (i: number) => string, align: 'left' | 'center'): Cell =>
    (sk, x, y, w, h, r) =>
      sk.label(text(r), x, y, w, h, sc.head, align, 4 * sc.s);
  const columns: Column[] = [
    { label: '巡查点', weight: 1.4, cell: preprinted((r) => points[r]?.name ?? '', 'left') },
    ...(points.some((p) => p.check)
      ? [{ label: '查看内容', weight: 2.4, cell: preprinted((r) => points[r]?.check ?? '', 'left') }]
      : []),
    ...(points.some((p) => p.at)
      ? [{ label: '规定时间', weight: 0.8, cell: preprinted((r) => points[r]?.at?.text ?? '', 'center') }]
      : []),
    { label: '到达时间', weight: 0.9 },
    { label: '情况', weight: 2 },
    { label: '签名', weight: 0.9 },
  ];
  const title = `${round.title}${clauseSuffix(round.clause)}`;
  const titleH = sc.body * 1.45;
  const headH = headHeight(columns, size.w, sc, 14 * sc.s);
  const rowH = checklistRowHeight();
  const problemLines = round.onProblem ? new Sketch().paragraph(round.onProblem, 0, 0, size.w, sc.small) : 0;
  return {
    fixed: titleH + headH + points.length * rowH + problemLines + 4 * sc.s,
    rows: 0,
    columns: columnFits(columns, size.w),
    draw(sk, y) {
      sectionTitle(sk, title, y, sc);
      const th = drawTable(sk, 0, y + titleH, size.w, columns, headH, points.length, rowH, sc);
      if (round.onProblem) sk.paragraph(round.onProblem, 0, y + titleH + th + 2 * sc.s, size.w, sc.small);
    },
  };
}
