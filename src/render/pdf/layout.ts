import type { Checklist, Field, Form, ProcedureSop, Transition } from '../../model/types.js';
import { roundBlock } from './round.js';
import { makeSheet, type Sheet } from './sheet.js';
import { type Align, Sketch, textWidth } from './sketch.js';
import { MM } from './units.js';
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
}

export interface Size {
  readonly w: number;
  readonly h: number;
}

/** Font sizes and spacing scaled to the content width (A4 portrait ≈ 1). */
export interface Scale {
  readonly s: number;
  readonly title: number;
  readonly body: number;
  readonly small: number;
  readonly head: number;
}

export function scaleFor(width: number): Scale {
  const s = Math.min(1, Math.max(0.55, width / 490));
  return { s, title: 15 * s, body: 9.5 * s, small: 7 * s, head: 8.5 * s };
}

/** A vertical piece of a page: a fixed height plus `rows` writing rows that share the space left. */
export interface Block {
  readonly fixed: number;
  readonly rows: number;
  draw(sk: Sketch, y: number, rowHeight: number): void;
}

/** A table column: a heading and what is pre-printed in each of its cells. */
export interface Column {
  readonly label: string;
  readonly weight: number;
  /** Draws the pre-printed part of a cell (tick boxes, fixed text); blank when absent. */
  readonly cell?: (sk: Sketch, x: number, y: number, w: number, h: number, row: number) => void;
}

export function columnWidths(columns: readonly Column[], width: number): number[] {
  const total = columns.reduce((a, c) => a + c.weight, 0) || 1;
  return columns.map((c) => (width * c.weight) / total);
}

/** Height of a table's heading row: taller when a label has to wrap onto two lines. */
export function headHeight(columns: readonly Column[], width: number, sc: Scale, base: number): number {
  const widths = columnWidths(columns, width);
  const wraps = columns.some(
    (c, i) => c.label.includes('\n') || textWidth(c.label, sc.head) > (widths[i] ?? 0) - 4,
  );
  return wraps ? Math.max(base, sc.head * 2.6 + 4) : base;
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
    sk.fit(col.label, cx, y, w, headH, sc.head);
    for (let r = 0; r < rows; r++) col.cell?.(sk, cx, y + headH + r * rowH, w, rowH, r);
    cx += w;
  });
  sk.line(x, y + headH, x + width, y + headH, 0.6);
  for (let r = 1; r < rows; r++) sk.line(x, y + headH + r * rowH, x + width, y + headH + r * rowH, 0.3);
  return height;
}

/** Tick boxes with labels in a cell, on one line if they fit, else stacked; nothing if neither fits. */
export function drawOptions(
  sk: Sketch,
  x: number,
  y: number,
  w: number,
  h: number,
  labels: readonly string[],
  size: number,
): boolean {
  const box = size * 0.85;
  const gap = size * 0.3;
  const widths = labels.map((l) => box + gap + textWidth(l, size));
  const inline = widths.reduce((a, b) => a + b, 0) + (labels.length - 1) * size * 0.6;
  if (inline <= w - 4 && h >= size * 1.3) {
    let cx = x + (w - inline) / 2;
    const top = y + (h - size) / 2;
    labels.forEach((l, i) => {
      sk.box(cx, top + (size - box) / 2, box);
      sk.text(l, cx + box + gap, top, size);
      cx += (widths[i] ?? 0) + size * 0.6;
    });
    return true;
  }
  const line = size * 1.15;
  if (Math.max(...widths) <= w - 4 && labels.length * line <= h - 2) {
    const left = x + (w - Math.max(...widths)) / 2;
    const top = y + (h - labels.length * line) / 2;
    labels.forEach((l, i) => {
      sk.box(left, top + i * line + (size - box) / 2, box);
      sk.text(l, left + box + gap, top + i * line, size);
    });
    return true;
  }
  return false;
}

