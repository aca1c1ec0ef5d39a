// Bundles the `yaml` package into one CommonJS file (dist/vendor/yaml.cjs) that src/deps/yaml.ts loads.
// yaml's own build is some eighty files; Node loads them one by one (resolving, reading and compiling each)
// about 13 ms slower than the same code in one file, at the start of every command. The bundle is
// rebuilt with every build from the installed yaml, so it is always that version. The bundle only saves
// time: if it cannot be made (esbuild has no binary for this platform, say), the build goes on without
// it and sopforge loads the yaml package itself.
//
// The bundle also drops yaml's debugging switches LOG_TOKENS and LOG_STREAM: yaml reads
// `process.env.LOG_TOKENS` once for every token it parses, and a read of `process.env` is a call into
// Node's C++ side, about a quarter of the parser's time on a SOP file. Nothing else changes: without those
// variables set, yaml behaves exactly as with them unset.
import { readFileSync, rmSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const outfile = new URL('dist/vendor/yaml.cjs', root).pathname;
let build;
try {
  ({ build } = await import('esbuild'));
} catch (err) {
  skip(err);
}
const { version, license } = JSON.parse(
  readFileSync(new URL('node_modules/yaml/package.json', root), 'utf8'),
);
const licenseText = readFileSync(new URL('node_modules/yaml/LICENSE', root), 'utf8')
  .trim()
  .replaceAll('*/', '* /');
await build({
  stdin: { contents: "module.exports = require('yaml');", resolveDir: root.pathname, loader: 'js' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile,
  banner: {
    js: `/*! yaml ${version} (https://eemeli.org/yaml/), bundled into one file by sopforge's build. ${license}:\n\n${licenseText}\n*/`,
  },
  footer: { js: `module.exports.bundledVersion = ${JSON.stringify(version)};` },
  legalComments: 'inline',
  logLevel: 'silent',
  plugins: [withoutDebugSwitches()],
}).catch(skip);

function withoutDebugSwitches() {
  const switches = /\bnode_process\.env\.(LOG_TOKENS|LOG_STREAM)\b/g;
  return {
    name: 'yaml-without-debug-switches',
    setup(b) {
      b.onLoad({ filter: /[\\/]yaml[\\/]dist[\\/](parse[\\/]parser|compose[\\/]composer)\.js$/ }, (args) => ({
        contents: readFileSync(args.path, 'utf8').replace(switches, 'false'),
        loader: 'js',
      }));
    },
  };
}

function skip(err) {
  rmSync(outfile, { force: true });
  console.warn(
    `bundle-yaml: yaml is not bundled (${String(err?.message ?? err).split('\n')[0]}); sopforge loads the yaml package instead`,
  );
  process.exit(0);
}
