// jest (CommonJS) stand-in for lib/transport/stdio-module-url.ts.
exports.moduleUrl = require('node:url').pathToFileURL(require('node:path').join(__dirname, '..', '..', 'lib', 'transport', 'stdio-module-url.ts')).href;
