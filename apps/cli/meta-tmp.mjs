import { build } from 'esbuild';
const r = await build({ absWorkingDir: process.cwd(), entryPoints: { dispatch: 'src/main.ts' }, outdir: '/tmp/pf/dist', bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node20', conditions: ['@dispatch/source'], metafile: true, define: { __DISPATCH_VERSION__: '"x"' }, logLevel: 'error', write: false });
const inputs = r.metafile.inputs;
const start = process.argv[2]; const targets = process.argv.slice(3);
const prev = new Map([[start, null]]); const q = [start];
while (q.length) { const f = q.shift(); for (const i of inputs[f]?.imports ?? []) { if (i.kind !== 'import-statement' || prev.has(i.path)) continue; prev.set(i.path, f); q.push(i.path); } }
for (const t of targets) { const hit = [...prev.keys()].find(k => k.includes(t)); if (!hit) { console.log('unreached', t); continue; } const chain = []; for (let k = hit; k; k = prev.get(k)) chain.unshift(k); console.log(chain.join('\n  -> ')); }
