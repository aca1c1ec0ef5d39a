import type { Message, Severity } from './types.js';

type P = Record<string, string | number>;

interface Entry {
  readonly severity: Severity;
  readonly message: (p: P) => Message;
}

const m = (zh: string, en: string, hintZh: string, hintEn: string): Message => ({ zh, en, hintZh, hintEn });

// ── did-you-mean and spelling hints (src/validate/suggest.ts, src/validate/spelling.ts) ──────────────
/** “您是不是要写 cs-supervisor（客服主管）？” when a reference rule found a likely id, else ''. */
const meantZh = (p: P): string =>
  p.suggestion === undefined
    ? ''
    : `您是不是要写 ${p.suggestion}${p.suggestionName === undefined ? '' : `（${p.suggestionName}）`}？`;
const meantEn = (p: P): string =>
  p.suggestion === undefined
    ? ''
    : `Did you mean ${p.suggestion}${p.suggestionName === undefined ? '' : ` (“${p.suggestionName}”)`}? `;
const mh = (zh: string, en: string, h: { hintZh: string; hintEn: string }): Message => ({ zh, en, ...h });
/** A hint that starts with the suggestion when there is one. */
const withMeant = (p: P, zh: string, en: string): { hintZh: string; hintEn: string } => ({
  hintZh: `${meantZh(p)}${zh}`,
  hintEn: `${meantEn(p)}${en}`,
});

/**
 * Every diagnostic code sopforge reports, with its severity and its message in Chinese and English.
 * Codes are stable: tools and tests match on them, never on message text.
 */
