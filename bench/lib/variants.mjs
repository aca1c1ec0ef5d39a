// Generates a large SOP set from the bundled procedures, as a property group with many sites would have:
// the bundled procedures themselves plus per-site copies whose id (and title) name the site.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The bundled procedure SOPs (manuals left out: a manual takes every procedure of its set as a chapter). */
export async function bundledProcedures() {
  const dir = join(ROOT, 'sops');
  const out = [];
  for (const name of (await readdir(dir)).sort()) {
    if (!name.endsWith('.yaml')) continue;
    const text = await readFile(join(dir, name), 'utf8');
    if (/^kind:\s*manual\s*$/m.test(text)) continue;
    const id = /^id:\s*(\S+)\s*$/m.exec(text)?.[1];
    if (id) out.push({ id, text });
  }
  return out;
}

/** The text of site `site`'s copy of a bundled SOP: a new id and a title naming the site. */
export function variantText(base, site) {
  const id = `${base.id}-site-${String(site).padStart(3, '0')}`;
  const text = base.text
    .replace(/^id:\s*\S+\s*$/m, `id: ${id}`)
    .replace(/^title:\s*(.+)$/m, (_, title) => `title: ${title}（${site} 号园区）`);
  return { id, text };
}

/**
 * Writes `count` SOP files into `dir` (created): the bundled procedures first (unless `withBases` is false),
 * then site variants. Returns the ids written, in order.
 */
export async function writeVariants(dir, count, { withBases = true } = {}) {
  const bases = await bundledProcedures();
  await mkdir(dir, { recursive: true });
  const ids = [];
  const first = withBases ? 0 : bases.length;
  for (let i = first; i < first + count; i++) {
    const base = bases[i % bases.length];
    const v =
      i < bases.length ? { id: base.id, text: base.text } : variantText(base, Math.floor(i / bases.length));
    await writeFile(join(dir, `${v.id}.yaml`), v.text);
    ids.push(v.id);
  }
  return ids;
}
