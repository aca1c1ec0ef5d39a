// `npm run bench`: runs every benchmark in bench/ (each bench/*.mjs other than this file), one after another.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
let failed = false;
for (const name of readdirSync(dir)
  .filter((n) => n.endsWith('.mjs') && n !== 'run.mjs')
  .sort()) {
  console.log(`\n== bench/${name}`);
  const r = spawnSync(process.execPath, [`${dir}${name}`, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
