// TurnPlayer alone, with a host that records what it was asked to send (and whether each message
// was still due when the host sent it): the order around a turn, and how an interrupt cuts it.
import { TestScheduler } from 'rxjs/testing';
import type { Notification, ServerRequestMessage } from '../../lib/protocol/methods.js';
import type { ClientAnswer, TurnContext, TurnEnding } from '../../lib/testing/turn-script.js';
import { scriptTurn, type TurnScript } from '../../lib/testing/index.js';
import { TurnPlayer, type TurnPlayerHost } from '../../lib/testing/turn-player.js';
import { wireLabel } from '../support/wire-label.js';

/** A host that holds each message until `flush()`, as an outbox behind a message being delivered would. */
class RecordingHost implements TurnPlayerHost {
  readonly sent: string[] = [];
  readonly held: Array<{ message: Notification | ServerRequestMessage; due?: () => boolean }> = [];
  readonly endings: TurnEnding[] = [];
  readonly answers = new Map<string | number, (answer: ClientAnswer) => void>();
  private ids = 0;
  holding = false;

  constructor(readonly scheduler: TestScheduler) {}

  emit(message: Notification | ServerRequestMessage, due?: () => boolean): void {
    this.held.push({ message, due });
    if (!this.holding) this.flush();
  }

  flush(): void {
    for (const { message, due } of this.held.splice(0)) if (due === undefined || due()) this.sent.push(wireLabel(message));
  }

  nextRequestId() {
    return this.ids++;
  }

  awaitAnswer(request: ServerRequestMessage, onAnswer: (answer: ClientAnswer) => void): void {
    this.answers.set(request.id, (answer) => onAnswer(answer));
  }

  ended(_ctx: TurnContext, ending: TurnEnding): void {
    this.endings.push(ending);
  }
}

/** Runs `test` in virtual time; `flush()` plays every frame, `flushFrame0()` only the first. */
function play(script: TurnScript, test: (player: TurnPlayer, host: RecordingHost, flush: () => void, flushFrame0: () => void) => void): void {
  const scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
  scheduler.run(({ flush }) => {
    const host = new RecordingHost(scheduler);
    let n = 0;
    const ctx: TurnContext = { threadId: 'thr-1', turnId: 'turn-1', nextItemId: () => `item-${++n}` };
    const flushFrame0 = () => {
      scheduler.maxFrames = 0;
      flush();
      scheduler.maxFrames = Infinity;
    };
    test(new TurnPlayer(host, ctx, script.ops), host, flush, flushFrame0);
  });
}

describe('TurnPlayer', () => {
  it('sends the thread status around the turn: active, turn/started, the script, idle, turn/completed', () => {
    play(scriptTurn().agentMessage('hi'), (player, host, flush) => {
      player.start();
      expect(host.sent).toEqual([]); // starts after the current message (delay 0)
      flush();
      expect(host.sent).toEqual([
        'thread/status/changed active',
        'turn/started',
        'item/started agentMessage',
        'item/agentMessage/delta',
        'item/completed agentMessage',
        'thread/status/changed idle',
        'turn/completed completed',
      ]);
      expect(host.endings).toEqual([{ status: 'completed' }]);
    });
  });

  it('a failure: systemError, the error notification, turn/completed failed', () => {
    play(scriptTurn().fail('boom'), (player, host, flush) => {
      player.start();
      flush();
      expect(host.sent).toEqual(['thread/status/changed active', 'turn/started', 'thread/status/changed systemError', 'error', 'turn/completed failed']);
      expect(player.running).toBe(false);
    });
  });

  it('can be interrupted only while it runs', () => {
    play(scriptTurn().agentMessage('hi'), (player, host, flush) => {
      player.start();
      expect(player.running).toBe(false);
      expect(() => player.interrupt()).toThrow('turn turn-1 is not running');
      flush();
      expect(() => player.interrupt()).toThrow('turn turn-1 is not running');
      expect(host.endings).toEqual([{ status: 'completed' }]);
    });
  });

  it('an interrupt drops what the script queued and not yet sent; its ending follows when the caller says', () => {
    play(scriptTurn().agentMessage('one two', { chunks: 2 }).wait(3).agentMessage('later'), (player, host, flush, flushFrame0) => {
      host.holding = true;
      player.start();
      flushFrame0(); // everything is held behind the message "being delivered"
      expect(host.held.map((h) => wireLabel(h.message))).toEqual([
        'thread/status/changed active',
        'turn/started',
        'item/started agentMessage',
        'item/agentMessage/delta',
        'item/agentMessage/delta',
        'item/completed agentMessage',
      ]);
      const end = player.interrupt();
      host.holding = false;
      host.flush();
      expect(host.sent).toEqual([]); // nothing of the turn was due any more
      end();
      flush(); // the wait(3) was cancelled: nothing more comes
      expect(host.sent).toEqual(['thread/status/changed idle', 'turn/completed interrupted']);
      expect(host.endings).toEqual([{ status: 'interrupted' }]);
    });
  });

  it('an interrupt while a request waits: turn/completed, then serverRequest/resolved; a late answer changes nothing', () => {
    play(scriptTurn().command('ls', { approval: true }).agentMessage('after'), (player, host, flush) => {
      player.start();
      flush();
      expect(host.sent.slice(-3)).toEqual(['item/started commandExecution', 'thread/status/changed active waitingOnApproval', 'item/commandExecution/requestApproval']);
      player.interrupt()();
      host.answers.get(0)!({ request: {} as ServerRequestMessage, result: { decision: 'accept' } });
      flush();
      expect(host.sent.slice(-3)).toEqual(['thread/status/changed idle', 'turn/completed interrupted', 'serverRequest/resolved']);
    });
  });

  it('stop(): not another message, not even the ending of an interrupt', () => {
    play(scriptTurn().agentMessage('hi').wait(1).agentMessage('later'), (player, host, flush, flushFrame0) => {
      player.start();
      flushFrame0();
      const sent = host.sent.length;
      const end = player.interrupt();
      player.stop();
      end();
      flush();
      expect(host.sent.length).toBe(sent);
      expect(host.endings).toEqual([]);
    });
  });
});
