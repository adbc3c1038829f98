// Loads js-shim/shim.js the way the drop-in script does (as plain script text) into a fresh
// context (with `performance` and `TextEncoder`, as browsers and node have them, and `globals`),
// and returns its top-level functions.
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

export const shimPath = new URL('../shim.js', import.meta.url);

export function loadShim(globals = {}) {
  const context = vm.createContext({ performance, TextEncoder, ...globals });
  const source = readFileSync(shimPath, 'utf8');
  vm.runInContext(
    `${source}\n;globalThis.__shim = { Deferred, createWellClient, wellClientAdapter, wellClientHooks, wellClientSurface };`,
    context,
    { filename: 'shim.js' }
  );
  return context.__shim;
}
