// Specs import the sources piecemeal (lib/codex.js, lib/index), whose Codex carries no host
// platform (a client gets Node's from codex-rx's Node entry, lib/node/index.ts). What a Node user
// has and those specs rely on is that validation is synchronous from the first call: the
// validators are marked loaded here, for every spec file.
import { EAGER_VALIDATORS } from '../../lib/validation/eager-validators';
import { provideValidators } from '../../lib/validation/lazy-validators';

provideValidators(EAGER_VALIDATORS);
