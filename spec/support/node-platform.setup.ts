// Every spec runs on Node as a user's Node program does: `codex-rx` resolves to its Node entry
// there, which installs the Node platform (`new Codex()` spawns the binary). Specs import the
// sources piecemeal (lib/codex.js, lib/index), so jest installs it for them before each file.
import { installPlatform } from '../../lib/platform';
import { NODE_PLATFORM } from '../../lib/node/platform';

installPlatform(NODE_PLATFORM);
