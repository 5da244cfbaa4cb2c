// Protocol-valid payloads, every one checked against the pinned JSON Schema by spec/testing.
export * from './threads.js';
export * from './account.js';
export * from './items.js';
export * from './notifications.js';
