/** An environment with no credentials and no way out: any network attempt fails at once (loopback excepted). */
export const OFFLINE: Readonly<Record<string, string | undefined>> = {
  OPENAI_API_KEY: undefined,
  CODEX_API_KEY: undefined,
  CODEX_ACCESS_TOKEN: undefined,
  HTTP_PROXY: 'http://127.0.0.1:9',
  HTTPS_PROXY: 'http://127.0.0.1:9',
  ALL_PROXY: 'http://127.0.0.1:9',
  http_proxy: 'http://127.0.0.1:9',
  https_proxy: 'http://127.0.0.1:9',
  all_proxy: 'http://127.0.0.1:9',
  NO_PROXY: '127.0.0.1,localhost',
  no_proxy: '127.0.0.1,localhost',
};
