import { build } from 'esbuild';

/**
 * A test page's script bundled for the browser as the pages are (esbuild, no polyfill), and
 * checked to hold only what `allowed` lets in besides node-forge and fflate: a Node built-in or
 * any other module creeping in fails here, naming it. node-forge's own `require('crypto')` is
 * disabled by its package.json's browser field, so it is an empty module, not a shim.
 */
export async function browserBundle(entry: string, allowed: (input: string) => boolean): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  }).catch((error: { errors?: { text: string }[] }) => {
    throw new Error(`the browser bundle did not build: ${(error.errors ?? []).map((e) => e.text).join('; ')}`);
  });
  expect(result.warnings).toEqual([]);
  const unexpected = Object.keys(result.metafile.inputs).filter(
    (input) =>
      !allowed(input) &&
      !input.startsWith('node_modules/node-forge/lib/') &&
      !input.startsWith('node_modules/fflate/') &&
      input !== '(disabled):crypto',
  );
  expect(unexpected).toEqual([]);
  const bundle = result.outputFiles[0]?.text ?? '';
  expect(bundle).not.toMatch(/\brequire\(/);
  return bundle;
}
