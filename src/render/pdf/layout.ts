import type { Checklist, Field, Form, ProcedureSop, Transition } from '../../model/types.js';
import { COLUMN_HOLDS, HANDWRITING_MINIMUMS } from './handwriting.js';
import { roundBlock } from './round.js';
import { makeSheet, type Sheet } from './sheet.js';
import { type Align, Sketch, textWidth, wrap } from './sketch.js';
import { MM, type Orientation } from './units.js';
import {
  auditText,
  clauseSuffix,
  recordOf,
  recordRuleText,
  roleName,
  sopHeading,
  traceText,
} from './wording.js';

/**
 * Page layouts of the three form kinds, as sketches in content-box coordinates (origin at the top left
 * of the area inside the margins). Everything printed comes from the model; the only fixed wording is
 * the vocabulary of a paper form (年/月/日, 第 n 页, 编号 …).
 */

/** Which side of a leaf a page is printed on: a recto's outer edge is its right, a verso's its left. */
export type Side = 'recto' | 'verso';

/** Where a per-page value (serial number, page number) is written. */
export interface Slot {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly size: number;
  readonly align: Align;
}

export interface PageLayout {
  /** The part of the page that is the same on every page. */
  readonly fixed: Sketch;
  readonly serial: Slot;
  readonly pageNumber: Slot;
  /** Height of each writing row, points, and how many writing rows the page has (event rows and list rows). */
  readonly rowHeight: number;
  readonly writingRows: number;
  /** Every table column of the page: its width beside the width of what it must hold, points. */
  readonly columns: readonly ColumnFit[];
}

export interface ColumnFit {
  readonly label: string;
  readonly width: number;
  readonly holds: number;
}

/**
 * How a form is laid out when one page at the chosen size cannot hold it at the handwriting minimums:
 * - `one-page`: everything on one page;
 * - `continuation`: a shift (or a register sheet) goes on over a second page, the first page ending where
 *   the next part no longer fits (an events table is split between rows, at least three a part);
 * - `spread`: a register too wide for the page even in landscape has its columns split over two pages,
 *   each with the row numbers, the same rows at the same heights, read as a two-page spread.
 * Never more than two pages (in a duplex book the two face each other, see `book-plan.ts`).
 */
export type ReflowRule = 'one-page' | 'continuation' | 'spread';

/** The pages of one shift of a log, or one sheet of a register. */
export interface FormLayout {
  readonly rule: ReflowRule;
  readonly pages: readonly PageLayout[];
}

/** At most this many pages make one shift or register sheet. */
export const MAX_GROUP_PAGES = 2;

/** An events table split over two pages keeps at least this many rows on each. */
const MIN_SPLIT_ROWS = 3;

export interface Size {
  readonly w: number;
  readonly h: number;
}

/**
 * Font sizes and spacing. Text sizes are the handwriting minimums' (labels, footnotes) or above at every
 * paper size; only spacing and the title shrink with the content width (A4 portrait ≈ 1).
 */
export interface Scale {
  readonly s: number;
  readonly title: number;
  readonly body: number;
  readonly small: number;
  readonly head: number;
}

export function scaleFor(width: number): Scale {
  const s = Math.min(1, Math.max(0.75, width / 490));
  const m = HANDWRITING_MINIMUMS;
  return {
    s,
    title: Math.max(12, 15 * s),
    body: Math.max(m.labelPt, 9.5 * s),
    small: m.footnotePt,
    head: m.labelPt,
  };
}

/** Height of a writing row at least, and the side of a tick box, points. */
const ROW_MIN = HANDWRITING_MINIMUMS.writingRowMm * MM;
const BOX = HANDWRITING_MINIMUMS.checkBoxMm * MM;
const PAD = HANDWRITING_MINIMUMS.cellPaddingMm * MM;

/** A vertical piece of a page: a fixed height plus `rows` writing rows that share the space left. */
export interface Block {
  readonly fixed: number;
  readonly rows: number;
  /** The lowest its rows may be (the writing row minimum, or more for a row of tick boxes). */
  readonly minRow?: number;
  /** The table columns it draws, for the measurement of the page. */
  readonly columns?: readonly ColumnFit[];
  draw(sk: Sketch, y: number, rowHeight: number): void;
}

/** A table column: a heading and what is pre-printed in each of its cells. */
export interface Column {
  readonly label: string;
  readonly weight: number;
  /** The narrowest the column may be: its heading on two lines and what it holds, with padding. */
  readonly min?: number;
  /** The lowest a row may be for what its cells pre-print (a row of tick boxes). */
  readonly rowMin?: number;
  /** Draws the pre-printed part of a cell (tick boxes, fixed text); blank when absent. */
  readonly cell?: (sk: Sketch, x: number, y: number, w: number, h: number, row: number) => void;
}

/**
 * Column widths: shared by weight, except that no column gets less than its `min` (those at their minimum
 * are set aside and the rest shared again). When the minimums add up to more than `width`, every column gets
 * its minimum (the caller checks `minTableWidth` first).
 */
export function columnWidths(columns: readonly Column[], width: number): number[] {
  const atMin = new Set<number>();
  for (;;) {
    const used = [...atMin].reduce((a, i) => a + (columns[i]?.min ?? 0), 0);
    const total = columns.reduce((a, c, i) => a + (atMin.has(i) ? 0 : c.weight), 0) || 1;
    const widths = columns.map((c, i) =>
      atMin.has(i) ? (c.min ?? 0) : (Math.max(0, width - used) * c.weight) / total,
    );
    const under = columns.flatMap((c, i) =>
      !atMin.has(i) && (widths[i] ?? 0) < (c.min ?? 0) - 1e-9 ? [i] : [],
    );
    if (under.length === 0) return widths;
    for (const i of under) atMin.add(i);
  }
}

