/**
 * ajv logs through `console` when a schema trips strict mode (unknown formats, union types, …).
 * The generated schema must compile cleanly — every method, every notification, every server
 * request — and user output schemas must never make it talk either.
 */
describe('validation makes no console noise', () => {
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  let spies: jest.SpyInstance[];

  beforeEach(() => {
    spies = methods.map((m) => jest.spyOn(console, m).mockImplementation(() => undefined));
  });
  afterEach(() => spies.forEach((s) => s.mockRestore()));

  it('compiling and running every validator logs nothing', () => {
    jest.isolateModules(() => {
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { validateParams } = require('../../lib/validation/params-validator.js') as typeof import('../../lib/validation/params-validator.js');
      const { validateInbound } = require('../../lib/validation/inbound-validator.js') as typeof import('../../lib/validation/inbound-validator.js');
      const { validateOutput } = require('../../lib/validation/output-validator.js') as typeof import('../../lib/validation/output-validator.js');
      const { NOTIFICATION_METHODS, SERVER_REQUEST_METHODS } = require('../support/protocol-methods') as typeof import('../support/protocol-methods');
      const { CLIENT_PARAMS_DEFINITIONS } = require('../../lib/protocol/validation-tables.generated.js') as typeof import('../../lib/protocol/validation-tables.generated.js');

      for (const method of Object.keys(CLIENT_PARAMS_DEFINITIONS)) {
        validateParams(method, {});
        validateParams(method, { type: 'x', limit: -1, threadId: 1 });
      }
      for (const method of NOTIFICATION_METHODS) validateInbound('notification', method, { threadId: 1 });
      for (const method of SERVER_REQUEST_METHODS) validateInbound('request', method, {});
      validateParams('no/such', {});
      validateOutput({ type: 'object', properties: { a: { type: 'string', format: 'unknown-format', 'x-vendor': 1 } }, nonsense: true }, { a: 1 });
      validateOutput({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'string', format: 'date' }, '2024-13-01');
    });
    for (const s of spies) expect(s).not.toHaveBeenCalled();
  }, 60_000);
});
