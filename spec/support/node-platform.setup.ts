// Specs import the sources piecemeal (lib/codex.js, lib/index), whose Codex carries no host
// platform (a client gets Node's from codex-rx's Node entry, lib/node/index.ts). What a Node user
// has and those specs rely on is that validation and the streams are synchronous from the first
// call: their chunks are loaded before each spec file's tests, as a page has them after its first
// use. This sets no state of the client; it only fills the module cache of those chunks.
import { loadStreams } from '../../lib/streams/lazy-streams';
import { loadValidators } from '../../lib/validation/lazy-validators';

beforeAll(() => Promise.all([loadValidators(), loadStreams()]));
