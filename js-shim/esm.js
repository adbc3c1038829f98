// The npm entry point: `createClient()` loads the wasm once and returns a new, independent
// client object with every `wellClient` method.
import initWasm, * as bindings from './well_client.js';
import { createWellClient, Deferred } from './shim.js';

let loading = null;

function load(wasm) {
  if (loading === null) {
    // Without a source, wasm-bindgen's glue fetches `well_client_bg.wasm` next to itself.
    loading = initWasm(wasm === undefined ? undefined : { module_or_path: wasm }).catch((error) => {
      loading = null;
      throw error;
    });
  }
  return loading;
}

/**
 * Creates a client. `options.wasm` may give the module (a `WebAssembly.Module`, bytes, a URL or
 * a `Response`) instead of the package's `.wasm` file; `options.useConfig` names a preset, and
 * every other field is passed to `setConfig` after it.
 */
export async function createClient(options = {}) {
  const { wasm, useConfig, ...config } = options;
  await load(wasm);
  const client = createWellClient(bindings, {});
  if (useConfig !== undefined) {
    client.useConfig(useConfig);
  }
  if (Object.keys(config).length > 0) {
    client.setConfig(config);
  }
  return client;
}

export { Deferred };
export default createClient;
