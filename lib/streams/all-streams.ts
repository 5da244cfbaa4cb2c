// Every stream of lib/streams a client builds, in one module: the chunk a browser fetches the
// first time a client uses one of them (lib/streams/lazy-streams.ts), and what a host that has
// no first load to keep small (Node, the testing kit) hands its clients up front.
export { commandExec } from './command-exec.js';
export { processSpawn } from './process-spawn.js';
export { fsWatch } from './fs-watch.js';
export { fuzzyFileSearch } from './fuzzy-file-search.js';
export { threadSearch } from './thread-search.js';
export { reviewStream } from './review.js';
export { mcpServerStatus, rateLimits, remoteControlStatus, threadName, threadStatus, threadTokenUsage } from './live-states.js';
// Following a turn started elsewhere (`thread.attach`) and recording the turns a thread was
// opened with: not needed to run a turn either (lib/turn/lazy-recorders.ts).
export { attachStream, TurnRecorders } from '../turn/attach-stream.js';
// ChatGPT logins (codex.loginChatgpt, loginChatgptDeviceCode): not needed to run a turn either.
export { chatgptLogin, LoginCompletions } from '../login.js';