export const catalog = {
  // ── files ──────────────────────────────────────────────────────────────
  FILE_NOT_FOUND: {
    severity: 'error',
    message: (p) =>
      m(
        `找不到文件或文件夹：${p.path}`,
        `No such file or folder: ${p.path}`,
        '检查路径是否写对。',
        'Check the path.',
      ),
  },
  FILE_NO_SOPS: {
    severity: 'error',
    message: (p) =>
      m(
        `${p.path} 中没有 .yaml 文件`,
        `No .yaml files in ${p.path}`,
        '规程文件须以 .yaml 或 .yml 结尾。',
        'SOP files must end in .yaml or .yml.',
      ),
  },
  // ── links in SOP folders, templates, staff lists ─────────────────────────
  SOP_LINK_OUTSIDE: {
    severity: 'error',
    message: (p) =>
      m(
        `符号链接指向项目之外（${p.target}），未读取`,
        `The symbolic link leads outside the project (${p.target}); it was not read`,
        '把规程文件复制到规程文件夹中，或让链接指向项目内的文件。',
        'Copy the SOP into the SOP folder, or point the link at a file inside the project.',
      ),
  },
  SOP_LINK_BROKEN: {
    severity: 'error',
    message: (p) =>
      m(
        `符号链接指向的文件不存在（${p.target}），未读取`,
        `The symbolic link points at nothing (${p.target}); it was not read`,
        '修正或删除这个链接。',
        'Fix the link or delete it.',
      ),
  },
  TEMPLATE_OUTSIDE: {
    severity: 'error',
    message: (p) =>
      m(
        `模板是指向模板文件夹之外的符号链接（${p.target}），未读取`,
        `The template is a symbolic link leading outside its template folder (${p.target}); it was not read`,
        '模板须是模板文件夹中的普通文件；把文件复制进来，不要用链接。',
        'A template must be a regular file inside its template folder; copy the file in instead of linking to it.',
      ),
  },
  TEMPLATE_NOT_FILE: {
    severity: 'error',
    message: (p) =>
      m(
        `模板不是普通文件（${p.whatZh}）`,
        `The template is not a regular file (${p.what})`,
        '模板须是模板文件夹中的普通 .hbs 文件；修正或删除它。',
        'A template must be a regular .hbs file inside its template folder; fix or delete it.',
      ),
  },
  STAFF_NOT_FILE: {
    severity: 'error',
    message: (p) =>
      m(
        `值班人员名单不是普通文件（${p.whatZh}）`,
        `The staff list is not a regular file (${p.what})`,
        '--staff 须指向一个 YAML 文件（不超过 4 MiB）。',
        '--staff must name a YAML file (at most 4 MiB).',
      ),
  },
  // ── the one file roster and book write (--out) ───────────────────────────
  OUT_IS_FOLDER: {
    severity: 'error',
    message: () =>
      m(
        '--out 指向的是文件夹，不是文件',
        '--out names a folder, not a file',
        '在文件夹后加上文件名，如 --out 打印/2026-12.pdf。',
        'Add a file name after the folder, e.g. --out print/2026-12.pdf.',
      ),
  },
  OUT_NOT_FILE: {
    severity: 'error',
    message: () =>
      m(
        '--out 指向的不是普通文件（设备、管道等），不会替换它（--force 也不行）',
        '--out names something other than a regular file (a device, a pipe…); it is never replaced, not even with --force',
        '给 PDF 另起一个文件名，如 --out 值班安排表-2026-12.pdf。',
        'Give the PDF a file name of its own, e.g. --out roster-2026-12.pdf.',
      ),
  },
  OUT_NO_FOLDER: {
    severity: 'error',
    message: (p) =>
      m(
        `--out 所在的文件夹 ${p.folder} 不存在`,
        `The folder of --out, ${p.folder}, does not exist`,
        '先创建这个文件夹，或检查路径是否写对。',
        'Create the folder first, or check the path.',
      ),
  },
  OUT_IS_INPUT: {
    severity: 'error',
    message: (p) =>
      m(
        `--out 指向本命令读取的${p.whatZh}，不会覆盖它（--force 也不行）`,
        `--out names the ${p.what} this command reads; it is never overwritten, not even with --force`,
        '给 PDF 另起一个文件名，如 --out 值班安排表-2026-12.pdf。',
        'Give the PDF a name of its own, e.g. --out roster-2026-12.pdf.',
      ),
  },
  OUT_IS_SOURCE: {
    severity: 'error',
    message: () =>
      m(
        '--out 是 YAML 或模板文件名（.yaml、.yml、.hbs），PDF 不会写成这样的文件（--force 也不行）',
        '--out names a YAML or template file (.yaml, .yml, .hbs); a PDF is never written as one, not even with --force',
        '给 PDF 另起一个以 .pdf 结尾的文件名。',
        'Give the PDF a name of its own, ending in .pdf.',
      ),
  },
  OUT_NOT_OURS: {
    severity: 'error',
    message: () =>
      m(
        '--out 指向的文件已存在，且不是 sopforge 生成的，未覆盖',
        '--out names an existing file that sopforge did not write; it was left alone',
        '换一个文件名；确认可以丢弃该文件时，加 --force 覆盖。',
        'Choose another name; if the file may be discarded, add --force to overwrite it.',
      ),
  },
  OUT_WRITE_FAILED: {
    severity: 'error',
    message: (p) =>
      m(
        `无法写入文件：${p.reasonZh}`,
        `Cannot write the file: ${p.reason}`,
        `${p.hintZh}原有的文件（如有）保持不变。`,
        `${p.hintEn} The previous file, if any, is unchanged.`,
      ),
  },
  FILE_EMPTY: {
    severity: 'error',
    message: () =>
      m(
        '文件是空的',
        'The file is empty',
        '写入规程内容，或删除此文件。',
        'Write the SOP into it, or delete the file.',
      ),
  },
  FILE_BINARY: {
    severity: 'error',
    message: () =>
      m(
        '这不是文本文件（含有 NUL 字节）',
        'This is not a text file (it contains NUL bytes)',
        '规程须为 UTF-8 编码的 YAML 文本；确认没有把其他文件存成 .yaml。',
        'An SOP must be UTF-8 YAML text; check that no other file was saved as .yaml.',
      ),
  },
  FILE_ENCODING: {
    severity: 'error',
    message: () =>
      m(
        '文件不是有效的 UTF-8 编码',
        'The file is not valid UTF-8',
        '用编辑器以 UTF-8 编码重新保存（不要用 GBK/GB2312）。',
        'Save the file again as UTF-8 (not GBK/GB2312).',
      ),
  },
  FILE_TOO_LARGE: {
    severity: 'error',
    message: (p) =>
      m(
        `文件过大（${p.size} 字节，上限 ${p.limit} 字节）`,
        `The file is too large (${p.size} bytes, limit ${p.limit})`,
        '一个规程文件不应这么大；检查是否误放了其他文件。',
        'An SOP file is never this large; check that this is the right file.',
      ),
  },
  // ── YAML ───────────────────────────────────────────────────────────────
  YAML_SYNTAX: {
    severity: 'error',
    message: (p) =>
      m(
        `YAML 语法错误：${p.detailZh ?? p.detail}`,
        `YAML syntax error: ${p.detail}`,
        '检查缩进、冒号和引号；冒号后要有空格。',
        'Check indentation, colons and quotes; a colon needs a space after it.',
      ),
  },
  YAML_TAB: {
    severity: 'error',
    message: () =>
      m(
        'YAML 不允许用制表符（Tab）缩进',
        'YAML does not allow tabs for indentation',
        '把 Tab 换成空格（每级两个空格）。',
        'Replace the tab with spaces (two per level).',
      ),
  },
  YAML_DUPLICATE_KEY: {
    severity: 'error',
    message: (p) =>
      m(
        `键 “${p.key}” 重复出现`,
        `The key "${p.key}" appears twice`,
        '删除或合并重复的键；同一层级每个键只能出现一次。',
        'Remove or merge the duplicate; each key may appear once per level.',
      ),
  },
  YAML_ALIAS_LIMIT: {
    severity: 'error',
    message: () =>
      m(
        '别名（*引用）展开过多，文件可能是恶意构造的',
        'Aliases (*references) expand too much; the file may be malicious',
        '减少别名的使用，直接写出内容。',
        'Use fewer aliases and write the content out.',
      ),
  },
  YAML_ALIAS_RECURSIVE: {
    severity: 'error',
    message: () =>
      m(
        '别名（*引用）指向了包含它自身的节点，内容会无限循环',
        'This alias (*reference) points to a node that contains it, so the value would never end',
        '别名只能引用别处已写完的内容；把这里改为直接写出内容。',
        'An alias may only refer to content written elsewhere; write the content out here.',
      ),
  },
  YAML_UNKNOWN_TAG: {
    severity: 'error',
    message: (p) =>
      m(
        `不支持的 YAML 标签 ${p.tag}`,
        `Unsupported YAML tag ${p.tag}`,
        '删除标签（以 ! 开头的部分），只写普通的值。',
        'Remove the tag (the part starting with !) and write a plain value.',
      ),
  },
  YAML_NOT_MAPPING: {
    severity: 'error',
    message: () =>
      m(
        '文件顶层必须是“键: 值”的映射',
        'The top level of the file must be a mapping of keys to values',
        '参照 sops/ 中的示例，以 sopforge: 2、kind、id 等键开头。',
        'Start from an example in sops/: sopforge: 2, kind, id, …',
      ),
  },
  YAML_MULTIPLE_DOCUMENTS: {
    severity: 'error',
    message: () =>
      m(
        '一个文件只能包含一个规程（发现多个 YAML 文档）',
        'A file holds one SOP (found several YAML documents)',
        '删除 --- 分隔线，把每个规程放在单独的文件里。',
        'Remove the --- separator and put each SOP in its own file.',
      ),
  },
  // ── schema ─────────────────────────────────────────────────────────────
  SCHEMA_REQUIRED: {
    severity: 'error',
    message: (p) =>
      m(
        `缺少必填项 “${p.key}”`,
        `Missing required key "${p.key}"`,
        `在此处添加 ${p.key}: …`,
        `Add ${p.key}: … here.`,
      ),
  },
  SCHEMA_UNKNOWN_KEY: {
    severity: 'error',
    message: (p) =>
      m(
        `未知的键 “${p.key}”`,
        `Unknown key "${p.key}"`,
        p.suggestion ? `是否想写 “${p.suggestion}”？` : `删除它，或检查拼写（可用的键：${p.allowed}）。`,
        p.suggestion
          ? `Did you mean "${p.suggestion}"?`
          : `Remove it or check the spelling (allowed: ${p.allowed}).`,
      ),
  },
  SCHEMA_TYPE: {
    severity: 'error',
    message: (p) =>
      m(
        `类型错误：这里应为${p.expectedZh}`,
        `Wrong type: expected ${p.expected}`,
        `改成${p.expectedZh}。`,
        `Write ${p.expected} here.`,
      ),
  },
  SCHEMA_ENUM: {
    severity: 'error',
    message: (p) =>
      m(
        `“${p.value}” 不是允许的值`,
        `"${p.value}" is not an allowed value`,
        `可用的值：${p.allowed}`,
        `Allowed values: ${p.allowed}`,
      ),
  },
  SCHEMA_ID: {
    severity: 'error',
    message: (p) =>
      mh(
        `编号 “${p.value}” 格式不对`,
        `The id "${p.value}" is malformed`,
        withMeant(
          p,
          '编号用小写英文字母开头，只含小写字母、数字和连字符，如 cs-supervisor。',
          'Ids start with a lowercase letter and use lowercase letters, digits and hyphens, e.g. cs-supervisor.',
        ),
      ),
  },
  ID_RESERVED: {
    severity: 'error',
    message: (p) =>
      m(
        `编号 “${p.id}” 是 Windows 的保留设备名，不能用作文件或文件夹名`,
        `The id "${p.id}" is a device name Windows reserves; it cannot name a file or folder`,
        '换一个编号，如在后面加上用途：con → con-room（con、prn、aux、nul、com0–com9、lpt0–lpt9 都不能用）。',
        'Choose another id, e.g. add what it is for: con → con-room (con, prn, aux, nul, com0–com9, lpt0–lpt9 are reserved).',
      ),
  },
  SCHEMA_EVENT: {
    severity: 'error',
    message: (p) =>
      m(
        `事件名 “${p.value}” 格式不对`,
        `The event name "${p.value}" is malformed`,
        '事件名用大写英文字母和下划线，如 RESOLVE、HAND_OVER。',
        'Event names use uppercase letters and underscores, e.g. RESOLVE, HAND_OVER.',
      ),
  },
  SCHEMA_VALUE: {
    severity: 'error',
    message: (p) => m(`值不符合要求：${p.zh}`, `Invalid value: ${p.en}`, `${p.hintZh}`, `${p.hintEn}`),
  },
  TIME_INVALID: {
    severity: 'error',
    message: (p) =>
      m(
        `“${p.value}” 不是有效的时刻`,
        `"${p.value}" is not a valid time of day`,
        `${p.spelling === undefined ? '' : `冒号是全角的“：”，要用半角的“:”，写成 ${p.spelling}。`}时刻写成 HH:MM（00:00–23:59），如 17:30；跨过午夜的结束时间写 次日08:30。`,
        `${p.spelling === undefined ? '' : `The colon is the full-width “：”; use the ASCII colon ":" and write ${p.spelling}. `}Write times as HH:MM (00:00–23:59), e.g. 17:30; an end after midnight as 次日08:30.`,
      ),
  },
  DURATION_INVALID: {
    severity: 'error',
    message: (p) =>
      m(
        `“${p.value}” 不是有效的时长`,
        `"${p.value}" is not a valid duration`,
        `${p.spelling === undefined ? '' : `“${p.value}” 写成 ${p.spelling}。`}时长写成正整数加单位：m 分钟、h 小时、d 天、w 周、mo 月、y 年，如 15m、2d、1w、3y。`,
        `${p.spelling === undefined ? '' : `Write ${p.spelling} for “${p.value}”. `}Write a positive whole number and a unit: m, h, d, w, mo, y — e.g. 15m, 2d, 1w, 3y.`,
      ),
  },
  DATE_INVALID: {
    severity: 'error',
    message: (p) =>
      m(
        `“${p.value}” 不是有效的日期`,
        `"${p.value}" is not a valid date`,
        '日期写成 YYYY-MM-DD，如 2026-01-01，并确认该日存在。',
        'Write dates as YYYY-MM-DD, e.g. 2026-01-01, and check that the day exists.',
      ),
  },
  VERSION_INVALID: {
    severity: 'error',
    message: (p) =>
      m(
        `版本号 “${p.value}” 格式不对`,
        `The version "${p.value}" is malformed`,
        '版本写成带引号的数字，如 "1.0"、"2.1"（不加引号时 1.10 会被读成 1.1）。',
        'Write the version as a quoted number such as "1.0" (unquoted, 1.10 reads as 1.1).',
      ),
  },
  CLAUSE_NUMBER_INVALID: {
    severity: 'error',
    message: (p) =>
      m(
        `条款号 ${p.value} 不是原文的编号写法`,
        `${p.value} is not written like a clause number of the source`,
        '条款号照原文写，只写编号：如 "4.1.2"、"1.0"、"一、"、"1、"、"（1）"、"a、"、"a)"、"第三条"；编号后的文字写在 title 或 text 中。',
        'Write the number as the source prints it, the number only: e.g. "4.1.2", "1.0", "一、", "1、", "（1）", "a、", "a)", "第三条"; the words after it go in title or text.',
      ),
  },
  LANGUAGE_VERSION_OLD: {
    severity: 'error',
    message: (p) =>
      m(
        `这是 sopforge 语言第 ${p.version} 版的文件；现在的版本是 2：规程的原文写在 clauses（条款树，照原文编号和文字），目的、适用范围、职责、主要工作、原则、纪律、权利、待命规定、其他规定、步骤的 tasks 和复审规定原文都改写为条款，各项规则用 clause 引用条款号`,
        `This file is written in version ${p.version} of the sopforge language; the current version is 2: the approved text is the clauses tree (the source's numbers and wording), purpose, scope, duties, main duties, principles, discipline, rights, on-call, notes, step tasks and the review rules' text became clauses, and every rule cites a clause number with clause`,
        `运行 npx sopforge migrate ${p.file} --write 自动改写，然后对照原文核对标有“# 待核对”的条款。`,
        `Run npx sopforge migrate ${p.file} --write to rewrite it, then check the clauses marked "# 待核对" against the source text.`,
      ),
  },
  // ── semantics ──────────────────────────────────────────────────────────
  CLAUSE_UNKNOWN: {
    severity: 'error',
    message: (p) =>
      m(
        `条款 “${p.clause}” 不在本规程的 clauses 中`,
        `Clause "${p.clause}" is not in this SOP's clauses`,
        p.suggestion
          ? `是否应为 “${p.suggestion}”？引用的条款号须与 clauses 中写的完全一致。`
          : `引用的条款号须与 clauses 中写的完全一致（如 "4.1.2"；非点分的编号连同上级编号写，如 "四、1、（2）"）。`,
        p.suggestion
          ? `Did you mean "${p.suggestion}"? A cited number must be written exactly as in clauses.`
          : 'A cited number must be written exactly as in clauses (e.g. "4.1.2"; a number that is not dotted is written after its parents\', e.g. "四、1、（2）").',
      ),
  },
  CLAUSE_DUPLICATE: {
    severity: 'error',
    message: (p) =>
      m(
        `条款号 “${p.clause}” 在本规程中出现了两次（第一次在第 ${p.firstLine} 行）`,
        `Clause number "${p.clause}" is used twice in this SOP (first on line ${p.firstLine})`,
        '每个条款号只能用一次；检查是否重复录入了一条，或编号写错。',
        'Each clause number is used once; check for a clause entered twice or a mistyped number.',
      ),
  },
  // ── consistency between the approved text and the rules citing it (rules/consistency.ts) ──
  CLAUSE_FIGURE_MISMATCH: {
    severity: 'warning',
    message: (p) =>
      m(
        `条款 “${p.clause}” 写的是 ${p.stated}，引用它的规则却是 ${p.rule}（${p.where}: ${p.value}，第 ${p.line} 行）`,
        `Clause "${p.clause}" states ${p.statedEn}, but the rule citing it says ${p.ruleEn} (${p.where}: ${p.value}, line ${p.line})`,
        `条款的文字是批准的原文：规则写错了就改第 ${p.line} 行；原文要改，须经复审修订（sopforge revise）。`,
        `The clause's wording is the approved text: if the rule is wrong, fix line ${p.line}; a change of the text goes through a revision (sopforge revise).`,
      ),
  },
  CLAUSE_ROLE_MISSING: {
    severity: 'warning',
    message: (p) =>
      m(
        `条款 “${p.clause}” 没有提到岗位 “${p.name}”，引用它的规则却由该岗位执行（${p.where}: ${p.role}，第 ${p.line} 行）`,
        `Clause "${p.clause}" does not name the role "${p.name}", but the rule citing it is carried out by that role (${p.where}: ${p.role}, line ${p.line})`,
        `改正第 ${p.line} 行的岗位或引用的条款；原文对该岗位另有称呼时，把它加到该岗位的 aliases 中。`,
        `Fix the role or the cited clause on line ${p.line}; if the text calls the role by another name, add that name to the role's aliases.`,
      ),
  },
  CLAUSE_FREQUENCY_MISMATCH: {
    severity: 'warning',
    message: (p) =>
      m(
        `条款 “${p.clause}” 没有写 “${p.word}”，引用它的检查 ${p.audit} 却是这个频次（${p.where}，第 ${p.line} 行）`,
        `Clause "${p.clause}" does not say "${p.word}", but the audit ${p.audit} citing it is ${p.every} (${p.where}, line ${p.line})`,
        `按条款的文字改正第 ${p.line} 行的 every / on，或改正引用的条款号。`,
        `Fix every / on on line ${p.line} to what the clause says, or cite the right clause.`,
      ),
  },
  AUDIT_ACTION_MISSING: {
    severity: 'warning',
    message: (p) =>
      m(
        `检查 ${p.audit} 没有写明是检查、审核、抽查还是复核，文件和表格里只能不写动词`,
        `The audit ${p.audit} does not say whether it is a check, a review, a spot check or a re-check (检查/审核/抽查/复核); the document and forms print it without a verb`,
        p.verb
          ? `条款 “${p.clause}” 用的是 “${p.verb}”：加上 action: ${p.verb}。`
          : '加上 action: 检查（或 审核、抽查、复核），与条款的用词一致。',
        p.verb
          ? `Clause "${p.clause}" says "${p.verb}": add action: ${p.verb}.`
          : 'Add action: 检查 (or 审核, 抽查, 复核), as the clause words it.',
      ),
  },
  CLAUSE_ACTION_MISMATCH: {
    severity: 'warning',
    message: (p) =>
      m(
        `条款 “${p.clause}” 写的是 “${p.word}”，引用它的检查 ${p.audit} 却是 “${p.action}”（${p.where}，第 ${p.line} 行）`,
        `Clause "${p.clause}" says "${p.word}", but the audit ${p.audit} citing it says "${p.action}" (${p.where}, line ${p.line})`,
        `按条款的用词改正第 ${p.line} 行的 action，或改正引用的条款号。`,
        `Fix action on line ${p.line} to the clause's word, or cite the right clause.`,
      ),
  },
  ROLE_UNDECLARED: {
    severity: 'error',
    message: (p) =>
      m(
        `岗位 “${p.role}” 未在 roles 中声明`,
        `The role "${p.role}" is not declared under roles`,
        `${meantZh(p)}在 roles 中添加 ${p.role}，或改用已声明的岗位：${p.known}`,
        `${meantEn(p)}Declare ${p.role} under roles, or use a declared role: ${p.known}`,
      ),
  },
  STEP_UNDECLARED: {
    severity: 'error',
    message: (p) =>
      m(
        `步骤 “${p.step}” 不存在`,
        `There is no step "${p.step}"`,
        `${meantZh(p)}改用已有的步骤：${p.known}`,
        `${meantEn(p)}Use an existing step: ${p.known}`,
      ),
  },
  CHECKLIST_UNDECLARED: {
    severity: 'error',
    message: (p) =>
      m(
        `清单 “${p.id}” 未在 checklists 中声明`,
        `The checklist "${p.id}" is not declared under checklists`,
        `${meantZh(p)}在 checklists 中添加它，或改正编号。`,
        `${meantEn(p)}Declare it under checklists, or correct the id.`,
      ),
  },
  CHECKLIST_ROUND_ITEMS: {
    severity: 'error',
    message: (p) =>
      m(
        `巡查路线 “${p.id}”（kind: round）写的是 items，巡查点应写在 points 下`,
        `The patrol round "${p.id}" (kind: round) lists items; a round lists its points under points`,
        '把每项改写到 points 下：- id: …、place: 巡查点，可加 check（查看什么）和 at（到达时刻）；若是逐项清点的物品，去掉 kind: round。',
        'Move each entry under points: - id: …, place: the place, optionally check (what to look at) and at (the time); for items counted one by one, remove kind: round.',
      ),
  },
  CHECKLIST_POINTS_NOT_ROUND: {
    severity: 'error',
    message: (p) =>
      m(
        `清单 “${p.id}” 写了巡查点 points，但没有写 kind: round`,
        `The checklist "${p.id}" lists points but is not kind: round`,
        '巡查路线写 kind: round；逐项清点的物品写在 items 下，每项写 id 和 name。',
        'Write kind: round for a patrol round; items counted one by one go under items, each with id and name.',
      ),
  },
  FORM_UNDECLARED: {
    severity: 'error',
    message: (p) =>
      m(
        `表格 “${p.id}” 未在 forms 中声明`,
        `The form "${p.id}" is not declared under forms`,
        `${meantZh(p)}在 forms 中添加它，或改用已声明的表格：${p.known}`,
        `${meantEn(p)}Declare it under forms, or use a declared form: ${p.known}`,
      ),
  },
  CONTEXT_UNDECLARED: {
    severity: 'error',
    message: (p) =>
      m(
        `记录项 “${p.id}” 未在 workflow.context 中声明为${p.kindZh}`,
        `"${p.id}" is not declared in workflow.context as a ${p.kind}`,
        `在 workflow.context 中添加 ${p.id}: ${p.decl}`,
        `Add ${p.id}: ${p.decl} to workflow.context.`,
      ),
  },
  CLEAR_FIELD_UNDECLARED: {
    severity: 'error',
    message: (p) =>
      m(
        `clear 清空的 “${p.id}” 不是 workflow.context 中声明的清单或列表`,
        `clear empties "${p.id}", which workflow.context does not declare as a checklist or list`,
        `改用 workflow.context 中的清单或列表：${p.known}；或在 workflow.context 中声明 ${p.id}`,
        `Use a checklist or list of workflow.context: ${p.known}; or declare ${p.id} there.`,
      ),
  },
  PAYLOAD_FIELD_UNDECLARED: {
    severity: 'error',
    message: (p) =>
      m(
        `事件没有名为 “${p.field}” 的字段`,
        `The event has no field "${p.field}"`,
        `在该事件的 payload 中声明 ${p.field}，或改用已有字段：${p.known}`,
        `Declare ${p.field} in the event's payload, or use one of: ${p.known}`,
      ),
  },
  THRESHOLD_NOT_INCREASING: {
    severity: 'error',
    message: (p) =>
      m(
        `升级期限 ${p.after} 不大于上一级的 ${p.previous}`,
        `The threshold ${p.after} is not longer than the previous level's ${p.previous}`,
        '各级期限都从开始计时算起，须逐级递增，如 2d、1w。',
        'Every threshold counts from the start of the clock and must increase level by level, e.g. 2d then 1w.',
      ),
  },
  THRESHOLD_UNIT: {
    severity: 'error',
    message: (p) =>
      m(
        `按工作日计算的期限 ${p.after} 须以 d 或 w 为单位`,
        `A working-day threshold (${p.after}) must be in d or w`,
        '工作日期限写成 2d（2 个工作日）或 1w（5 个工作日）；或改为 basis: calendar。',
        'Write working-day thresholds as 2d (two working days) or 1w (five); or use basis: calendar.',
      ),
  },
  WINDOW_ZERO: {
    severity: 'error',
    message: (p) =>
      m(
        `值班时间 ${p.window} 长度为零`,
        `The duty window ${p.window} has zero length`,
        '24 小时值班写成 start: "08:30", end: "次日08:30"。',
        'A 24-hour window is start: "08:30", end: "次日08:30".',
      ),
  },
  WINDOW_END_BEFORE_START: {
    severity: 'error',
    message: (p) =>
      m(
        `结束时刻 ${p.end} 早于开始时刻 ${p.start}`,
        `The end ${p.end} is before the start ${p.start}`,
        `如果在第二天结束，写成 次日${p.end}。`,
        `If the window ends the next day, write 次日${p.end}.`,
      ),
  },
  WINDOW_TOO_LONG: {
    severity: 'error',
    message: (p) =>
      m(
        `值班时间 ${p.window} 超过 24 小时`,
        `The duty window ${p.window} is longer than 24 hours`,
        '结束时刻不能晚于次日的开始时刻。',
        'The end cannot be later than the start time on the next day.',
      ),
  },
  START_NEXT_DAY: {
    severity: 'error',
    message: () =>
      m(
        '开始时刻不能写“次日”',
        'A start time cannot be on the next day',
        '去掉开始时刻前的“次日”。',
        'Remove 次日 from the start time.',
      ),
  },
  LEAD_TOO_LONG: {
    severity: 'error',
    message: (p) =>
      m(
        `${p.what} ${p.lead} 不短于值班时长 ${p.window}`,
        `${p.whatEn} ${p.lead} is not shorter than the duty window ${p.window}`,
        '缩短提前量，或检查值班时间。',
        'Shorten the lead time or check the duty window.',
      ),
  },
  DURATION_UNIT: {
    severity: 'error',
    message: (p) =>
      m(`${p.value} 在此处单位不合适`, `${p.value} has the wrong unit here`, `${p.hintZh}`, `${p.hintEn}`),
  },
  DUPLICATE_ID: {
    severity: 'error',
    message: (p) =>
      m(
        `编号 “${p.id}” 与 ${p.other} 重复`,
        `The id "${p.id}" is also used by ${p.other}`,
        '每个规程的 id 在整套规程中须唯一；修改其中一个。',
        'Each SOP id must be unique in the set; change one of them.',
      ),
  },
  DUPLICATE_ITEM: {
    severity: 'error',
    message: (p) =>
      m(
        `“${p.id}” 在此列表中重复`,
        `"${p.id}" appears twice in this list`,
        '删除重复项，或改用不同的编号。',
        'Remove the duplicate or give it another id.',
      ),
  },
  REFERENCE_UNRESOLVED: {
    severity: 'error',
    message: (p) =>
      m(
        `引用的规程 “${p.id}” 不在本套规程中`,
        `The referenced SOP "${p.id}" is not in this set`,
        `${meantZh(p)}把该规程文件加入本次校验，或在 references 中注明 external: true。`,
        `${meantEn(p)}Add that SOP file to the set being validated, or mark the reference external: true.`,
      ),
  },
  REFERENCE_UNDECLARED: {
    severity: 'error',
    message: (p) =>
      m(
        `“${p.id}” 未在 references 中声明`,
        `"${p.id}" is not declared under references`,
        `${meantZh(p)}在 references 中添加 ${p.id}（标题、是否 external）。`,
        `${meantEn(p)}Declare ${p.id} under references (title, external or not).`,
      ),
  },
  HANDOFF_WITHOUT_SOP: {
    severity: 'error',
    message: () =>
      m(
        'type: handoff 的步骤须写 sop（移交的规程）',
        'A step of type handoff needs sop (the SOP it hands over to)',
        '添加 sop: 规程编号，并在 references 中声明它。',
        'Add sop: <id> and declare it under references.',
      ),
  },
  FINAL_WITH_TRANSITIONS: {
    severity: 'error',
    message: () =>
      m(
        '结束步骤（final/handoff）不能再有事件或定时',
        'A final or handoff step cannot have events or timers',
        '删除 on/timers，或把 type 改为 normal。',
        'Remove on/timers, or make the step type normal.',
      ),
  },
  NO_FINAL_STEP: {
    severity: 'error',
    message: () =>
      m(
        '流程没有结束步骤',
        'The workflow has no final step',
        '至少添加一个 type: final 或 type: handoff 的步骤。',
        'Add at least one step of type final or handoff.',
      ),
  },
  STEP_UNREACHABLE: {
    severity: 'warning',
    message: (p) =>
      m(
        `步骤 “${p.step}” 从开始步骤无法到达`,
        `The step "${p.step}" cannot be reached from the initial step`,
        '添加一个转到它的事件、定时或升级，或删除它。',
        'Add an event, timer or escalation leading to it, or remove it.',
      ),
  },
  STEP_DEAD_END: {
    severity: 'error',
    message: (p) =>
      m(
        `步骤 “${p.step}” 无法走到结束`,
        `The step "${p.step}" can never reach an end`,
        '添加通往结束步骤的事件，或把它设为 type: final。',
        'Add an event leading to a final step, or make it type final.',
      ),
  },
  TIMER_WITHOUT_SCHEDULE: {
    severity: 'error',
    message: () =>
      m(
        'before-window-end 定时需要 schedule.window（值班时间）',
        'A before-window-end timer needs schedule.window',
        '添加 schedule.window，或删除此定时。',
        'Add schedule.window, or remove the timer.',
      ),
  },
  RETENTION_TOO_SHORT: {
    severity: 'error',
    message: (p) =>
      m(
        `保存期限 ${p.retention} 短于最短保存期限 ${p.minimum}`,
        `The retention ${p.retention} is shorter than the minimum ${p.minimum}`,
        `把 retention 改为不少于 ${p.minimum}。`,
        `Set retention to at least ${p.minimum}.`,
      ),
  },
  RETENTION_MISSING: {
    severity: 'error',
    message: (p) =>
      m(
        `该记录须保存至少 ${p.minimum}，但没有写 retention`,
        `This record must be kept at least ${p.minimum} but has no retention`,
        `添加 retention: ${p.minimum}（或更长）。`,
        `Add retention: ${p.minimum} (or longer).`,
      ),
  },
  WEEKDAY_MISSING: {
    severity: 'error',
    message: (p) =>
      m(
        `每${p.everyZh}审核须写 on（${p.whatZh}）`,
        `A ${p.every} audit needs on (${p.what})`,
        p.every === 'weekly' ? '如 on: monday。' : '如 on: 1。',
        p.every === 'weekly' ? 'e.g. on: monday.' : 'e.g. on: 1.',
      ),
  },
  MANUAL_ONLY: {
    severity: 'error',
    message: (p) =>
      m(
        `“${p.key}” 只能用于 kind: ${p.kind}`,
        `"${p.key}" is only allowed with kind: ${p.kind}`,
        `删除 ${p.key}，或检查 kind。`,
        `Remove ${p.key}, or check kind.`,
      ),
  },
  CHAPTER_UNRESOLVED: {
    severity: 'error',
    message: (p) =>
      m(
        `章节 “${p.id}” 不在本套规程中`,
        `The chapter "${p.id}" is not in this set`,
        `${meantZh(p)}把该规程文件加入本次校验，或从 chapters 中删除。`,
        `${meantEn(p)}Add that SOP to the set being validated, or remove it from chapters.`,
      ),
  },
  VERSION_NOT_LATEST_REVISION: {
    severity: 'warning',
    message: (p) =>
      m(
        `版本 ${p.version} 与最后一次修订记录的版本 ${p.revision} 不一致`,
        `The version ${p.version} differs from the latest revision's ${p.revision}`,
        '用 sopforge revise 记录修订，它会同时更新版本号。',
        'Record revisions with sopforge revise, which also updates the version.',
      ),
  },
  REVISIONS_OUT_OF_ORDER: {
    severity: 'error',
    message: (p) =>
      m(
        `修订记录 ${p.version} 的日期 ${p.date} 早于上一条 ${p.previous}`,
        `Revision ${p.version} is dated ${p.date}, before the previous one (${p.previous})`,
        '修订记录按时间先后排列；检查日期。',
        'Revisions are listed oldest first; check the date.',
      ),
  },
  REVISION_EDITED: {
    severity: 'error',
    message: (p) =>
      m(
        `修订记录 ${p.version} 在签署后被改动：${p.detailZh}`,
        `Revision ${p.version} was changed after it was signed: ${p.detail}`,
        '恢复签署时的记录（.history 中保存的批准文本里有它的原样）；要改动，请用 sopforge revise 记录新的修订。',
        'Put the signed entry back (the approved texts in .history keep it as signed); to change something, record a new revision with sopforge revise.',
      ),
  },
  REVISION_DELETED: {
    severity: 'error',
    message: (p) =>
      m(
        `已签署的修订 ${p.version} 从修订记录中被删除：${p.detailZh}`,
        `The signed revision ${p.version} was deleted from the revisions: ${p.detail}`,
        '已签署的修订不能删除。从 .history 中保存的批准文本恢复这条记录。',
        'A signed revision cannot be deleted. Put the entry back from the approved text kept in .history.',
      ),
  },
  REVISION_COPIED: {
    severity: 'error',
    message: (p) =>
      m(
        `修订记录 ${p.version} 不属于本规程：${p.detailZh}`,
        `Revision ${p.version} does not belong to this SOP: ${p.detail}`,
        '修订记录只对签署它的规程有效；删除复制来的记录，用 sopforge revise 为本规程记录修订。',
        'A revision holds only for the SOP it was signed for; remove the copied entry and record a revision of this SOP with sopforge revise.',
      ),
  },
  REVISION_ORDER: {
    severity: 'error',
    message: (p) =>
      m(
        `修订记录 ${p.version} 的顺序不对：${p.detailZh}`,
        `Revision ${p.version} is out of order: ${p.detail}`,
        '修订按版本先后排列，每次修订版本号增大；未修改的复审沿用当时的版本号。恢复原来的顺序。',
        'Revisions are listed in version order, each revision raising the version; a review without changes keeps the version. Restore the original order.',
      ),
  },
  REVISION_VERSION_SET_BACK: {
    severity: 'error',
    message: (p) =>
      m(
        `版本被改回了 ${p.version}：${p.detailZh}`,
        `The version was set back to ${p.version}: ${p.detail}`,
        '版本号只能由 sopforge revise 增大，不能改回；恢复为最后一次签署的版本号。',
        'Only sopforge revise raises the version, and it never goes back; restore the last signed version.',
      ),
  },
  REVISION_UNSEALED: {
    severity: 'error',
    message: (p) =>
      m(
        `修订记录 ${p.version} 没有签署，而${p.detailZh}`,
        `Revision ${p.version} is not signed, although ${p.detail}`,
        '修订须用 sopforge revise 记录，它会签署每一条修订。',
        'Record revisions with sopforge revise, which signs each one.',
      ),
  },
  REVISION_SNAPSHOT_EDITED: {
    severity: 'error',
    message: (p) =>
      m(
        `保存的版本 ${p.version} 批准文本 ${p.snapshot} 在批准后被改动：${p.detailZh}`,
        `The approved text of version ${p.version} kept in ${p.snapshot} was changed after approval: ${p.detail}`,
        `批准的文本不能改动。从备份或 git 恢复 ${p.snapshot}；要改规程，编辑规程文件后用 sopforge revise 记录新的修订。`,
        `An approved text cannot be changed. Restore ${p.snapshot} from a backup or git; to change the SOP, edit its file and record a new revision with sopforge revise.`,
      ),
  },
  MANUAL_BEHIND_CHAPTER: {
    severity: 'warning',
    message: (p) =>
      m(
        `章节 ${p.id} 已修订为版本 ${p.version}（${p.date}），手册仍是 ${p.manualDate} 的版本 ${p.manualVersion}`,
        `The chapter ${p.id} was revised to version ${p.version} (${p.date}); the manual is still version ${p.manualVersion} of ${p.manualDate}`,
        `手册的版本随章节走：章节出新版本后，用 sopforge revise ${p.manual} 为手册记录新版本（修改内容会列出修订过的章节）。`,
        `The manual's version follows its chapters: after a chapter's new version, record a new version of the manual with sopforge revise ${p.manual} (its changes list the chapters revised).`,
      ),
  },
  SOP_DRAFT: {
    severity: 'warning',
    message: (p) =>
      m(
        `本规程与批准的版本 ${p.version} 不同，是草稿：${p.detailZh}`,
        `This SOP differs from its approved version ${p.version} and is a draft: ${p.detail}`,
        '草稿生成的文件印有“草稿”，build --release 不生成它。审定后用 sopforge revise 记录修订；若改动不该有，从 .history 恢复批准的文本。',
        'Files built from a draft are stamped DRAFT and build --release refuses it. Once approved, record the revision with sopforge revise; if the edit is a mistake, put back the approved text from .history.',
      ),
  },
  REVISION_SNAPSHOT_MISSING: {
    severity: 'error',
    message: (p) =>
      m(
        `修订 ${p.version} 已记录，但没有保存它的批准文本 ${p.snapshot}`,
        `Revision ${p.version} is recorded, but its approved text ${p.snapshot} is not stored`,
        `多半是旧版 sopforge 的 revise 在两次写入之间被中断。确认本文件就是 ${p.version} 的批准文本后，把它复制为 ${p.snapshot}；否则从备份恢复该文件。`,
        `Most likely an older sopforge's revise was interrupted between its two writes. If this file is the approved text of ${p.version}, copy it to ${p.snapshot}; otherwise restore the file from a backup.`,
      ),
  },
  REVISION_SNAPSHOT_AHEAD: {
    severity: 'error',
    message: (p) =>
      m(
        `版本 ${p.version} 早于已保存的批准文本 ${p.stored}（${p.snapshot}）：${p.detailZh}`,
        `The version ${p.version} is older than the stored approved text of ${p.stored} (${p.snapshot}): ${p.detail}`,
        `文件可能是从旧副本恢复的。若 ${p.stored} 已批准，用 ${p.snapshot} 恢复本文件；若没有批准，删除 ${p.snapshot}。`,
        `The file may have been put back from an older copy. If ${p.stored} was approved, restore this file from ${p.snapshot}; if not, delete ${p.snapshot}.`,
      ),
  },
  REVISION_INTERRUPTED: {
    severity: 'error',
    message: (p) =>
      m(
        `修订 ${p.version} 的记录被中断，尚未完成：${p.detailZh}`,
        `Recording revision ${p.version} was interrupted and is not complete: ${p.detail}`,
        `下一次 sopforge validate、build、revise、diff 或 review 会补完它；若 ${p.file} 在中断后被改动过，先把它恢复，或删除 ${p.journal} 放弃这次修订后重新运行 sopforge revise。`,
        `The next sopforge validate, build, revise, diff or review completes it; if ${p.file} was edited after the interruption, put it back, or delete ${p.journal} to give up this revision and run sopforge revise again.`,
      ),
  },
  ID_FILE_MISMATCH: {
    severity: 'warning',
    message: (p) =>
      m(
        `id “${p.id}” 与文件名 ${p.file} 不一致`,
        `The id "${p.id}" does not match the file name ${p.file}`,
        '把文件改名为 <id>.yaml，便于查找。',
        'Rename the file to <id>.yaml so it is easy to find.',
      ),
  },
  // ── output folder (build, verify) ─────────────────────────────────────
  OUTPUT_IS_FILE: {
    severity: 'error',
    message: (p) =>
      m(
        `输出位置 ${p.path} 是一个文件，不是文件夹`,
        `The output ${p.path} is a file, not a folder`,
        '用 --out 指定一个文件夹（不存在的、空的，或 sopforge 生成的），或把该文件移走。',
        'Pass --out a folder (missing, empty, or made by sopforge), or move the file away.',
      ),
  },
  OUTPUT_IS_WORKDIR: {
    severity: 'error',
    message: (p) =>
      m(
        `输出文件夹 ${p.path} 是当前工作目录或它的上级目录，生成时会把它整个换掉`,
        `The output folder ${p.path} is the working directory or one of its parents; a build would replace all of it`,
        '用 --out 指定一个单独的子文件夹，如 --out out。',
        'Pass --out a folder of its own, e.g. --out out.',
      ),
  },
  OUTPUT_HOLDS_INPUT: {
    severity: 'error',
    message: (p) =>
      m(
        `输出文件夹 ${p.path} 包含本次生成的输入 ${p.input}，生成时会把它删掉`,
        `The output folder ${p.path} contains ${p.input}, an input of this build; a build would delete it`,
        '用 --out 指定一个不包含规程、日历或模板的文件夹，如 --out out。',
        'Pass --out a folder that holds no SOPs, calendars or templates, e.g. --out out.',
      ),
  },
  OUTPUT_IS_REPOSITORY: {
    severity: 'error',
    message: (p) =>
      m(
        `输出文件夹 ${p.path} 是 git 仓库的根目录（含 .git）`,
        `The output folder ${p.path} is the root of a git repository (it holds .git)`,
        '用 --out 指定仓库中的一个子文件夹，如 --out out。',
        'Pass --out a folder inside the repository, e.g. --out out.',
      ),
  },
  OUTPUT_NOT_OWNED: {
    severity: 'error',
    message: (p) =>
      m(
        `输出文件夹 ${p.path} 不是 sopforge 生成的（没有 sopforge 的 manifest.json），其中有 ${p.count} 个文件：${p.files}`,
        `The output folder ${p.path} was not made by sopforge (it has no sopforge manifest.json) and holds ${p.count} file(s): ${p.files}`,
        'sopforge 只写入不存在的、空的或由它生成的文件夹。换一个 --out，或先把这些文件移走。',
        'sopforge writes only into a folder that is missing, empty or made by sopforge. Pass another --out, or move these files away first.',
      ),
  },
  OUTPUT_FOREIGN_FILES: {
    severity: 'error',
    message: (p) =>
      m(
        `输出文件夹 ${p.path} 中有 ${p.count} 个不是 sopforge 生成的文件（manifest.json 中没有）：${p.files}`,
        `The output folder ${p.path} holds ${p.count} file(s) sopforge did not write (not in its manifest.json): ${p.files}`,
        '生成会替换整个文件夹，这些文件会丢失。先把它们移到别处，再重新生成。',
        'A build replaces the whole folder and these files would be lost. Move them elsewhere, then build again.',
      ),
  },
  OUTPUT_DANGLING_LINK: {
    severity: 'error',
    message: (p) =>
      m(
        `输出位置 ${p.path} 是符号链接，但它指向的 ${p.target} 不存在`,
        `The output ${p.path} is a symbolic link to ${p.target}, which does not exist`,
        '创建它指向的文件夹，或删除该链接（sopforge 会新建文件夹）。',
        'Create the folder it points to, or remove the link (sopforge then creates a folder).',
      ),
  },
  OUTPUT_LOCKED: {
    severity: 'error',
    message: (p) =>
      m(
        `另一个 sopforge build 正在写入 ${p.path}（进程 ${p.pid}）`,
        `Another sopforge build is writing ${p.path} (process ${p.pid})`,
        `等它结束后再试。若该进程已不存在，删除 ${p.lock}。`,
        `Wait for it to finish and try again. If that process is gone, delete ${p.lock}.`,
      ),
  },
  OUTPUT_NO_SPACE: {
    severity: 'error',
    message: (p) =>
      m(
        `磁盘空间不足，无法写入 ${p.path}`,
        `No space left on the device while writing ${p.path}`,
        '腾出磁盘空间（或换一个 --out）后重新生成；上一次的输出保持不变。',
        'Free some space (or pass another --out) and build again; the previous output is unchanged.',
      ),
  },
  OUTPUT_READ_ONLY: {
    severity: 'error',
    message: (p) =>
      m(
        `${p.path} 所在的文件系统是只读的，无法写入`,
        `${p.path} is on a read-only file system`,
        '用 --out 指定一个可写的文件夹。',
        'Pass --out a folder you can write to.',
      ),
  },
  OUTPUT_PERMISSION: {
    severity: 'error',
    message: (p) =>
      m(
        `没有权限写入 ${p.path}`,
        `No permission to write ${p.path}`,
        '检查该文件夹及其上级文件夹的权限，或用 --out 指定一个可写的文件夹。',
        'Check the permissions of the folder and its parent, or pass --out a folder you can write to.',
      ),
  },
  OUTPUT_PATH_NOT_FOLDER: {
    severity: 'error',
    message: (p) =>
      m(
        `${p.path} 的路径中有一段是文件，不是文件夹`,
        `A part of the path ${p.path} is a file, not a folder`,
        '检查 --out 的路径。',
        'Check the --out path.',
      ),
  },
  OUTPUT_CHANGED: {
    severity: 'error',
    message: (p) =>
      m(
        `生成期间 ${p.path} 被其他程序改动了（${p.errno}）`,
        `${p.path} was changed by another program during the build (${p.errno})`,
        '确认没有其他程序在写入这个文件夹，然后重新生成；上一次的输出保持不变。',
        'Make sure nothing else writes to this folder, then build again; the previous output is unchanged.',
      ),
  },
  OUTPUT_IO: {
    severity: 'error',
    message: (p) =>
      m(
        `写入 ${p.path} 失败（${p.errno}）`,
        `Writing ${p.path} failed (${p.errno})`,
        '检查磁盘和文件夹是否正常，然后重新生成；上一次的输出保持不变。',
        'Check the disk and the folder, then build again; the previous output is unchanged.',
      ),
  },
  OUTPUT_INTERRUPTED: {
    severity: 'error',
    message: (p) =>
      m(
        `已中断（${p.signal}），未写入任何文件；${p.path} 保持不变`,
        `Interrupted (${p.signal}): nothing was written and ${p.path} is unchanged`,
        '需要时重新运行 sopforge build。',
        'Run sopforge build again when you are ready.',
      ),
  },
  OUTPUT_INTERRUPTED_DONE: {
    severity: 'error',
    message: (p) =>
      m(
        `已中断（${p.signal}），但中断时本次生成已写完：${p.path} 是本次的完整结果`,
        `Interrupted (${p.signal}) after the build was complete: ${p.path} holds the new build`,
        '无需处理；可运行 sopforge verify 检查。',
        'Nothing to do; sopforge verify checks it.',
      ),
  },
  // ── slips: files that pass the schema but would not do what they say ───
  // Each would build, and the machine, form or document would quietly behave otherwise.
  YAML_QUOTE_UNCLOSED: {
    severity: 'error',
    message: (p) =>
      m(
        `这里的 ${p.quote} 引号没有闭合`,
        `The ${p.quote} quote here is never closed`,
        `在文字末尾补上 ${p.quote}，或删除这个多余的引号。`,
        `Close it with ${p.quote} at the end of the text, or remove the stray quote.`,
      ),
  },
  YAML_QUOTE_RUNAWAY: {
    severity: 'error',
    message: (p) =>
      m(
        `从这里开始的引号文字一直延续到第 ${p.endLine} 行第 ${p.endColumn} 列，吞掉了中间的内容`,
        `The quoted text that starts here runs on to line ${p.endLine}, column ${p.endColumn}, swallowing everything between`,
        `这个 ${p.quote} 多余或缺少配对：删除它，或在本行文字末尾补上 ${p.quote}。`,
        `This ${p.quote} is stray or unmatched: remove it, or close it at the end of this line's text.`,
      ),
  },
  YAML_BRACKET_UNCLOSED: {
    severity: 'error',
    message: (p) =>
      m(
        `这里的 ${p.open} 没有配对的 ${p.close}`,
        `This ${p.open} has no matching ${p.close}`,
        `在这一项的末尾补上 ${p.close}。`,
        `Add ${p.close} at the end of this item.`,
      ),
  },
  GUARD_FLAG_UNDECLARED: {
    severity: 'error',
    message: (p) =>
      m(
        `列表 “${p.list}” 没有 “${p.flag}” 这个标记（${p.declaredZh}），这个条件永远成立`,
        `The list "${p.list}" has no flag "${p.flag}" (${p.declared}), so this condition always holds`,
        `改用声明的标记，或在 workflow.context 中写 ${p.list}: { list: ${p.flag} }。`,
        `Use the declared flag, or declare ${p.list}: { list: ${p.flag} } in workflow.context.`,
      ),
  },
  LIST_FLAG_NEVER_SET: {
    severity: 'warning',
    message: (p) =>
      m(
        `没有事件会设置列表 “${p.list}” 的标记 “${p.flag}”，按它判断的条件永远成立`,
        `No event sets the flag "${p.flag}" of the list "${p.list}", so conditions on it always hold`,
        `在向 ${p.list} 添加内容的事件（${p.events}）的 payload 中加上 { id: ${p.flag}, type: boolean }。`,
        `Add { id: ${p.flag}, type: boolean } to the payload of the event that appends to ${p.list} (${p.events}).`,
      ),
  },
  GUARD_VALUE_NOT_OPTION: {
    severity: 'error',
    message: (p) =>
      m(
        `字段 “${p.field}” 没有 “${p.value}” 这个选项，这个条件${p.effectZh}`,
        `The field "${p.field}" has no option "${p.value}", so this condition ${p.effect}`,
        `改用该字段的选项：${p.options}`,
        `Use one of the field's options: ${p.options}`,
      ),
  },
  GUARD_CHECKED_FIELD_UNDECLARED: {
    severity: 'error',
    message: (p) =>
      m(
        `清点清单 “${p.checklist}” 的事件都不记录字段 “${p.field}”，这个条件永远成立`,
        `No event that checks "${p.checklist}" records the field "${p.field}", so this condition always holds`,
        `where 改用清点该清单的事件（effects 中 check: ${p.checklist}）的字段：${p.known}`,
        `In where, use a field of the events that check it (effects: check: ${p.checklist}): ${p.known}`,
      ),
  },
  GUARD_FIELD_UNRECORDED: {
    severity: 'error',
    message: (p) =>
      m(
        `条件读取的字段 “${p.field}” 在本案中没有记录，这个条件永远不成立`,
        `The condition reads "${p.field}", which the case never records, so it never holds`,
        `改用本案记录的字段（workflow.context 中的值或某事件 set 保存的字段）：${p.known}`,
        `Use a field the case records (a context value or a field a set effect saves): ${p.known}`,
      ),
  },
  ESCALATION_FROM_END: {
    severity: 'error',
    message: (p) =>
      m(
        `升级 “${p.ladder}” 在结束步骤 “${p.step}” 上计时；流程到这里已经结束，不会再升级`,
        `The escalation "${p.ladder}" times the step "${p.step}", which ends the workflow, so it never escalates`,
        '让 starts/watch 指向案件还在处理中的步骤（如受理、转交）。',
        'Point starts/watch at a step where the case is still open (received, transferred, …).',
      ),
  },
  RECORD_DUPLICATE: {
    severity: 'error',
    message: (p) =>
      m(
        `表格 “${p.form}” 已在 records 的第 ${p.first} 项列出`,
        `The form "${p.form}" is already listed as entry ${p.first} of records`,
        '每份记录只列一次：把两项合并为一项（保存期限只能有一个）。',
        'List each record once: merge the two entries (a record has one retention).',
      ),
  },
  RETENTION_UNIT: {
    severity: 'error',
    message: (p) =>
      m(
        `保存期限 ${p.value} 以${p.unitZh}计，记录几乎立即就可销毁`,
        `The retention ${p.value} is in ${p.unit}, so the record could be destroyed almost at once`,
        '保存期限以天或更长为单位：d 天、w 周、mo 月、y 年，如 30d、3y。注意 m 是分钟，月份写 mo（如 6mo）。',
        'Retention is in days or longer: d, w, mo, y — e.g. 30d, 3y. Note that m means minutes; months are mo (6mo).',
      ),
  },
  CHAPTER_DUPLICATE: {
    severity: 'error',
    message: (p) =>
      m(
        `章节 “${p.id}” 已在 chapters 的第 ${p.first} 项列出`,
        `The chapter "${p.id}" is already listed as entry ${p.first} of chapters`,
        '每个规程在手册中只收录一次：删除重复的一项。',
        'A manual includes each SOP once: remove the repeat.',
      ),
  },
  REVIEW_PERIODS: {
    severity: 'error',
    message: (p) =>
      m(
        `半年调整周期 ${p.semiannual} 不短于年度复审周期 ${p.annual}`,
        `The semi-annual period ${p.semiannual} is not shorter than the annual one (${p.annual})`,
        '半年调整应比年度复审更频繁，如 annual: 1y、semiannual: 6mo。',
        'The semi-annual review comes more often than the annual one, e.g. annual: 1y, semiannual: 6mo.',
      ),
  },
  CHECKLIST_TOO_LONG: {
    severity: 'error',
    message: (p) =>
      m(
        `清单 “${p.checklist}” 有 ${p.items} 项，表格 “${p.form}” 在 ${p.sizeZh}上一班（两页以内）最多只能印 ${p.capacity} 项（从这一项起印不下；手写最低要求：行高 7 mm、勾选框 3.5 mm）`,
        `The checklist "${p.checklist}" has ${p.items} items, but one shift of the form "${p.form}" (two pages at most) has room for ${p.capacity} on ${p.sizeEn} (this item is the first that does not fit; handwriting minimums: rows 7 mm, check boxes 3.5 mm)`,
        '减少清单项；或为清单腾出位置：减少该表格的 rows（每页行数）、表头字段或签名栏。',
        'Shorten the checklist, or make room for it: fewer rows, header fields or signatures on the form.',
      ),
  },
  FORM_TOO_FULL: {
    severity: 'error',
    message: (p) =>
      m(
        `表格 “${p.form}” 在 ${p.sizeZh}上两页也印不下（手写最低要求：行高 7 mm、勾选框 3.5 mm、标签 9 pt、签名线 40 mm）`,
        `The form "${p.form}" does not fit on two pages of ${p.sizeEn} (handwriting minimums: rows 7 mm, check boxes 3.5 mm, labels 9 pt, signature lines 40 mm)`,
        '减少 rows（每页行数）、栏目、表头字段或签名栏。',
        'Use fewer rows, columns, header fields or signatures.',
      ),
  },
  REGISTER_TOO_WIDE: {
    severity: 'error',
    message: (p) =>
      m(
        `表格 “${p.form}” 的 ${p.columns} 个栏目按最小宽度共需约 ${p.need} mm，在 ${p.sizeZh}上横放、分两页也排不下（一页最宽 ${p.have} mm）`,
        `The ${p.columns} columns of the form "${p.form}" need about ${p.need} mm at their minimum widths; on ${p.sizeEn} they fit neither landscape nor split over a two-page spread (a page is at most ${p.have} mm wide)`,
        '减少栏目，或把几个栏目合并为一个；每栏至少要放得下它的内容（如电话 11 位数字）和两行标题。',
        'Use fewer columns, or merge some; each column must hold what its type holds (a phone number: 11 digits) and its heading on two lines.',
      ),
  },
  // ── time rules: deadlines, ladders' clocks, recurring plans (src/validate/rules/deadlines.ts) ──────
  DEADLINE_DUPLICATE: {
    severity: 'error',
    message: (p) =>
      m(
        `${p.kindZh}编号 “${p.id}” 重复`,
        `The ${p.kind} id "${p.id}" is used twice`,
        '每项用不同的编号：快照、差异比较和机器都按编号区分它们。',
        'Give each one its own id: snapshots, diffs and the machine tell them apart by it.',
      ),
  },
  DEADLINE_LIMIT: {
    severity: 'error',
    message: (p) =>
      m(
        `时限 “${p.id}” ${p.countZh}：within、at、by 须写且只写一个`,
        `The deadline "${p.id}" ${p.count}: write exactly one of within, at and by`,
        '如 within: 2h（时长）、at: "18:00"（当天时刻）或 by: { day: 25 }（每月某日）。',
        'For example within: 2h (a duration), at: "18:00" (a time of day) or by: { day: 25 } (a day of the month).',
      ),
  },
  EVENT_UNDECLARED: {
    severity: 'error',
    message: (p) =>
      m(
        `没有步骤接受事件 “${p.event}”，这个时钟永远不会${p.whatZh}`,
        `No step accepts the event "${p.event}", so this clock never ${p.what}`,
        `改用某个步骤 on 下的事件：${p.known}`,
        `Use an event a step declares under on: ${p.known}`,
      ),
  },
  FIELD_UNRECORDED: {
    severity: 'error',
    message: (p) =>
      m(
        `案件中没有记录 “${p.field}”：没有事件用 set 记录它`,
        `The case never records "${p.field}": no event sets it`,
        `改用记录的字段（${p.known}），或在某个事件的 effects 中写 { set: [${p.field}] }。`,
        `Use a recorded field (${p.known}), or add { set: [${p.field}] } to an event's effects.`,
      ),
  },
  DEADLINE_CHOICE_NOT_CHOICE: {
    severity: 'error',
    message: (p) =>
      m(
        `“${p.field}” 不是选项类字段，不能按它选择时限`,
        `"${p.field}" is not a choice field, so it cannot choose the limit`,
        '按 type: enum 且写了 options 的字段选择，如紧急程度。',
        'Choose by a field with type: enum and options, such as the priority.',
      ),
  },
  DEADLINE_CHOICE_UNCOVERED: {
    severity: 'error',
    message: (p) =>
      m(
        `“${p.field}” 的选项 ${p.missing} 没有时限`,
        `The option(s) ${p.missing} of "${p.field}" have no limit`,
        `为每个选项写时限，或写 else: 给出其余选项的时限。`,
        'Give every option a limit, or write else: for the others.',
      ),
  },
  DEADLINE_CHOICE_UNKNOWN: {
    severity: 'error',
    message: (p) =>
      m(
        `“${p.field}” 没有 “${p.value}” 这个选项，这个时限永远用不上`,
        `"${p.field}" has no option "${p.value}", so this limit is never used`,
        `改用该字段的选项：${p.options}`,
        `Use one of the field's options: ${p.options}`,
      ),
  },
  DEADLINE_UNIT: {
    severity: 'error',
    message: (p) =>
      m(
        `basis: ${p.basis} 的时限不能写 ${p.duration}：${p.whyZh}`,
        `A limit on basis: ${p.basis} cannot be ${p.duration}: ${p.why}`,
        p.basis === 'working'
          ? '按工作日写天数或周数（如 2d、1w）；按上班时间计小时或分钟请写 basis: working-hours。'
          : '按上班时间写小时或分钟（如 4h、30m）；按工作日计天数请写 basis: working。',
        p.basis === 'working'
          ? 'Write working days or weeks (2d, 1w); for hours or minutes of working time use basis: working-hours.'
          : 'Write hours or minutes of working time (4h, 30m); for working days use basis: working.',
      ),
  },
  DEADLINE_BEFORE: {
    severity: 'error',
    message: (p) =>
      m(
        `before: ${p.duration} ${p.whyZh}`,
        `before: ${p.duration} ${p.why}`,
        '写分钟、小时、天或周（如 24h、2d），并按自然时间计（basis: calendar 或不写 basis）。',
        'Write minutes, hours, days or weeks (24h, 2d), on calendar time (basis: calendar, or no basis).',
      ),
  },
  WORKING_HOURS_MISSING: {
    severity: 'error',
    message: () =>
      m(
        'basis: working-hours 需要上班时段，但 site 中没有 working-hours',
        'basis: working-hours needs working hours, but site has no working-hours',
        '在 site 中写 working-hours: ["08:30-12:00", "13:30-17:30"]。',
        'Add working-hours: ["08:30-12:00", "13:30-17:30"] to site.',
      ),
  },
  WORKING_HOURS_INVALID: {
    severity: 'error',
    message: (p) =>
      m(
        `上班时段 “${p.text}” ${p.whyZh}`,
        `The working hours "${p.text}" ${p.why}`,
        '每段的结束晚于开始，各段按先后顺序且不重叠，如 ["08:30-12:00", "13:30-17:30"]。',
        'Each span ends after it starts, and spans are in order without overlap, e.g. ["08:30-12:00", "13:30-17:30"].',
      ),
  },
  DEADLINE_IN_END: {
    severity: 'error',
    message: (p) =>
      m(
        `时限 “${p.id}” 在结束步骤 “${p.step}” 上计时；流程到这里已经结束，它永远不会超时`,
        `The deadline "${p.id}" is timed in the step "${p.step}", which ends the workflow, so it never breaches`,
        '让 from/while 指向案件还在处理中的步骤。',
        'Point from/while at steps where the case is still open.',
      ),
  },
  DEADLINE_SPAN_MISSING: {
    severity: 'error',
    message: (p) =>
      m(
        `时限 “${p.id}” 没有写 while：从${p.fromZh}起算时，须写明在哪些步骤中计时`,
        `The deadline "${p.id}" has no while: when the clock starts at ${p.from}, say in which steps it is live`,
        '如 while: [dispatched, travelling]。',
        'For example while: [dispatched, travelling].',
      ),
  },
  DEADLINE_REENTRY_FIXED: {
    severity: 'error',
    message: (p) =>
      m(
        `时限 “${p.id}” 是固定的时刻（${p.limit}），不能暂停后继续（reentry: continue）`,
        `The deadline "${p.id}" is a fixed instant (${p.limit}); it cannot pause and continue (reentry: continue)`,
        '改用 reentry: restart（重新起算）或 keep（始终按第一次起算）。',
        'Use reentry: restart (start again) or keep (from the first start).',
      ),
  },
  DEADLINE_BASIS_UNUSED: {
    severity: 'warning',
    message: (p) =>
      m(
        `时限 “${p.id}” 按周期计划的期限到期，basis: ${p.basis} 不起作用`,
        `The deadline "${p.id}" is due when its plan's occurrence is; basis: ${p.basis} changes nothing`,
        '删去这里的 basis；要按工作日计完成期限，在该周期计划上写 basis。',
        'Remove basis here; to count the due day on working days, write basis on the recurring plan.',
      ),
  },
  LADDER_KEYS_CONFLICT: {
    severity: 'error',
    message: (p) =>
      m(
        `升级 “${p.ladder}” ${p.whatZh}`,
        `The escalation "${p.ladder}" ${p.what}`,
        `${p.hintZh}`,
        `${p.hint}`,
      ),
  },
  RECURRING_UNIT: {
    severity: 'error',
    message: (p) =>
      m(
        `周期计划 “${p.id}” 的间隔不能写 ${p.duration}：月和年的长度不固定`,
        `The recurring plan "${p.id}" cannot repeat every ${p.duration}: months and years differ in length`,
        '每月写 every: monthly（整月）、{ monthly: 5 } 或 { monthly: last-working-day }；每年某几个月写 every: { months: [5, 11] }。',
        'For a monthly plan write every: monthly (the whole month), { monthly: 5 } or { monthly: last-working-day }; for given months of the year, every: { months: [5, 11] }.',
      ),
  },
  RECURRING_STARTING_MISSING: {
    severity: 'error',
    message: (p) =>
      m(
        `周期计划 “${p.id}” 每 ${p.duration} 一次，但没有写从几点开始`,
        `The recurring plan "${p.id}" repeats every ${p.duration} but does not say from what time`,
        '写第一次的时刻，如 starting: "00:00"（从生效日起，每隔这么久一次）。',
        'State the time of the first occurrence, e.g. starting: "00:00" (counted from the effective date).',
      ),
  },
  RECURRING_STARTING_WHOLE_MONTH: {
    severity: 'error',
    message: (p) =>
      m(
        `周期计划 “${p.id}” 以整月为期，starting: ${p.time} 没有可落在的日期`,
        `The recurring plan "${p.id}" spans a whole month; starting: ${p.time} has no day to fall on`,
        '删去 starting；或写明日期，如 every: { months: [5, 11], day: 10 } 或 { monthly: 10 }，再写时刻。',
        'Remove starting, or name the day, e.g. every: { months: [5, 11], day: 10 } or { monthly: 10 }, then the time.',
      ),
  },
  RECURRING_LATE_WITHOUT_TIME: {
    severity: 'error',
    message: (p) =>
      m(
        `周期计划 “${p.id}” 没有计划时刻，late-after: ${p.duration} 无从起算`,
        `The recurring plan "${p.id}" has no planned time, so late-after: ${p.duration} has nothing to count from`,
        '写明每次的时刻 starting: "09:00"；或删去 late-after，用 by: { day: 25 } 写完成期限。',
        'State the time of each occurrence with starting: "09:00", or remove late-after and give a due day with by: { day: 25 }.',
      ),
  },
  RECURRING_BY_NOT_MONTH: {
    severity: 'error',
    message: (p) =>
      m(
        `周期计划 “${p.id}” 的 by 只用于整月为期的计划，这个计划${p.whatZh}`,
        `by applies to a plan that spans a whole month; the recurring plan "${p.id}" ${p.what}`,
        '写成 every: monthly 或 every: { months: [5, 11] }（不写 day 和 starting）；否则删去 by。',
        'Write every: monthly or every: { months: [5, 11] } (no day, no starting), or remove by.',
      ),
  },
  DEADLINE_OCCURRENCE_PLAN: {
    severity: 'error',
    message: (p) =>
      m(
        `within: { occurrence: ${p.plan} } ${p.whyZh}`,
        `within: { occurrence: ${p.plan} } ${p.why}`,
        `写 recurring 中以整天或整月为期、或写了 by 的计划编号（${p.known}）。`,
        `Name a recurring plan that spans a day or a month, or states by (${p.known}).`,
      ),
  },
  // ── cases kept in PostgreSQL (src/adapter/postgres.ts) ─────────────────
  CASE_NOT_FOUND: {
    severity: 'error',
    message: (p) =>
      m(
        `没有编号为 ${p.case} 的案件`,
        `No case with the id ${p.case}`,
        '先用 open() 建立案件，或检查案件编号。',
        'Open the case with open() first, or check its id.',
      ),
  },
  CASE_EXISTS: {
    severity: 'error',
    message: (p) =>
      m(
        `编号为 ${p.case} 的案件已经存在`,
        `A case with the id ${p.case} already exists`,
        '每个案件用一个新的编号；要继续已有案件，用 send()。',
        'Give every case a new id; to go on with an existing case, use send().',
      ),
  },
  CASE_MACHINE_UNKNOWN: {
    severity: 'error',
    message: (p) =>
      m(
        `没有登记规程 ${p.sop} ${p.version} 版的状态机`,
        `No machine is registered for the SOP ${p.sop} version ${p.version}`,
        `登记的有：${p.known}。把该版本生成的 machine.js 加入 machines；已开的案件继续用它们开案时的版本。`,
        `Registered: ${p.known}. Add the machine.js built for that version to machines; open cases keep the version they were opened with.`,
      ),
  },
  CASE_FINISHED: {
    severity: 'error',
    message: (p) =>
      m(
        `案件 ${p.case} 已经结束（${p.state}），不再接受 ${p.event}`,
        `The case ${p.case} has finished (${p.state}) and accepts no ${p.event}`,
        '结束的案件不能再发送事件；需要时开一个新案件。',
        'A finished case takes no more events; open a new case if needed.',
      ),
  },
  CASE_SNAPSHOT_FAILED: {
    severity: 'error',
    message: (p) =>
      m(
        `案件 ${p.case} 的快照无法在规程 ${p.sop} ${p.version} 版的状态机中恢复：${p.reason}`,
        `The snapshot of the case ${p.case} cannot be restored into the machine of ${p.sop} version ${p.version}: ${p.reason}`,
        '快照与登记的状态机不符（步骤被改名或删除，或快照损坏）；案件保持原样，未作改动。',
        'The snapshot does not fit the registered machine (a step renamed or removed, or a damaged snapshot); the case is left as it was.',
      ),
  },
  CASE_MACHINE_ERROR: {
    severity: 'error',
    message: (p) =>
      m(
        `规程 ${p.sop} ${p.version} 版的状态机处理案件 ${p.case} 时出错：${p.reason}`,
        `The machine of ${p.sop} version ${p.version} failed on the case ${p.case}: ${p.reason}`,
        '案件保持原样，未作改动；检查登记的 machine.js 是否为该版本生成、是否被 provide() 改动。',
        'The case is left as it was; check that the registered machine.js was built for that version and what provide() replaced.',
      ),
  },
} satisfies Record<string, Entry>;

export type Code = keyof typeof catalog;

/**
 * Codes about a file that was deliberately not read (a link leading elsewhere): printing a code frame
 * would read it after all, so these are shown without one.
 */
export const NO_CODE_FRAME: ReadonlySet<string> = new Set<Code>([
  'SOP_LINK_OUTSIDE',
  'SOP_LINK_BROKEN',
  'TEMPLATE_OUTSIDE',
  'TEMPLATE_NOT_FILE',
  'STAFF_NOT_FILE',
]);
