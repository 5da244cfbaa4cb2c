import { serverRequestKey } from '../../lib/gateway/session.js';

// The gateway reads each app-server frame as text (stdio lines) or bytes (ws upstream frames).
const forms = (frame: string): Array<string | Buffer> => [frame, Buffer.from(frame)];

describe('serverRequestKey (which server frames a client may answer)', () => {
  it.each([
    ['{"id":0,"method":"item/commandExecution/requestApproval","params":{"threadId":"t"}}', '0'],
    ['{"id":"s-1","method":"item/fileChange/requestApproval","params":{}}', '"s-1"'],
    ['{"method":"item/tool/requestUserInput","id":7,"params":{}}', '7'],
  ])('a request: %s → %s', (frame, key) => {
    for (const data of forms(frame)) expect(serverRequestKey(data)).toBe(key);
  });

  it.each([
    '{"method":"item/agentMessage/delta","params":{"turnId":"t","id":3}}', // a notification, ids inside params
    '{"id":9,"result":{"method":"x"}}', // an answer to the client
    '{"id":9,"result":{"text":"' + 'x'.repeat(300) + '","method":"late"}}', // "method" far past the head
    '{"id":null,"method":"x"}', // no usable id
    '{"id":1,"method":"x"', // not JSON
    ' {"id":1,"method":"x"}', // not the app-server's layout: never parsed
  ])('not a request: %s', (frame) => {
    for (const data of forms(frame)) expect(serverRequestKey(data)).toBeUndefined();
  });
});
