// codex-rx/angular: the Codex client as an Angular provider. Every public name is listed here.
export { CODEX, injectCodex, provideCodex, type CodexConfigSource } from './provide-codex.js';
export { turnSignal, type TurnSignal, type TurnSignalOptions } from './turn-signal.js';
