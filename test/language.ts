// The language-leak checks shared by the fuzz test and the CLI language test.

/**
 * The prose of an output, without what may legitimately be in the other language: code frames (the
 * user's YAML), anything in quotes or brackets (values quoted from the YAML: “…”, "…", 《…》), file paths,
 * `key: value` snippets, command lines, and the YAML spelling of a next-day time (次日08:30).
 */
export function prose(out: string): string {
  return out
    .split('\n')
    .filter((l) => !/^[ >]\s*\d*\s*\|/.test(l))
    .join('\n')
    .replace(/“[^”\n]*”|"[^"\n]*"|《[^》\n]*》|'[^'\n]*'/g, ' ')
    .replace(/^\S+?:\d+:\d+ {2}/gm, ' ')
    .replace(/\S*[/\\]\S*|\S+\.ya?ml\b/g, ' ')
    .replace(/次日\d/g, ' ')
    .replace(/\b[\w-]+: [\w\-.:"{}[\], <>…]+/g, ' ')
    .replace(/--[a-z-]+( [a-z]+)?|\bsopforge [a-z]+/g, ' ');
}

/**
 * Three English words in a row outside code: a sentence of the English messages leaking into Chinese
 * output. (Comma-separated ids, such as a list of allowed values, are code, not a sentence.)
 */
export const ENGLISH_RUN = /\b[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}\b/;
export const CJK = /[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]/;
