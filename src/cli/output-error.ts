import { isAbsolute, relative } from 'node:path';
import { OutputError, outputFault } from '../build/fault.js';
import { catalog } from '../diagnostics/catalog.js';
import type { Lang } from '../diagnostics/types.js';
import { UserError } from './io.js';

/** A path as the user wrote it: relative to the working directory when inside it. */
export function shownPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/** An output problem for the terminal: `error CODE  message` and the fix, in the user's language. */
export function formatOutputError(err: OutputError, lang: Lang, cwd: string): string {
  const files = err.detail.files ?? [];
  const count = err.detail.count ?? files.length;
  const more =
    count > files.length ? (lang === 'zh' ? ` 等 ${count} 个` : ` and ${count - files.length} more`) : '';
  const msg = catalog[err.code].message({
    path: shownPath(err.path, cwd),
    files: `${files.join(lang === 'zh' ? '、' : ', ')}${more}`,
    count,
    pid: err.detail.pid ?? '?',
    lock: shownPath(err.detail.lock ?? '', cwd),
    input: shownPath(err.detail.other ?? '', cwd),
    target: shownPath(err.detail.other ?? '', cwd),
    errno: err.detail.errno ?? '',
  });
  return lang === 'zh'
    ? `sopforge: 错误 ${err.code}  ${msg.zh}\n  修改建议: ${msg.hintZh}`
    : `sopforge: error ${err.code}  ${msg.en}\n  fix: ${msg.hintEn}`;
}

/**
 * A `UserError` (exit code 1, no stack) for a problem with the output folder `out`, including system errors
 * of writing it (a full disk, a read-only or forbidden folder, a race with another program); anything else
 * is returned as it is.
 */
export function outputUserError(err: unknown, out: string, lang: Lang, cwd: string): unknown {
  const fault = err instanceof OutputError ? err : outputFault(err, out);
  return fault ? new UserError(formatOutputError(fault, lang, cwd)) : err;
}