export function minTableWidth(columns: readonly Column[]): number {
  return columns.reduce((a, c) => a + (c.min ?? 0), 0);
}

/** `labelWidth`'s answers: a form's labels are measured again at every size a book is checked at. */
const LABEL_WIDTHS = new Map<string, number>();

/** The narrowest width at which `text` wraps onto at most `lines` lines at `size`. */
export function labelWidth(text: string, size: number, lines = 2): number {
  const key = `${size}\u0000${lines}\u0000${text}`;
  const known = LABEL_WIDTHS.get(key);
  if (known !== undefined) return known;
  const width = searchLabelWidth(text, size, lines);
  LABEL_WIDTHS.set(key, width);
  return width;
}

function searchLabelWidth(text: string, size: number, lines: number): number {
  const parts = text.split('\n');
  let lo = 0;
  for (const ch of text) lo = Math.max(lo, textWidth(ch, size));
  let hi = Math.max(lo, ...parts.map((p) => textWidth(p, size)));
  const ok = (w: number) => parts.flatMap((p) => wrap(p, size, w)).length <= Math.max(lines, parts.length);
  if (ok(lo)) return lo;
  for (let i = 0; i < 16; i++) {
    const mid = (lo + hi) / 2;
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Height of a table's heading row: as many lines as its longest label wraps onto at its width. */
export function headHeight(columns: readonly Column[], width: number, sc: Scale, base: number): number {
  const widths = columnWidths(columns, width);
  const lines = Math.max(
    1,
    ...columns.map(
      (c, i) =>
        c.label.split('\n').flatMap((l) => wrap(l, sc.head, Math.max(1, (widths[i] ?? 0) - 2 * PAD))).length,
    ),
  );
  return Math.max(base, lines * sc.head * 1.15 + 4);
}

/** Draws a ruled table: a heading row of height `headH` and `rows` rows of height `rowH`. Returns its height. */
export function drawTable(
  sk: Sketch,
  x: number,
  y: number,
  width: number,
  columns: readonly Column[],
  headH: number,
  rows: number,
  rowH: number,
  sc: Scale,
): number {
  const widths = columnWidths(columns, width);
  const height = headH + rows * rowH;
  sk.fill(x, y, width, headH, 0.08);
  sk.rect(x, y, width, height, 0.8);
  let cx = x;
  widths.forEach((w, i) => {
    const col = columns[i];
    if (!col) return;
    if (i > 0) sk.line(cx, y, cx, y + height, 0.4);
    sk.label(col.label, cx, y, w, headH, sc.head, 'center', PAD);
    for (let r = 0; r < rows; r++) col.cell?.(sk, cx, y + headH + r * rowH, w, rowH, r);
    cx += w;
  });
  sk.line(x, y + headH, x + width, y + headH, 0.6);
  for (let r = 1; r < rows; r++) sk.line(x, y + headH + r * rowH, x + width, y + headH + r * rowH, 0.3);
  return height;
}

/** What a column's cells pre-print and need, beside its width (for the page's measurement). */
export function columnFits(columns: readonly Column[], width: number): ColumnFit[] {
  const widths = columnWidths(columns, width);
  return columns.map((c, i) => ({ label: c.label, width: widths[i] ?? 0, holds: c.min ?? 0 }));
}

/** Width of a row of tick boxes with their labels at `size`, one after the other. */
function optionsWidth(labels: readonly string[], size: number): number {
  const gap = size * 0.3;
  return labels.reduce((a, l) => a + BOX + gap + textWidth(l, size), 0) + (labels.length - 1) * size * 0.8;
}

/**
 * Tick boxes (the check box minimum) with their labels in a cell, on one line if they fit, else stacked;
 * nothing if neither fits.
 */
export function drawOptions(
  sk: Sketch,
  x: number,
  y: number,
  w: number,
  h: number,
  labels: readonly string[],
  size: number,
): boolean {
  const gap = size * 0.3;
  const widths = labels.map((l) => BOX + gap + textWidth(l, size));
  const inline = optionsWidth(labels, size);
  if (inline <= w - 2 * PAD + 1e-6 && h >= BOX + 2) {
    let cx = x + (w - inline) / 2;
    const top = y + (h - BOX) / 2;
    labels.forEach((l, i) => {
      sk.box(cx, top, BOX);
      sk.text(l, cx + BOX + gap, top + (BOX - size) / 2, size, { role: 'option' });
      cx += (widths[i] ?? 0) + size * 0.8;
    });
    return true;
  }
  const line = BOX + 1.5;
  if (Math.max(...widths) <= w - 2 * PAD + 1e-6 && labels.length * line <= h) {
    const left = x + (w - Math.max(...widths)) / 2;
    const top = y + (h - labels.length * line + 1.5) / 2;
    labels.forEach((l, i) => {
      sk.box(left, top + i * line, BOX);
      sk.text(l, left + BOX + gap, top + i * line + (BOX - size) / 2, size, { role: 'option' });
    });
    return true;
  }
  return false;
}

/** The narrowest a column may be for its heading (on two lines) and for what it holds. */
function minWidth(label: string, holds: number, sc: Scale): number {
  return Math.max(labelWidth(label, sc.head), holds) + 2 * PAD;
}

/**
 * A table column for a form field, at least as wide as what its type holds (`COLUMN_HOLDS`); enum and
 * boolean fields get their options with a tick box each in every cell, on one line.
 */
export function fieldColumn(field: Field, sc: Scale): Column {
  const labelPt = HANDWRITING_MINIMUMS.labelPt;
  if ((field.type === 'enum' && field.options.length > 0) || field.type === 'boolean') {
    const labels = field.type === 'boolean' ? ['是', '否'] : field.options.map((o) => o.label);
    return {
      label: field.label,
      weight: field.width,
      min: minWidth(field.label, optionsWidth(labels, sc.small), sc),
      rowMin: BOX + 4,
      cell: (sk, x, y, w, h) => drawOptions(sk, x, y, w, h, labels, sc.small),
    };
  }
  const type = field.type === 'enum' ? 'text' : field.type;
  const min = minWidth(field.label, textWidth(COLUMN_HOLDS[type], labelPt), sc);
  if (field.type === 'time') {
    return {
      label: field.label,
      weight: field.width,
      min,
      cell: (sk, x, y, w, h) =>
        sk.text(':', x, y + (h - sc.body) / 2, sc.body, { align: 'center', width: w }),
    };
  }
  return { label: field.label, weight: field.width, min };
}

export function fieldColumns(fields: readonly Field[], sc: Scale): Column[] {
  return fields.map((f) => fieldColumn(f, sc));
}

/** A narrow first column with the row numbers, so the two pages of a spread can be read row by row. */
function numberColumn(sc: Scale): Column {
  return {
    label: '序号',
    weight: 0.01,
    min: minWidth('序号', textWidth('00', HANDWRITING_MINIMUMS.labelPt), sc),
    cell: (sk, x, y, w, h, r) =>
      sk.text(String(r + 1), x, y + (h - sc.small) / 2, sc.small, { align: 'center', width: w }),
  };
}

// ── page frame ─────────────────────────────────────────────────────────────

/** Title band: title centred, SOP heading under it, serial slot at the top right. */
export function headerBlock(
  sop: ProcedureSop,
  title: string,
  size: Size,
  sc: Scale,
  subtitle?: string,
  side: Side = 'recto',
): { block: Block; serial: Slot } {
  const h = sc.title * 1.3 + sc.small * 1.6 + 6 * sc.s;
  // On the outer edge: right on a recto, left on a verso.
  const serial: Slot =
    side === 'recto'
      ? { x: size.w * 0.7, y: 0, w: size.w * 0.3, size: sc.small * 1.15, align: 'right' }
      : { x: 0, y: 0, w: size.w * 0.3, size: sc.small * 1.15, align: 'left' };
  return {
    serial,
    block: {
      fixed: h,
      rows: 0,
      draw(sk, y) {
        sk.text(title, 0, y, sc.title, { align: 'center', width: size.w, role: 'label' });
        const sub = subtitle ? `${sopHeading(sop)}　${subtitle}` : sopHeading(sop);
        sk.text(sub, 0, y + sc.title * 1.3, sc.small, { align: 'center', width: size.w });
        sk.line(0, y + h - 3 * sc.s, size.w, y + h - 3 * sc.s, 0.8);
      },
    },
  };
}

/**
 * Footer band: the page number slot on the outer edge (right on a recto, left on a verso), the trace line
 * (SOP id, version, source hash) on the inner one.
 */
export function footerBlock(
  sop: ProcedureSop,
  size: Size,
  sc: Scale,
  side: Side = 'recto',
): { height: number; draw(sk: Sketch): void; pageNumber: Slot } {
  const height = sc.small * 2;
  const y = size.h - sc.small * 1.1;
  const recto = side === 'recto';
  return {
    height,
    pageNumber: recto
      ? { x: size.w * 0.5, y, w: size.w * 0.5, size: sc.small * 1.15, align: 'right' }
      : { x: 0, y, w: size.w * 0.5, size: sc.small * 1.15, align: 'left' },
    draw(sk) {
      sk.line(0, y - sc.small * 0.5, size.w, y - sc.small * 0.5, 0.3);
      if (recto) sk.text(traceText(sop), 0, y, sc.small);
      else sk.text(traceText(sop), 0, y, sc.small, { align: 'right', width: size.w });
    },
  };
}

// ── header fields ──────────────────────────────────────────────────────────

interface Inline {
  readonly width: number;
  draw(sk: Sketch, x: number, y: number, h: number): void;
}

function blank(sk: Sketch, x: number, y: number, h: number, w: number): void {
  sk.line(x, y + h - 3, x + w, y + h - 3, 0.4);
}

/** A header field as label + writing space, shaped by its type. */
function fieldInline(sop: ProcedureSop, field: Field, sc: Scale): Inline {
  const size = sc.body;
  const label = `${field.label}：`;
  const lw = textWidth(label, size);
  const u = 22 * sc.s;
  const windows = field.type === 'text' && field.id === 'window' ? dutyWindows(sop) : [];
  let parts: { text?: string; blank?: number; box?: boolean }[];
  if (windows.length === 1) {
    parts = [{ text: windows[0] ?? '' }];
  } else if (windows.length > 1) {
    parts = windows.flatMap((w) => [{ box: true }, { text: `${w} ` }]);
  } else {
    switch (field.type) {
      case 'date':
        parts = [
          { blank: u * 1.6 },
          { text: '年' },
          { blank: u },
          { text: '月' },
          { blank: u },
          { text: '日' },
        ];
        break;
      case 'time':
        parts = [{ blank: u }, { text: ':' }, { blank: u }];
        break;
      case 'datetime':
        parts = [
          { blank: u },
          { text: '月' },
          { blank: u },
          { text: '日' },
          { blank: u },
          { text: ':' },
          { blank: u },
        ];
        break;
      case 'enum':
        parts = field.options.flatMap((o) => [{ box: true }, { text: `${o.label} ` }]);
        break;
      case 'boolean':
        parts = [{ box: true }, { text: '是 ' }, { box: true }, { text: '否' }];
        break;
      default:
        parts = [{ blank: u * (field.type === 'number' ? 2 : 4.5) * Math.max(0.6, field.width) }];
    }
  }
  const pw = (p: { text?: string; blank?: number; box?: boolean }): number =>
    p.text !== undefined ? textWidth(p.text, size) : p.blank !== undefined ? p.blank : BOX + 3;
  const width = lw + parts.reduce((a, p) => a + pw(p), 0);
  return {
    width,
    draw(sk, x, y, h) {
      const top = y + (h - size) / 2;
      sk.text(label, x, top, size, { role: 'label' });
      let cx = x + lw;
      for (const p of parts) {
        if (p.text !== undefined) sk.text(p.text, cx, top, size, { role: 'label' });
        else if (p.blank !== undefined) blank(sk, cx, y, h, p.blank);
        else sk.box(cx + 1, y + (h - BOX) / 2, BOX);
        cx += pw(p);
      }
    },
  };
}

/** The duty windows a log page can be for: the normal one and, if different, the holiday one. */
export function dutyWindows(sop: ProcedureSop): string[] {
  const sched = sop.schedule;
  if (!sched) return [];
  const out = [sched.window.label];
  if (sched.holidayWindow && sched.holidayWindow.label !== sched.window.label)
    out.push(`${sched.holidayWindow.label}（节假日）`);
  return out;
}

function fieldsBlock(sop: ProcedureSop, fields: readonly Field[], size: Size, sc: Scale): Block | null {
  if (fields.length === 0) return null;
  const items = fields.map((f) => fieldInline(sop, f, sc));
  const gap = 14 * sc.s;
  const lines: Inline[][] = [[]];
  let used = 0;
  for (const it of items) {
    const cur = lines[lines.length - 1] ?? [];
    if (cur.length > 0 && used + gap + it.width > size.w) {
      lines.push([it]);
      used = it.width;
    } else {
      cur.push(it);
      used += (cur.length > 1 ? gap : 0) + it.width;
    }
  }
  const lh = Math.max(ROW_MIN, 20 * sc.s);
  return {
    fixed: lines.length * lh + 2 * sc.s,
    rows: 0,
    draw(sk, y) {
      lines.forEach((line, i) => {
        const total = line.reduce((a, it) => a + it.width, 0);
        const g = line.length > 1 ? Math.min(gap * 3, (size.w - total) / (line.length - 1)) : 0;
        let x = 0;
        for (const it of line) {
          it.draw(sk, x, y + i * lh, lh);
          x += it.width + g;
        }
      });
    },
  };
}

// ── log sections ───────────────────────────────────────────────────────────

export function sectionTitle(sk: Sketch, text: string, y: number, sc: Scale): void {
  sk.text(text, 0, y + 2 * sc.s, sc.body, { role: 'label' });
}

/** The transition that records checklist items into a context field bound to `checklist`. */
function checkTransition(sop: ProcedureSop, checklist: Checklist): Transition | null {
  const wf = sop.workflow;
  if (!wf) return null;
  const fields = new Set(
    wf.context.filter((c) => c.kind === 'checklist' && c.checklist === checklist.id).map((c) => c.id),
  );
  for (const step of wf.steps)
    for (const t of step.transitions)
      if (t.effects.some((e) => e.kind === 'check' && fields.has(e.field))) return t;
  return null;
}

function checklistBlock(sop: ProcedureSop, checklist: Checklist, size: Size, sc: Scale): Block {
  if (checklist.kind === 'round') return roundBlock(checklist, size, sc);
  const t = checkTransition(sop, checklist);
  // The status options and note fields come from the event that records a check.
  const status = t?.payload.find((f) => f.type === 'enum');
  const notes = t?.payload.filter((f) => f !== status && f.type === 'text' && !f.required) ?? [];
  const statusLabels = status?.options.map((o) => o.label) ?? [];
  const itemLabel = t?.payload.find((f) => f.required && f.type === 'text')?.label ?? '';
  const longest = Math.max(0, ...checklist.items.map((i) => textWidth(i.name, sc.head)));
  const columns: Column[] = [
    {
      label: itemLabel,
      weight: 1.6,
      min: minWidth(itemLabel, longest + 2 * sc.s, sc),
      cell: (sk, x, y, w, h, r) =>
        sk.label(checklist.items[r]?.name ?? '', x, y, w, h, sc.head, 'left', PAD + 2 * sc.s),
    },
    ...statusLabels.map(
      (label): Column => ({
        label,
        weight: 0.7,
        min: minWidth(label, BOX, sc),
        cell: (sk, x, y, w, h) => sk.box(x + w / 2 - BOX / 2, y + (h - BOX) / 2, BOX),
      }),
    ),
    ...notes.map((f): Column => ({ ...fieldColumn(f, sc), weight: 3.2 })),
  ];
  const title = `${checklist.title}${clauseSuffix(checklist.clause)}`;
  const titleH = sc.body * 1.45;
  const headH = headHeight(columns, size.w, sc, 14 * sc.s);
  const rowH = checklistRowHeight();
  const problemLines = checklist.onProblem
    ? new Sketch().paragraph(checklist.onProblem, 0, 0, size.w, sc.small)
    : 0;
  return {
    fixed: titleH + headH + checklist.items.length * rowH + problemLines + 4 * sc.s,
    rows: 0,
    columns: columnFits(columns, size.w),
    draw(sk, y) {
      sectionTitle(sk, title, y, sc);
      const th = drawTable(sk, 0, y + titleH, size.w, columns, headH, checklist.items.length, rowH, sc);
      if (checklist.onProblem)
        sk.paragraph(checklist.onProblem, 0, y + titleH + th + 2 * sc.s, size.w, sc.small);
    },
  };
}

/** Height of one checklist item's row: each item is printed on a row of its own, a writing row high. */
export function checklistRowHeight(): number {
  return ROW_MIN;
}

/** A short table for a list the shift keeps (follow-ups, anomalies, unfinished work), from the event that adds to it. */
function listBlock(title: string, fields: readonly Field[], rows: number, size: Size, sc: Scale): Block {
  const titleH = sc.body * 1.45;
  const cols = fields.map((f): Column => {
    const c = fieldColumn(f, sc);
    // Short ids (编号) need less room than the text they number.
    return f.id === 'id'
      ? { ...c, weight: 0.5 }
      : f.type === 'boolean'
        ? { ...c, weight: 0.7 }
        : { ...c, weight: Math.max(c.weight, 2.5) };
  });
  const headH = headHeight(cols, size.w, sc, 14 * sc.s);
  return {
    fixed: titleH + headH + 2 * sc.s,
    rows,
    minRow: Math.max(ROW_MIN, ...cols.map((c) => c.rowMin ?? 0)),
    columns: columnFits(cols, size.w),
    draw(sk, y, r) {
      sectionTitle(sk, title, y, sc);
      drawTable(sk, 0, y + titleH, size.w, cols, headH, rows, r, sc);
    },
  };
}

/** The events table (or the register's), `rows` of its rows, with `columns` (all, or one page's of a spread). */
function tableBlock(
  columns: readonly Column[],
  rows: number,
  size: Size,
  sc: Scale,
  title: string | null,
): Block {
  const titleH = title ? sc.body * 1.45 : 0;
  const headH = headHeight(columns, size.w, sc, 16 * sc.s);
  return {
    fixed: titleH + headH + 2 * sc.s,
    rows,
    minRow: Math.max(ROW_MIN, ...columns.map((c) => c.rowMin ?? 0)),
    columns: columnFits(columns, size.w),
    draw(sk, y, r) {
      if (title) sectionTitle(sk, title, y, sc);
      drawTable(sk, 0, y + titleH, size.w, columns, headH, rows, r, sc);
    },
  };
}

/**
 * The signatures of a form: a cell each with its label (and the signer's role when the label does not
 * name it) and a place for the time on the first line, then a line to sign on at least the signature
 * minimum long; cells wrap onto more lines when the page is too narrow for them side by side.
 */
export function signaturesBlock(sop: ProcedureSop, form: Form, size: Size, sc: Scale): Block | null {
  if (form.signatures.length === 0) return null;
  const pad = 4 * sc.s;
  const time = '时间：';
  const cellMin = HANDWRITING_MINIMUMS.signatureLineMm * MM + 2 * pad;
  const perLine = Math.max(1, Math.min(form.signatures.length, Math.floor(size.w / cellMin)));
  const lines = Math.ceil(form.signatures.length / perLine);
  const labelH = sc.head * 1.3;
  const h = 3 * sc.s + labelH + ROW_MIN + 2 * sc.s;
  return {
    fixed: lines * h + 6 * sc.s,
    rows: 0,
    draw(sk, y0) {
      const w = size.w / perLine;
      form.signatures.forEach((sig, i) => {
        const x = (i % perLine) * w;
        const y = y0 + 4 * sc.s + Math.floor(i / perLine) * h;
        sk.rect(x, y, w, h, 0.8);
        const label = `${sig.label}：`;
        sk.text(label, x + pad, y + 3 * sc.s, sc.head, { role: 'label' });
        const role = roleName(sop, sig.role);
        const after = x + pad + textWidth(label, sc.head);
        const timeX = x + w - pad - textWidth(time, sc.head) - 14 * sc.s;
        if (role && !sig.label.includes(role) && after + textWidth(`（${role}）`, sc.small) < timeX)
          sk.text(`（${role}）`, after, y + 3 * sc.s + (sc.head - sc.small), sc.small);
        sk.text(time, timeX, y + 3 * sc.s, sc.head, { role: 'label' });
        const lineY = y + 3 * sc.s + labelH + ROW_MIN;
        sk.line(x + pad, lineY, x + w - pad, lineY, 0.4, 'signature');
      });
    },
  };
}

/** Small print at the foot of a form: who checks it and how the record is kept. */
export function rulesBlock(lines: readonly string[], size: Size, sc: Scale): Block | null {
  if (lines.length === 0) return null;
  const probe = new Sketch();
  const h = lines.reduce((a, l) => a + probe.paragraph(l, 0, 0, size.w, sc.small), 0);
  return {
    fixed: h + 4 * sc.s,
    rows: 0,
    draw(sk, y) {
      let cy = y + 3 * sc.s;
      for (const l of lines) cy += sk.paragraph(l, 0, cy, size.w, sc.small);
    },
  };
}

export function footnotes(sop: ProcedureSop, form: Form): string[] {
  const lines = sop.audits.filter((a) => a.form === form.id).map((a) => auditText(sop, a));
  const rule = recordRuleText(recordOf(sop, form));
  if (rule) lines.push(rule);
  return lines;
}

/** Height a block needs with its rows at their lowest. */
function need(b: Block, minRow: number): number {
  return b.fixed + b.rows * Math.max(minRow, b.minRow ?? 0);
}

/**
 * Stacks blocks from the top; writing rows share the height left, between the lowest any of the blocks
 * allows (at least `minRow`) and `maxRow`. `rowHeight` forces one height (the pages of a spread).
 */
export function stack(
  sk: Sketch,
  blocks: readonly (Block | null)[],
  y0: number,
  height: number,
  minRow: number,
  maxRow: number,
  rowHeight?: number,
): { rowHeight: number; rows: number } {
  const list = blocks.filter((b): b is Block => b !== null);
  const fixed = list.reduce((a, b) => a + b.fixed, 0);
  const rows = list.reduce((a, b) => a + b.rows, 0);
  const low = Math.max(minRow, ...list.filter((b) => b.rows > 0).map((b) => b.minRow ?? 0));
  const r = rows > 0 ? (rowHeight ?? Math.min(Math.max(maxRow, low), (height - fixed) / rows)) : 0;
  if (rows > 0 && (r < low - 1e-6 || fixed + rows * r > height + 1e-6))
    throw new RangeError(`page too small: ${rows} rows would be ${r.toFixed(1)} pt high`);
  let y = y0;
  for (const b of list) {
    b.draw(sk, y, r);
    y += b.fixed + b.rows * r;
  }
  return { rowHeight: r, rows };
}

// ── the three kinds ────────────────────────────────────────────────────────

/**
 * The lists a duty log keeps beside its events table, in the order of the workflow's context: each
 * list's fields and title come from the first event that appends to it. The list whose entries have
 * the form's columns is the events table itself.
 */
function logSections(
  sop: ProcedureSop,
  form: Form,
): ({ kind: 'checklist' } | { kind: 'table' } | { kind: 'list'; title: string; fields: Field[] })[] {
  const wf = sop.workflow;
  const out: (
    | { kind: 'checklist' }
    | { kind: 'table' }
    | { kind: 'list'; title: string; fields: Field[] }
  )[] = [];
  const columnIds = new Set(form.columns.map((c) => c.id));
  let tableDone = false;
  let checklistDone = false;
  for (const ctx of wf?.context ?? []) {
    if (ctx.kind === 'checklist' && ctx.checklist === form.checklist && !checklistDone) {
      out.push({ kind: 'checklist' });
      checklistDone = true;
      continue;
    }
    if (ctx.kind !== 'list') continue;
    const adders = (wf?.steps ?? []).flatMap((s) =>
      s.transitions.filter((t) => t.effects.some((e) => e.kind === 'append' && e.field === ctx.id)),
    );
    const first = adders[0];
    if (!first) continue;
    const overlap = first.payload.filter((f) => columnIds.has(f.id)).length;
    if (!tableDone && overlap > 0 && overlap >= Math.min(2, columnIds.size)) {
      out.push({ kind: 'table' });
      tableDone = true;
      continue;
    }
    out.push({ kind: 'list', title: first.label, fields: [...first.payload] });
  }
  if (!checklistDone && form.checklist) out.unshift({ kind: 'checklist' });
  if (!tableDone && form.columns.length > 0) out.push({ kind: 'table' });
  return out;
}

/** A part of a page group: a block of `rows` rows; an events table may be `split` between two pages. */
interface Piece {
  readonly rows: number;
  readonly split: boolean;
  block(rows: number): Block;
}

function whole(b: Block | null): Piece | null {
  return b ? { rows: b.rows, split: false, block: () => b } : null;
}

/** The parts of a log page or a register sheet, in print order; the short lists of a log get `listRows` rows. */
function pieces(
  sop: ProcedureSop,
  form: Form,
  size: Size,
  sc: Scale,
  listRows: number,
  columns: readonly Column[],
): Piece[] {
  const checklist = sop.checklists.find((c) => c.id === form.checklist) ?? null;
  const table: Piece = {
    rows: Math.max(1, form.rows),
    split: true,
    block: (n) => tableBlock(columns, n, size, sc, null),
  };
  const out: (Piece | null)[] = [whole(fieldsBlock(sop, form.fields, size, sc))];
  if (form.kind === 'log') {
    for (const section of logSections(sop, form)) {
      if (section.kind === 'checklist')
        out.push(whole(checklist ? checklistBlock(sop, checklist, size, sc) : null));
      else if (section.kind === 'table') out.push(table);
      else out.push(whole(listBlock(section.title, section.fields, listRows, size, sc)));
    }
  } else {
    if (checklist) out.push(whole(checklistBlock(sop, checklist, size, sc)));
    if (form.columns.length > 0) out.push(table);
  }
  out.push(whole(signaturesBlock(sop, form, size, sc)), whole(rulesBlock(footnotes(sop, form), size, sc)));
  return out.filter((p): p is Piece => p !== null);
}

/**
 * Fills pages from the top with `parts`, each page starting with `head(i)`: a part goes on the page when it
 * fits with its rows at their lowest, else on the next page; a splittable part puts as many rows (at least
 * `MIN_SPLIT_ROWS`) as fit on this page and the rest on the next. A part taller than an empty page is a
 * `RangeError`.
 */
function flow(parts: readonly Piece[], height: number, head: (page: number) => Block): Block[][] {
  const pages: Block[][] = [];
  let cur: Block[] = [];
  let room = 0;
  const open = (): void => {
    const h = head(pages.length);
    cur = [h];
    pages.push(cur);
    room = height - h.fixed;
  };
  open();
  for (const p of parts) {
    let left = p.rows;
    for (;;) {
      const all = p.block(left);
      if (need(all, ROW_MIN) <= room + 1e-6) {
        cur.push(all);
        room -= need(all, ROW_MIN);
        break;
      }
      if (p.split) {
        const none = p.block(0);
        const k = Math.floor((room - none.fixed + 1e-6) / Math.max(ROW_MIN, none.minRow ?? 0));
        if (k >= MIN_SPLIT_ROWS && k < left) {
          cur.push(p.block(k));
          left -= k;
          open();
          continue;
        }
      }
      if (cur.length === 1) throw new RangeError('a part of the form is taller than a page');
      open();
    }
  }
  return pages;
}

/** The heading of the `page`-th page of a group: the title, and （续） on a continuation page. */
function groupHeader(sop: ProcedureSop, form: Form, size: Size, sc: Scale, side: Side, page: number) {
  return headerBlock(sop, page === 0 ? form.title : `${form.title}（续）`, size, sc, undefined, side);
}

function pageOf(
  sop: ProcedureSop,
  form: Form,
  size: Size,
  sc: Scale,
  side: Side,
  blocks: readonly Block[],
  page: number,
  rowHeight?: number,
): PageLayout {
  const sk = measuring.on ? new MeasureSketch() : new Sketch();
  const header = groupHeader(sop, form, size, sc, side, page);
  const footer = footerBlock(sop, size, sc, side);
  footer.draw(sk);
  const stacked = stack(sk, blocks, 0, size.h - footer.height, ROW_MIN, MAX_ROW, rowHeight);
  return {
    fixed: sk,
    serial: header.serial,
    pageNumber: footer.pageNumber,
    rowHeight: stacked.rowHeight,
    writingRows: stacked.rows,
    columns: blocks.flatMap((b) => b.columns ?? []),
  };
}

/** Writing rows stretch to fill the page up to this height (points, 9.2 mm). */
const MAX_ROW = 26;

/**
 * Lays out one shift of a log or one sheet of a register at `size` with every handwriting minimum kept,
 * by the first rule of `ReflowRule` that works: one page (the short lists of a log with two rows, or one),
 * a continuation page, or for a register wider than the page a two-page spread. A `RangeError` when none
 * does (the validate rule `formsMeetHandwritingMinimums` reports it before anything is rendered).
 *
 * @example
 * const { rule, pages } = layoutForm(sop, form, sheet.content('recto'));
 */
export function layoutForm(sop: ProcedureSop, form: Form, size: Size, side: Side = 'recto'): FormLayout {
  const sc = scaleFor(size.w);
  const columns = fieldColumns(form.columns, sc);
  const height = size.h - footerBlock(sop, size, sc, side).height;
  const head = (i: number) => groupHeader(sop, form, size, sc, side, i).block;
  if (minTableWidth(columns) > size.w + 1e-6) return spread(sop, form, size, sc, side, columns);
  let last: Block[][] = [];
  for (const listRows of [2, 1]) {
    const pages = flow(pieces(sop, form, size, sc, listRows, columns), height, head);
    if (pages.length === 1 && pages[0])
      return { rule: 'one-page', pages: [pageOf(sop, form, size, sc, side, pages[0], 0)] };
    if (listRows === 2) last = pages;
  }
  if (last.length > MAX_GROUP_PAGES)
    throw new RangeError(`one ${form.kind === 'log' ? 'shift' : 'sheet'} needs ${last.length} pages`);
  return { rule: 'continuation', pages: last.map((b, i) => pageOf(sop, form, size, sc, side, b, i)) };
}

/**
 * A register too wide for the page: its columns in order, split where the next no longer fits, each
 * page with the row numbers first; every page has the same rows at the same height; the small print goes
 * under the rows of the first page, the signatures under those of the last.
 */
function spread(
  sop: ProcedureSop,
  form: Form,
  size: Size,
  sc: Scale,
  side: Side,
  columns: readonly Column[],
): FormLayout {
  const groups = columnGroups(columns, size.w, sc);
  if (!groups) throw new RangeError(`the columns need ${(minTableWidth(columns) / MM).toFixed(0)} mm across`);
  // The blocks above the table (header fields, checklist) are on the first page; the same height is left
  // blank on the others, so the rows line up.
  const checklist = sop.checklists.find((c) => c.id === form.checklist) ?? null;
  const before = [
    fieldsBlock(sop, form.fields, size, sc),
    checklist ? checklistBlock(sop, checklist, size, sc) : null,
  ].filter((b): b is Block => b !== null);
  // Below the rows: the small print on the first page, the signatures on the last.
  const signatures = signaturesBlock(sop, form, size, sc);
  const rules = rulesBlock(footnotes(sop, form), size, sc);
  const gap: Block = { fixed: before.reduce((a, b) => a + b.fixed, 0), rows: 0, draw() {} };
  const rows = Math.max(1, form.rows);
  const blocks = groups.map((g, i) => [
    groupHeader(sop, form, size, sc, side, i).block,
    ...(i === 0 ? before : [gap]),
    tableBlock(g, rows, size, sc, null),
    ...(i === 0 && rules ? [rules] : []),
    ...(i === groups.length - 1 && signatures ? [signatures] : []),
  ]);
  const height = size.h - footerBlock(sop, size, sc, side).height;
  // One row height for all pages: the lowest any of them leaves.
  const low = Math.max(ROW_MIN, ...columns.map((c) => c.rowMin ?? 0));
  const r = Math.min(
    Math.max(MAX_ROW, low),
    ...blocks.map((b) => (height - b.reduce((a, x) => a + x.fixed, 0)) / rows),
  );
  return { rule: 'spread', pages: blocks.map((b, i) => pageOf(sop, form, size, sc, side, b, i, r)) };
}

/**
 * The columns of a spread's pages: in order, each page with the row numbers first, a new page where the
 * next column no longer fits; `null` when that takes more than `MAX_GROUP_PAGES` pages or one column alone
 * is too wide.
 */
function columnGroups(columns: readonly Column[], width: number, sc: Scale): Column[][] | null {
  const num = numberColumn(sc);
  const groups: Column[][] = [[num]];
  for (const c of columns) {
    const cur = groups[groups.length - 1] ?? [];
    if (cur.length > 1 && minTableWidth([...cur, c]) > width + 1e-6) groups.push([num, c]);
    else cur.push(c);
  }
  if (groups.some((g) => minTableWidth(g) > width + 1e-6) || groups.length > MAX_GROUP_PAGES) return null;
  return groups;
}

/**
 * `null` when the columns of `form` fit across a page of `size` at their minimum widths, or across a
 * two-page spread; else the width they need (points), for the validate rule.
 */
export function columnsFitAcross(form: Form, size: Size): number | null {
  const sc = scaleFor(size.w);
  const columns = fieldColumns(form.columns, sc);
  if (minTableWidth(columns) <= size.w + 1e-6 || columnGroups(columns, size.w, sc)) return null;
  return minTableWidth(columns) + 2 * (numberColumn(sc).min ?? 0);
}

/** The first page of `layoutForm`. */
export function layoutTablePage(sop: ProcedureSop, form: Form, size: Size, side: Side = 'recto'): PageLayout {
  const first = layoutForm(sop, form, size, side).pages[0];
  if (!first) throw new RangeError('no page');
  return first;
}

/**
 * The orientation of a form's pages at a paper size: a log is portrait; a register is portrait when its
 * columns fit across at their minimum widths, else landscape when they fit across that, else portrait with
 * its columns split over a spread.
 */
export function formOrientation(form: Form, portrait: Size, landscape: Size): Orientation {
  if (form.kind === 'log') return 'portrait';
  const need = (w: number) => minTableWidth(fieldColumns(form.columns, scaleFor(w)));
  if (need(portrait.w) <= portrait.w + 1e-6) return 'portrait';
  return need(landscape.w) <= landscape.w + 1e-6 ? 'landscape' : 'portrait';
}

/** The sheet a blank form is printed on: A4 without bleed or gutter (landscape for a wide register). */
export function blankFormSheet(form: Form): Sheet {
  const sheet = (orientation: Orientation) =>
    makeSheet({
      size: 'A4',
      orientation,
      bleed: 0,
      cropMarks: false,
      gutter: PUNCH_GUTTER,
      gutterEdge: orientation === 'landscape' ? 'top' : 'side',
      margin: 12 * MM,
      // Top and bottom of a portrait sheet are not filed: the book's margin there, so a shift fits one page.
      marginEnds: 10 * MM,
      duplex: false,
    });
  return sheet(
    formOrientation(form, sheet('portrait').content('recto'), sheet('landscape').content('recto')),
  );
}

/**
 * Extra margin on a blank form's filing edge: with the 12 mm margin, nothing is printed within 20 mm of
 * it, clear of ISO 838 filing holes (6 mm across, centres 12 mm from the edge) with 5 mm to spare. A
 * portrait sheet is punched on its left edge; a landscape one, filed the same way, on its top edge.
 */
export const PUNCH_GUTTER = 8 * MM;

/** The SOP with the checklist of `form` cut or padded to `n` items (the padding named like its longest item). */
function withItems(sop: ProcedureSop, form: Form, n: number): ProcedureSop {
  return {
    ...sop,
    checklists: sop.checklists.map((c) => {
      if (c.id !== form.checklist) return c;
      const longest = c.items.reduce((a, i) => (i.name.length > a.length ? i.name : a), '');
      return {
        ...c,
        items: Array.from(
          { length: n },
          (_, i) => c.items[i] ?? { id: `extra-${i}`, name: longest, check: null, at: null },
        ),
      };
    }),
  };
}

/**
 * While set, pages are laid out without drawing their text and lines: what fits is decided by the blocks'
 * heights before anything is drawn, so `lays` (the validate rule lays every form out at four sizes) skips
 * the drawing it throws away.
 */
const measuring = { on: false };

/** A sketch that keeps nothing: paragraphs are still measured, since blocks may place what follows them. */
class MeasureSketch extends Sketch {
  override text(): void {}
  override label(): void {}
  override fit(): void {}
  override line(): void {}
  override rect(): void {}
  override fill(): void {}
  override box(): void {}
}

/** Whether `layoutForm` lays `form` out at `size`. */
export function lays(sop: ProcedureSop, form: Form, size: Size): boolean {
  const was = measuring.on;
  measuring.on = true;
  try {
    layoutForm(sop, form, size);
    return true;
  } catch (err) {
    if (err instanceof RangeError) return false;
    throw err;
  } finally {
    measuring.on = was;
  }
}

/**
 * How many checklist items one shift (or sheet) of `form` can print beside everything else, at the size of
 * the blank form (`blankFormSheet`), or at `size`: the largest count `layoutForm` lays out, found by
 * laying it out, so `validate` and the renderers cannot disagree. Negative when the form does not lay out
 * even without a checklist.
 *
 * @example
 * const room = checklistCapacity(sop, form);
 * if (checklist.items.length > room) report('does not fit');
 */
export function checklistCapacity(
  sop: ProcedureSop,
  form: Form,
  size: Size = blankFormSheet(form).content('recto'),
): number {
  const checklist = sop.checklists.find((c) => c.id === form.checklist);
  if (!checklist) return lays(sop, form, size) ? Number.POSITIVE_INFINITY : -1;
  if (!lays(withItems(sop, form, 0), form, size)) return -1;
  let lo = 0;
  let hi = Math.max(1, checklist.items.length);
  while (lays(withItems(sop, form, hi), form, size)) {
    lo = hi;
    hi *= 2;
    if (hi > 4096) return lo;
  }
  // lo lays out, hi does not
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (lays(withItems(sop, form, mid), form, size)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** A register whose columns do not fit across a portrait page is laid out landscape on a blank A4 form. */
export function prefersLandscape(form: Form): boolean {
  return blankFormSheet(form).trimWidth > blankFormSheet(form).trimHeight;
}
