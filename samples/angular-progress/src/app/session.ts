import { Injectable, signal } from '@angular/core';
import { AuthenticationError } from 'codex-rx';
import { errorText } from './error-text';

/**
 * Whether the gateway refused this page's token (it closed with 4401/4403: AuthenticationError,
 * which codex-rx does not retry). The banner shows it once; the places where a call failed do not.
 */
@Injectable({ providedIn: 'root' })
export class Session {
  readonly signedOut = signal<string | null>(null);

  /** The line to show where `error` happened, or null when it is the sign-out (the banner says it). */
  failed(error: unknown): string | null {
    if (!AuthenticationError.is(error)) return errorText(error);
    this.signedOut.set(errorText(error));
    return null;
  }
}
