// The URL of this module, to resolve packages relative to codex-rx itself. The CommonJS build
// replaces this file (scripts/build.mjs), since import.meta does not exist there.
// @ts-ignore TS1343 under CommonJS type-checking; never emitted there.
export const moduleUrl: string = import.meta.url;
