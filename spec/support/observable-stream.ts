// Promoted to the testing kit (codex-rx/testing); kept here so existing specs' imports stay short.
export { DEFAULT_TAKE_TIMEOUT_MS, ObservableStream, type StreamEvent } from '../../lib/testing/observable-stream.js';
