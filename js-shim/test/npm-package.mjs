// The built npm package works as an ES module: `node js-shim/test/npm-package.mjs dist/npm`.
// Two clients from one load share nothing; commands return Deferreds that settle.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = resolve(process.argv[2] ?? 'dist/npm');
const pkg = await import(pathToFileURL(`${dir}/index.js`).href);
const wasm = readFileSync(`${dir}/well_client_bg.wasm`);

assert.equal(pkg.default, pkg.createClient);
const a = await pkg.createClient({ wasm, useConfig: 'LOCAL', autoAnswer: true });
const b = await pkg.createClient({ wasm });
assert.equal(a.getConfig().ENV_NAME, 'LOCAL');
assert.equal(a.getConfig().autoAnswer, true);
assert.equal(b.getConfig().ENV_NAME, 'CMB-PRO', 'clients share no configuration');
assert.equal(a.getVersion(), JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')).version);

const call = a.makeCall('8002');
assert.equal(call.state(), 'rejected');
await assert.rejects(async () => call, (e) => e.reason === 'not-logged-in' && e.status === 0);

const d = pkg.Deferred();
d.resolve(42);
assert.equal(await d.promise(), 42);
console.log(`npm package in ${dir}: createClient, two independent clients, Deferreds: ok`);
