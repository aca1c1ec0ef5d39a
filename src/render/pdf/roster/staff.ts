/**
 * The staff list a roster is filled from (`--staff staff.yaml`):
 *
 * ```yaml
 * staff:
 *   - name: 张伟
 *   - name: 李娜
 *     leave: [2026-12-05, 2026-12-24]          # approved leave, single days …
 *   - name: 王强
 *     leave:
 *       - { from: 2026-12-10, to: 2026-12-12 }  # … or ranges, both ends included
 * ```
 *
 * Order matters only to break ties. Problems come back as diagnostics with file:line:column.
 */

import { isoFromDayNumber, parseIsoDate } from '../../../calendar/index.js';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from '../../../deps/yaml.js';
import { spanOfRange } from '../../../diagnostics/report.js';
import type { Diagnostic, Message } from '../../../diagnostics/types.js';

export interface StaffMember {
  readonly name: string;
  /** ISO dates the person is on approved leave. */
  readonly leave: ReadonlySet<string>;
}

export type StaffCode =
  | 'STAFF_YAML'
  | 'STAFF_SHAPE'
  | 'STAFF_UNKNOWN_KEY'
  | 'STAFF_NAME'
  | 'STAFF_DUPLICATE'
  | 'STAFF_DATE'
  | 'STAFF_EMPTY';

const MESSAGES: Record<StaffCode, (p: string) => Message> = {
  STAFF_YAML: (p) => ({
    zh: `值班人员名单不是有效的 YAML：${p}`,
    en: `The staff list is not valid YAML: ${p}`,
    hintZh: '检查缩进、冒号和引号。',
    hintEn: 'Check indentation, colons and quotes.',
  }),
  STAFF_SHAPE: (p) => ({
    zh: `值班人员名单结构错误：${p}`,
    en: `Malformed staff list: ${p}`,
    hintZh: '写成 staff: 下的列表，每人一项：- name: 张伟，可加 leave: [2026-12-05]。',
    hintEn: 'Write a list under staff:, one entry per person: - name: 张伟, optionally leave: [2026-12-05].',
  }),
  STAFF_UNKNOWN_KEY: (p) => ({
    zh: `未知的键：${p}`,
    en: `Unknown key: ${p}`,
    hintZh: '每人只能写 name 和 leave；请假区间写 from 和 to。',
    hintEn: 'A person has only name and leave; a leave range has from and to.',
  }),
  STAFF_NAME: (p) => ({
    zh: `姓名须为非空文字：${p}`,
    en: `A name must be non-empty text: ${p}`,
    hintZh: '写成 name: 张伟。',
    hintEn: 'Write name: 张伟.',
  }),
  STAFF_DUPLICATE: (p) => ({
    zh: `姓名重复：${p}`,
    en: `Duplicate name: ${p}`,
    hintZh: '同名的两人请加以区分，例如 张伟（甲）。',
    hintEn: 'Tell two people of the same name apart, e.g. 张伟（甲）.',
  }),
  STAFF_DATE: (p) => ({
    zh: `请假日期无效：${p}`,
    en: `Invalid leave date: ${p}`,
    hintZh:
      '日期写成 YYYY-MM-DD 且须真实存在；区间写 { from: 2026-12-10, to: 2026-12-12 }，from 不得晚于 to。',
    hintEn:
      'Write existing dates as YYYY-MM-DD; a range is { from: 2026-12-10, to: 2026-12-12 } with from not after to.',
  }),
  STAFF_EMPTY: () => ({
    zh: '值班人员名单中没有人',
    en: 'The staff list names nobody',
    hintZh: '至少写一人：staff: [{ name: 张伟 }]。',
    hintEn: 'Name at least one person: staff: [{ name: 张伟 }].',
  }),
};

export interface StaffResult {
  readonly staff: readonly StaffMember[] | null;
  readonly diagnostics: readonly Diagnostic[];
}

