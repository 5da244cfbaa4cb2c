import { provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { provideCodex } from 'codex-rx/angular';
import { App } from './app/app';

/** The gateway is mounted by the page's own server, at /codex. */
function gatewayUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/codex`;
}

/** The token the server put into the page (a real app would take it from its session). */
function pageToken(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="codex-rx-token"]')?.content ?? '';
}

bootstrapApplication(App, {
  providers: [
    provideZonelessChangeDetection(),
    // reconnect: a dropped connection (the server restarts, the network blips) reopens by itself,
    // resumes the open thread and re-attaches its running turn; a refused token does not retry.
    provideCodex(() => ({ url: gatewayUrl(), token: pageToken(), reconnect: true })),
  ],
}).catch((e: unknown) => {
  document.body.textContent = `The app did not start: ${e instanceof Error ? e.message : String(e)}`;
});