/** A table column for a form field: enum fields get tick boxes per row when they fit, else a legend in the heading. */
export function fieldColumn(field: Field, sc: Scale, probeWidth: number, probeRow: number): Column {
  if (field.type === 'enum' && field.options.length > 0) {
    const labels = field.options.map((o) => o.label);
    const probe = new Sketch();
    if (drawOptions(probe, 0, 0, probeWidth, probeRow, labels, sc.small)) {
      return {
        label: field.label,
        weight: field.width,
        cell: (sk, x, y, w, h) => drawOptions(sk, x, y, w, h, labels, sc.small),
      };
    }
    return { label: `${field.label}\n${labels.join('/')}`, weight: field.width };
  }
  if (field.type === 'boolean') {
    return {
      label: field.label,
      weight: field.width,
      cell: (sk, x, y, w, h) => drawOptions(sk, x, y, w, h, ['是', '否'], sc.small),
    };
  }
  if (field.type === 'time') {
    return {
      label: field.label,
      weight: field.width,
      cell: (sk, x, y, w, h) =>
        sk.text(':', x, y + (h - sc.body) / 2, sc.body, { align: 'center', width: w }),
    };
  }
  return { label: field.label, weight: field.width };
}

/** Lays out `fieldColumn`s, probing enum cells at the width they will get. */
export function fieldColumns(fields: readonly Field[], sc: Scale, width: number, rowH: number): Column[] {
  const total = fields.reduce((a, f) => a + f.width, 0) || 1;
  return fields.map((f) => fieldColumn(f, sc, (width * f.width) / total, rowH));
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
        sk.text(title, 0, y, sc.title, { align: 'center', width: size.w });
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
      if (recto) sk.text(traceText(sop), 0, y, sc.small * 0.9);
      else sk.text(traceText(sop), 0, y, sc.small * 0.9, { align: 'right', width: size.w });
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
    p.text !== undefined ? textWidth(p.text, size) : p.blank !== undefined ? p.blank : size * 1.2;
  const width = lw + parts.reduce((a, p) => a + pw(p), 0);
  return {
    width,
    draw(sk, x, y, h) {
      const top = y + (h - size) / 2;
      sk.text(label, x, top, size);
      let cx = x + lw;
      for (const p of parts) {
        if (p.text !== undefined) sk.text(p.text, cx, top, size);
        else if (p.blank !== undefined) blank(sk, cx, y, h, p.blank);
        else sk.box(cx + size * 0.1, top + size * 0.1, size * 0.8);
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
  const lh = 20 * sc.s;
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
  sk.text(text, 0, y + 2 * sc.s, sc.body);
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
  const columns: Column[] = [
    {
      label: t?.payload.find((f) => f.required && f.type === 'text')?.label ?? '',
      weight: 1.6,
      cell: (sk, x, y, w, h, r) =>
        sk.fit(checklist.items[r]?.name ?? '', x, y, w, h, sc.body, 'left', 4 * sc.s),
    },
    ...statusLabels.map(
      (label): Column => ({
        label,
        weight: 0.7,
        cell: (sk, x, y, w, h) =>
          sk.box(x + w / 2 - sc.body * 0.45, y + (h - sc.body * 0.9) / 2, sc.body * 0.9),
      }),
    ),
    ...notes.map((f): Column => ({ label: f.label, weight: 3.2 })),
  ];
  const title = `${checklist.title}${clauseSuffix(checklist.clause)}`;
  const titleH = sc.body * 1.6;
  const headH = 15 * sc.s;
  const rowH = checklistRowHeight(sc);
  const problemLines = checklist.onProblem
    ? new Sketch().paragraph(checklist.onProblem, 0, 0, size.w, sc.small)
    : 0;
  return {
    fixed: titleH + headH + checklist.items.length * rowH + problemLines + 6 * sc.s,
    rows: 0,
    draw(sk, y) {
      sectionTitle(sk, title, y, sc);
      const th = drawTable(sk, 0, y + titleH, size.w, columns, headH, checklist.items.length, rowH, sc);
      if (checklist.onProblem)
        sk.paragraph(checklist.onProblem, 0, y + titleH + th + 2 * sc.s, size.w, sc.small);
    },
  };
}

/** Height of one checklist item's row: each item is printed on a row of its own. */
export function checklistRowHeight(sc: Scale): number {
  return 16 * sc.s;
}

/** A short table for a list the shift keeps (follow-ups, anomalies, unfinished work), from the event that adds to it. */
function listBlock(title: string, fields: readonly Field[], rows: number, size: Size, sc: Scale): Block {
  const titleH = sc.body * 1.6;
  const headH = 14 * sc.s;
  return {
    fixed: titleH + headH + 4 * sc.s,
    rows,
    draw(sk, y, r) {
      sectionTitle(sk, title, y, sc);
      const cols = fields.map((f): Column => {
        const c = fieldColumn(f, sc, size.w / fields.length, r);
        // Short ids (编号) need less room than the text they number.
        return f.id === 'id'
          ? { ...c, weight: 0.5 }
          : f.type === 'boolean'
            ? { ...c, weight: 0.7 }
            : { ...c, weight: Math.max(c.weight, 2.5) };
      });
      drawTable(sk, 0, y + titleH, size.w, cols, headH, rows, r, sc);
    },
  };
}

function tableBlock(form: Form, size: Size, sc: Scale, title: string | null): Block {
  const titleH = title ? sc.body * 1.6 : 0;
  // Probed with no row height, enum columns carry their legend: the longest heading they can get.
  const headH = headHeight(fieldColumns(form.columns, sc, size.w, 0), size.w, sc, 18 * sc.s);
  return {
    fixed: titleH + headH + 4 * sc.s,
    rows: Math.max(1, form.rows),
    draw(sk, y, r) {
      if (title) sectionTitle(sk, title, y, sc);
      drawTable(
        sk,
        0,
        y + titleH,
        size.w,
        fieldColumns(form.columns, sc, size.w, r),
        headH,
        Math.max(1, form.rows),
        r,
        sc,
      );
    },
  };
}

export function signaturesBlock(sop: ProcedureSop, form: Form, size: Size, sc: Scale): Block | null {
  if (form.signatures.length === 0) return null;
  const h = 30 * sc.s;
  return {
    fixed: h + 6 * sc.s,
    rows: 0,
    draw(sk, y0) {
      const y = y0 + 4 * sc.s;
      const w = size.w / form.signatures.length;
      sk.rect(0, y, size.w, h, 0.8);
      form.signatures.forEach((sig, i) => {
        const x = i * w;
        if (i > 0) sk.line(x, y, x, y + h, 0.4);
        sk.text(`${sig.label}：`, x + 4 * sc.s, y + 3 * sc.s, sc.head);
        const role = roleName(sop, sig.role);
        if (role && !sig.label.includes(role))
          sk.text(`（${role}）`, x + 4 * sc.s, y + h - sc.small - 3 * sc.s, sc.small);
        sk.text('时间：', x + w * 0.55, y + h - sc.small - 3 * sc.s, sc.small);
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

/** Stacks blocks from the top; writing rows share the height left, between `minRow` and `maxRow`. */
export function stack(
  sk: Sketch,
  blocks: readonly (Block | null)[],
  y0: number,
  height: number,
  minRow: number,
  maxRow: number,
): { rowHeight: number; rows: number } {
  const list = blocks.filter((b): b is Block => b !== null);
  const fixed = list.reduce((a, b) => a + b.fixed, 0);
  const rows = list.reduce((a, b) => a + b.rows, 0);
  const r = rows > 0 ? Math.min(maxRow, (height - fixed) / rows) : 0;
  if (rows > 0 && r < minRow)
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

function bodyBlocks(sop: ProcedureSop, form: Form, size: Size, sc: Scale, listRows: number): Block[] {
  const blocks: (Block | null)[] = [fieldsBlock(sop, form.fields, size, sc)];
  if (form.kind === 'log') {
    const checklist = sop.checklists.find((c) => c.id === form.checklist) ?? null;
    for (const section of logSections(sop, form)) {
      if (section.kind === 'checklist')
        blocks.push(checklist ? checklistBlock(sop, checklist, size, sc) : null);
      else if (section.kind === 'table') blocks.push(tableBlock(form, size, sc, null));
      else blocks.push(listBlock(section.title, section.fields, listRows, size, sc));
    }
  } else {
    const checklist = sop.checklists.find((c) => c.id === form.checklist) ?? null;
    if (checklist) blocks.push(checklistBlock(sop, checklist, size, sc));
    if (form.columns.length > 0) blocks.push(tableBlock(form, size, sc, null));
  }
  blocks.push(signaturesBlock(sop, form, size, sc), rulesBlock(footnotes(sop, form), size, sc));
  return blocks.filter((b): b is Block => b !== null);
}

/**
 * The fixed part of a log or register page (one shift, or one sheet of the register). The short lists
 * of a log get two writing rows, or one when the page is too small for two.
 */
export function layoutTablePage(sop: ProcedureSop, form: Form, size: Size, side: Side = 'recto'): PageLayout {
  const sc = scaleFor(size.w);
  const sk = new Sketch();
  const header = headerBlock(sop, form.title, size, sc, undefined, side);
  const footer = footerBlock(sop, size, sc, side);
  footer.draw(sk);
  const height = size.h - footer.height;
  const withRows = (n: number) => [header.block, ...bodyBlocks(sop, form, size, sc, n)];
  const two = withRows(2);
  const stacked = stack(
    sk,
    fits(two, height, minRowHeight(sc)) ? two : withRows(1),
    0,
    height,
    minRowHeight(sc),
    26 * sc.s,
  );
  return {
    fixed: sk,
    serial: header.serial,
    pageNumber: footer.pageNumber,
    rowHeight: stacked.rowHeight,
    writingRows: stacked.rows,
  };
}

/** The lowest writing row a page may have: below this, rows are too narrow to write in. */
function minRowHeight(sc: Scale): number {
  return 11 * sc.s;
}

/** The sheet a blank form is printed on: A4 without bleed or gutter (landscape for a wide register). */
export function blankFormSheet(form: Form): Sheet {
  return makeSheet({
    size: 'A4',
    orientation: prefersLandscape(form) ? 'landscape' : 'portrait',
    bleed: 0,
    cropMarks: false,
    gutter: PUNCH_GUTTER,
    gutterEdge: prefersLandscape(form) ? 'top' : 'side',
    margin: 12 * MM,
    duplex: false,
  });
}

/**
 * Extra margin on a blank form's filing edge: with the 12 mm margin, nothing is printed within 20 mm of
 * it, clear of ISO 838 filing holes (6 mm across, centres 12 mm from the edge) with 5 mm to spare. A
 * portrait sheet is punched on its left edge; a landscape one, filed the same way, on its top edge.
 */
export const PUNCH_GUTTER = 8 * MM;

/**
 * How many checklist items fit on one page of `form` beside everything else the page prints, at the size of
 * the blank form (`blankFormSheet`), or at `size`. The count comes from the same blocks `layoutTablePage`
 * stacks, with the short lists at their smallest (one row) and writing rows at their lowest, so a checklist of
 * at most this many items always lays out. Negative when the page is too full even without a checklist.
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
  const sc = scaleFor(size.w);
  // The page as it would be with an empty checklist: every item then adds one row of the same height.
  const empty: ProcedureSop = {
    ...sop,
    checklists: sop.checklists.map((c) => (c.id === form.checklist ? { ...c, items: [] } : c)),
  };
  const blocks = [headerBlock(empty, form.title, size, sc).block, ...bodyBlocks(empty, form, size, sc, 1)];
  const fixed = blocks.reduce((a, b) => a + b.fixed, 0);
  const rows = blocks.reduce((a, b) => a + b.rows, 0);
  const room = size.h - footerBlock(empty, size, sc).height - fixed - rows * minRowHeight(sc);
  return Math.floor(room / checklistRowHeight(sc));
}

function fits(blocks: readonly Block[], height: number, minRow: number): boolean {
  const fixed = blocks.reduce((a, b) => a + b.fixed, 0);
  const rows = blocks.reduce((a, b) => a + b.rows, 0);
  return rows === 0 ? fixed <= height : (height - fixed) / rows >= minRow;
}

/** A register with many columns is laid out landscape. */
export function prefersLandscape(form: Form): boolean {
  return form.kind !== 'log' && form.columns.length > 8;
}