/** Parses and checks a staff list; `staff` is `null` when there is any error. */
export function parseStaff(file: string, text: string): StaffResult {
  const lc = new LineCounter();
  const out: Diagnostic[] = [];
  const report = (
    code: StaffCode,
    node: Node | null | undefined,
    path: readonly (string | number)[],
    param: string,
    range?: readonly number[],
  ): void => {
    const r = range ?? node?.range ?? [0, 0];
    const span = spanOfRange(file, lc, r[0] ?? 0, r[1] ?? r[0] ?? 0);
    out.push({ code, severity: 'error', ...span, path, message: MESSAGES[code](param) });
  };
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  for (const e of doc.errors) report('STAFF_YAML', null, [], e.message.split('\n')[0] ?? e.code, e.pos);
  if (out.length > 0) return { staff: null, diagnostics: out };

  const root = doc.contents;
  const list = isMap(root) ? root.get('staff', true) : null;
  if (!isMap(root) || !isSeq(list)) {
    report(
      'STAFF_SHAPE',
      (isMap(root) ? root : null) as Node | null,
      [],
      'staff: 须为列表 / staff: must be a list',
    );
    return { staff: null, diagnostics: out };
  }
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key !== 'staff') report('STAFF_UNKNOWN_KEY', pair.key as Node, [key], key);
  }
  const staff: StaffMember[] = [];
  const seen = new Set<string>();
  list.items.forEach((item, i) => {
    const path = ['staff', i];
    if (!isMap(item)) {
      report('STAFF_SHAPE', item as Node, path, '每人一项，写 name / one mapping per person with name');
      return;
    }
    for (const pair of item.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (key !== 'name' && key !== 'leave')
        report('STAFF_UNKNOWN_KEY', pair.key as Node, [...path, key], key);
    }
    const nameNode = item.get('name', true);
    const name = isScalar(nameNode) && typeof nameNode.value === 'string' ? nameNode.value.trim() : '';
    if (name === '') {
      report(
        'STAFF_NAME',
        (nameNode ?? item) as Node,
        [...path, 'name'],
        isScalar(nameNode) ? String(nameNode.value) : '（缺少 name / missing name）',
      );
      return;
    }
    if (seen.has(name)) report('STAFF_DUPLICATE', nameNode as Node, [...path, 'name'], name);
    seen.add(name);
    const leave = new Set<string>();
    const leaveNode = item.get('leave', true);
    if (leaveNode !== undefined) {
      if (!isSeq(leaveNode))
        report(
          'STAFF_SHAPE',
          leaveNode as Node,
          [...path, 'leave'],
          'leave: 须为列表 / leave: must be a list',
        );
      else
        leaveNode.items.forEach((entry, j) => {
          const lp = [...path, 'leave', j];
          if (isMap(entry)) {
            for (const pair of entry.items) {
              const key = isScalar(pair.key) ? String(pair.key.value) : '';
              if (key !== 'from' && key !== 'to')
                report('STAFF_UNKNOWN_KEY', pair.key as Node, [...lp, key], key);
            }
            const fromNode = entry.get('from', true);
            const toNode = entry.get('to', true);
            const from = dayOf(fromNode);
            const to = dayOf(toNode);
            if (from === null)
              report('STAFF_DATE', (fromNode ?? entry) as Node, [...lp, 'from'], scalarText(fromNode));
            if (to === null)
              report('STAFF_DATE', (toNode ?? entry) as Node, [...lp, 'to'], scalarText(toNode));
            if (from !== null && to !== null) {
              if (from > to)
                report('STAFF_DATE', entry as Node, lp, `${scalarText(fromNode)} > ${scalarText(toNode)}`);
              for (let d = from; d <= to; d++) leave.add(isoFromDayNumber(d));
            }
          } else {
            const d = dayOf(entry);
            if (d === null) report('STAFF_DATE', entry as Node, lp, scalarText(entry));
            else leave.add(isoFromDayNumber(d));
          }
        });
    }
    staff.push({ name, leave });
  });
  if (staff.length === 0 && out.length === 0) report('STAFF_EMPTY', list as Node, ['staff'], '');
  return { staff: out.length > 0 ? null : staff, diagnostics: out };
}

function scalarText(node: unknown): string {
  return isScalar(node) ? String(node.value) : '（缺少 / missing）';
}

function dayOf(node: unknown): number | null {
  if (!isScalar(node)) return null;
  // YAML 1.2 core schema keeps 2026-12-05 a string; a timestamp-typed value would be a Date.
  const v = node.value instanceof Date ? node.value.toISOString().slice(0, 10) : String(node.value);
  return parseIsoDate(v);
}
