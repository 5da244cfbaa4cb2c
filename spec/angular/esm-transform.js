// Jest transform for ESM-only packages (@angular/core ships only .mjs): esbuild turns each file
// into CommonJS so the injector can be unit-tested in jest without experimental VM modules.
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, { format: 'cjs', target: 'es2022', sourcemap: 'external', sourcefile: filename, loader: 'js' });
    return { code, map };
  },
  getCacheKey(source, filename) {
    return require('node:crypto').createHash('sha1').update('esm-transform-1').update(filename).update(source).digest('hex');
  },
};
