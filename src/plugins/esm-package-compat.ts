/**
 * package.json sets "type": "module" (the harness is ESM), which trips two
 * assumptions Docusaurus makes about the files it generates:
 *
 * - The bundler parses every .js file as strict ESM, including the route
 *   registry in .docusaurus/. The registry calls require.resolveWeak(), which
 *   is only rewritten in "auto" modules; left as is, the server-side render
 *   fails with "require.resolveWeak is not a function".
 * - The server bundle is CommonJS and loads its split chunks with require().
 *   Node reads a .js file under a "type": "module" package as ESM, so each
 *   page would render "exports is not defined". Naming the chunks .cjs fixes it.
 */
import type {Plugin} from '@docusaurus/types';

export default function esmPackageCompatPlugin(): Plugin {
  return {
    name: 'esm-package-compat',
    configureWebpack(_config, isServer) {
      return {
        module: {
          rules: [{test: /[\\/]\.docusaurus[\\/].*\.js$/, type: 'javascript/auto'}],
        },
        ...(isServer ? {output: {chunkFilename: '[name].[contenthash:8].cjs'}} : {}),
      };
    },
  };
}
