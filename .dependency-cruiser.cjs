/**
 * The layers of the code, bottom first: a module may import its own layer and the layers below,
 * never one above. Written once here; `test/lint/layers.test.ts` runs it in `npm test`.
 */
const LAYERS = [
  'dialogs/contract',
  'dialogs',
  'src/logging',
  'src/i18n',
  'src/config',
  'src/metrics',
  'src/keys',
  'src/state',
  'src/identity',
  'src/certificates/npki',
  'src/device',
  'src/certificates',
  'src/handoff',
  'src/bot',
  'src/server',
  'src/secure',
  'src/directLine',
  'src/agentDesk',
  'src/webChat',
  'src/chat',
  'src/records',
  'src/stores.ts',
  'src/sandbox',
  'src/app.ts',
  'src/index.ts',
];

/** A path pattern for a layer: the folder (or file) itself, but not a deeper layer listed on its own. */
const pattern = (layer) => `^${layer.replace(/\./g, '\\.')}(?:/|$)`;
const deeper = (layer) => LAYERS.filter((other) => other !== layer && other.startsWith(`${layer}/`));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules that import each other in a circle cannot be understood (or tested) one at a time.',
      from: {},
      to: { circular: true },
    },
    ...LAYERS.slice(0, -1).map((layer, index) => ({
      name: `layer-${layer}`,
      severity: 'error',
      comment: `${layer} imports only its own layer and those below it.`,
      from: { path: pattern(layer), pathNot: deeper(layer).map(pattern) },
      // A file belongs to its most specific layer: src/certificates/npki/x.ts is npki's, not src/certificates'.
      to: { path: LAYERS.slice(index + 1).map(pattern), pathNot: LAYERS.slice(0, index + 1).map(pattern) },
    })),
    {
      name: 'npki-stands-alone',
      severity: 'error',
      comment: "src/certificates/npki runs in the customer's browser too: it imports nothing of the app but the shared contract.",
      from: { path: pattern('src/certificates/npki') },
      to: { path: '^(src|dialogs)/', pathNot: [pattern('src/certificates/npki'), pattern('dialogs/contract')] },
    },
    {
      name: 'device-stands-alone',
      severity: 'error',
      comment: "src/device is the customer's device (browser, terminal): it imports nothing of the app but npki and the shared contract.",
      from: { path: pattern('src/device') },
      to: { path: '^(src|dialogs)/', pathNot: [pattern('src/device'), pattern('src/certificates/npki'), pattern('dialogs/contract')] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|test|bench)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: require('node:path').join(__dirname, 'tsconfig.json') },
    moduleSystems: ['cjs', 'es6'],
  },
};
