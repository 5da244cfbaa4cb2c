import { applyPatch, functionCall, message, shellCommand, type ScriptedStep } from '../../../lib/testing/model/steps.js';

// The builders return plain data: exactly the fields given (no `undefined` keys), so steps compare
// with toStrictEqual, survive JSON and can be written by hand instead.
describe('step builders', () => {
  it('builds steps as plain data', () => {
    expect(message('hi', { chunks: 2, delayMsBetweenEvents: 5 })).toEqual({
      delayMsBetweenEvents: 5,
      output: [{ type: 'message', text: 'hi', chunks: 2 }],
    });
    expect(shellCommand('pwd')).toEqual({
      output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'pwd' } }],
    });
  });

  describe('message', () => {
    it('is one message item, with no keys for options not given', () => {
      expect(message('hello')).toStrictEqual({ output: [{ type: 'message', text: 'hello' }] });
    });

    it('puts the item fields on the item and the step fields on the step', () => {
      const step = message('hello', {
        chunks: ['hel', 'lo'],
        phase: 'final_answer',
        id: 'msg_x',
        usage: { inputTokens: 3 },
        delayMsBetweenEvents: 1,
        fail: { message: 'boom' },
        hang: true,
        httpError: { status: 500 },
      });
      expect(step).toStrictEqual({
        usage: { inputTokens: 3 },
        delayMsBetweenEvents: 1,
        fail: { message: 'boom' },
        hang: true,
        httpError: { status: 500 },
        output: [{ type: 'message', text: 'hello', chunks: ['hel', 'lo'], phase: 'final_answer', id: 'msg_x' }],
      });
    });

    it('keeps an empty text and a zero chunk count (only undefined is dropped)', () => {
      expect(message('', { chunks: 0 })).toStrictEqual({ output: [{ type: 'message', text: '', chunks: 0 }] });
    });
  });

  describe('functionCall', () => {
    it('takes the arguments as a value or as a JSON string, as given', () => {
      expect(functionCall('lookup', { q: 1 })).toStrictEqual({ output: [{ type: 'function_call', name: 'lookup', arguments: { q: 1 } }] });
      expect(functionCall('lookup', '{"q":1}')).toStrictEqual({ output: [{ type: 'function_call', name: 'lookup', arguments: '{"q":1}' }] });
    });

    it('carries callId and id on the item, the rest on the step', () => {
      expect(functionCall('lookup', {}, { callId: 'call_1', id: 'fc_1', hang: true })).toStrictEqual({
        hang: true,
        output: [{ type: 'function_call', name: 'lookup', arguments: {}, callId: 'call_1', id: 'fc_1' }],
      });
    });
  });

  describe('shellCommand', () => {
    it('calls exec_command with the command only, by default', () => {
      expect(shellCommand('ls -la')).toStrictEqual({ output: [{ type: 'function_call', name: 'exec_command', arguments: { cmd: 'ls -la' } }] });
    });

    it('asks for escalation with a justification, sets workdir, and merges extra arguments last', () => {
      const step = shellCommand('make', { workdir: '/w', escalate: 'needs network', extraArgs: { tty: true, yield_time_ms: 10 }, callId: 'c1', usage: { outputTokens: 2 } });
      expect(step).toStrictEqual({
        usage: { outputTokens: 2 },
        output: [
          {
            type: 'function_call',
            name: 'exec_command',
            callId: 'c1',
            arguments: { cmd: 'make', workdir: '/w', sandbox_permissions: 'require_escalated', justification: 'needs network', tty: true, yield_time_ms: 10 },
          },
        ],
      });
    });

    it('an empty justification still escalates; extraArgs may override what came before', () => {
      const args = (step: ScriptedStep) => (step.output![0] as { arguments: Record<string, unknown> }).arguments;
      expect(args(shellCommand('x', { escalate: '' }))).toStrictEqual({ cmd: 'x', sandbox_permissions: 'require_escalated', justification: '' });
      expect(args(shellCommand('x', { workdir: '/a', extraArgs: { workdir: '/b' } }))).toStrictEqual({ cmd: 'x', workdir: '/b' });
    });
  });

  describe('applyPatch', () => {
    it('calls the freeform apply_patch tool with the patch text as raw input', () => {
      const patch = '*** Begin Patch\n*** Add File: a.txt\n+a\n*** End Patch\n';
      expect(applyPatch(patch)).toStrictEqual({ output: [{ type: 'custom_tool_call', name: 'apply_patch', input: patch }] });
      expect(applyPatch(patch, { callId: 'p1', id: 'ctc_1', delayMsBetweenEvents: 2 })).toStrictEqual({
        delayMsBetweenEvents: 2,
        output: [{ type: 'custom_tool_call', name: 'apply_patch', input: patch, callId: 'p1', id: 'ctc_1' }],
      });
    });
  });

  it('steps survive a JSON round trip unchanged', () => {
    const steps = [message('a', { chunks: 2 }), functionCall('f', { x: [1] }), shellCommand('ls', { escalate: 'why' }), applyPatch('p')];
    expect(JSON.parse(JSON.stringify(steps))).toStrictEqual(steps);
  });
});
