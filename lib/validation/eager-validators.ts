import { answerServerRequest } from '../approvals/answering.js';
import { outputSchemaIssues, parseStructuredOutput } from '../structured-output.js';
import { validateInbound } from './inbound-validator.js';
import type { Validators } from './lazy-validators.js';
import { checkRequest } from './params-validator.js';

/**
 * Every validator, imported statically: for hosts and kits that want them synchronous from the
 * first call (Node's platform, the testing kit). Importing this puts them in the importer's
 * bundle; the client itself reaches them only through lazy-validators.ts.
 */
export const EAGER_VALIDATORS: Validators = {
  checkRequest,
  validateInbound,
  structuredOutput: { outputSchemaIssues, parseStructuredOutput },
  answerServerRequest,
};
