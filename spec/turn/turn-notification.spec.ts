import { isServerRequest } from '../../lib/turn/turn-notification.js';
import { commandApproval, delta, requestResolved, turnCompleted } from '../support/fake-server.js';

describe('isServerRequest', () => {
  it('is true for server requests (they carry an id), including id 0', () => {
    expect(isServerRequest(commandApproval(7))).toBe(true);
    expect(isServerRequest(commandApproval(0))).toBe(true);
    expect(isServerRequest(commandApproval('req-1'))).toBe(true);
  });

  it('is false for notifications', () => {
    expect(isServerRequest(delta('m', 'x'))).toBe(false);
    expect(isServerRequest(turnCompleted())).toBe(false);
    expect(isServerRequest(requestResolved(7))).toBe(false);
  });
});
