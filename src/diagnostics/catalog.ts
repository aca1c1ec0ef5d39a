import type { Message, Severity } from './types.js';

type P = Record<string, string | number>;

interface Entry {
  readonly severity: Severity;
  readonly message: (p: P) => Message;
}

const m = (zh: string, en: string, hintZh: string, hintEn: string): Message => ({ zh, en, hintZh, hintEn });

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
        `YAML 语法错误：${p.detail}`,
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
      m(
        `编号 “${p.value}” 格式不对`,
        `The id "${p.value}" is malformed`,
        '编号用小写英文字母开头，只含小写字母、数字和连字符，如 cs-supervisor。',
        'Ids start with a lowercase letter and use lowercase letters, digits and hyphens, e.g. cs-supervisor.',
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
    message: (p) =>
      m(`值不符合要求：${p.detail}`, `Invalid value: ${p.detail}`, `${p.hintZh}`, `${p.hintEn}`),
  },
  TIME_INVALID: {
    severity: 'error',
    message: (p) =>
      m(
        `“${p.value}” 不是有效的时刻`,
        `"${p.value}" is not a valid time of day`,
        '时刻写成 HH:MM（00:00–23:59），如 17:30；跨过午夜的结束时间写 次日08:30。',
        'Write times as HH:MM (00:00–23:59), e.g. 17:30; an end after midnight as 次日08:30.',
      ),
  },
  DURATION_INVALID: {
    severity: 'error',
    message: (p) =>
      m(
        `“${p.value}” 不是有效的时长`,
        `"${p.value}" is not a valid duration`,
        '时长写成正整数加单位：m 分钟、h 小时、d 天、w 周、mo 月、y 年，如 15m、2d、1w、3y。',
        'Write a positive whole number and a unit: m, h, d, w, mo, y — e.g. 15m, 2d, 1w, 3y.',
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
  ROLE_UNDECLARED: {
    severity: 'error',
    message: (p) =>
      m(
        `岗位 “${p.role}” 未在 roles 中声明`,
        `The role "${p.role}" is not declared under roles`,
        `在 roles 中添加 ${p.role}，或改用已声明的岗位：${p.known}`,
        `Declare ${p.role} under roles, or use a declared role: ${p.known}`,
      ),
  },
  STEP_UNDECLARED: {
    severity: 'error',
    message: (p) =>
      m(
        `步骤 “${p.step}” 不存在`,
        `There is no step "${p.step}"`,
        `改用已有的步骤：${p.known}`,
        `Use an existing step: ${p.known}`,
      ),
  },
  CHECKLIST_UNDECLARED: {
    severity: 'error',
    message: (p) =>
      m(
        `清单 “${p.id}” 未在 checklists 中声明`,
        `The checklist "${p.id}" is not declared under checklists`,
        '在 checklists 中添加它，或改正编号。',
        'Declare it under checklists, or correct the id.',
      ),
  },
  FORM_UNDECLARED: {
    severity: 'error',
    message: (p) =>
      m(
        `表格 “${p.id}” 未在 forms 中声明`,
        `The form "${p.id}" is not declared under forms`,
        `在 forms 中添加它，或改用已声明的表格：${p.known}`,
        `Declare it under forms, or use a declared form: ${p.known}`,
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
        '把该规程文件加入本次校验，或在 references 中注明 external: true。',
        'Add that SOP file to the set being validated, or mark the reference external: true.',
      ),
  },
  REFERENCE_UNDECLARED: {
    severity: 'error',
    message: (p) =>
      m(
        `“${p.id}” 未在 references 中声明`,
        `"${p.id}" is not declared under references`,
        `在 references 中添加 ${p.id}（标题、是否 external）。`,
        `Declare ${p.id} under references (title, external or not).`,
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
        '把该规程文件加入本次校验，或从 chapters 中删除。',
        'Add that SOP to the set being validated, or remove it from chapters.',
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
  REVISION_CHAIN_BROKEN: {
    severity: 'error',
    message: (p) =>
      m(
        `修订记录 ${p.version} 的校验值不符：${p.detailZh}`,
        `Revision ${p.version} fails its hash check: ${p.detail}`,
        '修订记录被改动过。恢复原记录，或用 sopforge revise 记录新的修订。',
        'The revision was changed after it was recorded. Restore it, or record a new revision with sopforge revise.',
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
} satisfies Record<string, Entry>;

export type Code = keyof typeof catalog;
