/**
 * A tiny terminal renderer for the samples: whole lines, live (streamed) text and one status
 * line with a spinner. On a TTY it uses colours and redraws the status line in place; anywhere
 * else (a pipe, a file, CI) it prints plain lines only — no ANSI escapes, no spinner.
 */

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 80;
const CLEAR_LINE = '\x1b[2K';
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';

type Style = (text: string) => string;

export class Terminal {
  /** Colours and in-place redraws are on (stdout is a TTY). */
  readonly tty: boolean;
  readonly bold: Style;
  readonly dim: Style;
  readonly green: Style;
  readonly red: Style;
  readonly yellow: Style;
  readonly cyan: Style;

  private status?: string;
  private statusShown = false;
  private frame = 0;
  private timer?: ReturnType<typeof setInterval>;
  /** Streamed text has been written and its line is not finished yet. */
  private midLine = false;

  constructor(private readonly out: NodeJS.WriteStream = process.stdout) {
    this.tty = out.isTTY === true;
    const colour = this.tty && !process.env.NO_COLOR;
    const sgr = (open: number, close: number): Style => (colour ? (t) => `\x1b[${open}m${t}\x1b[${close}m` : (t) => t);
    this.bold = sgr(1, 22);
    this.dim = sgr(2, 22);
    this.green = sgr(32, 39);
    this.red = sgr(31, 39);
    this.yellow = sgr(33, 39);
    this.cyan = sgr(36, 39);
  }

  /** Prints a whole line (finishing any streamed text first). */
  line(text = ''): void {
    this.hideStatus();
    this.endStream();
    this.out.write(`${text}\n`);
  }

  /** Writes streamed text as it arrives; the next `line()` starts on a fresh line. */
  stream(text: string): void {
    if (text === '') return;
    this.hideStatus();
    this.out.write(text);
    this.midLine = !text.endsWith('\n');
  }

  /** Ends the streamed text's line, if one is open. */
  endStream(): void {
    if (!this.midLine) return;
    this.out.write('\n');
    this.midLine = false;
  }

  /**
   * Shows what is going on now ("running `ls`…") on a status line under the output, with a
   * spinner; `undefined` clears it. Only on a TTY: in a log, the final lines say it all.
   */
  setStatus(text: string | undefined): void {
    if (!this.tty || text === this.status) return;
    this.status = text;
    if (text === undefined) {
      this.hideStatus();
      this.stopTimer();
      return;
    }
    this.drawStatus();
    if (!this.timer) {
      this.out.write(HIDE_CURSOR);
      process.once('exit', this.restoreCursor);
      // Each frame also brings the status line back after output hid it.
      this.timer = setInterval(() => {
        this.frame = (this.frame + 1) % SPINNER.length;
        this.drawStatus();
      }, FRAME_MS);
      this.timer.unref(); // a spinner never keeps the process alive
    }
  }

  /** Clears the status line and stops the spinner (call before exiting). */
  stop(): void {
    this.setStatus(undefined);
    this.endStream();
  }

  private drawStatus(): void {
    if (this.status === undefined || this.midLine) return;
    this.out.write(`\r${CLEAR_LINE}${this.cyan(SPINNER[this.frame])} ${this.dim(this.status)}`);
    this.statusShown = true;
  }

  private hideStatus(): void {
    if (!this.statusShown) return;
    this.out.write(`\r${CLEAR_LINE}`);
    this.statusShown = false;
  }

  private stopTimer(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.restoreCursor();
    process.off('exit', this.restoreCursor);
  }

  private readonly restoreCursor = (): void => {
    this.out.write(SHOW_CURSOR);
  };
}
