import type { RunWatchdog } from "./agent.js";

/**
 * Fires when a run goes silent for too long. One timer per run, none per
 * event: `touch()` only stores the time. `pause()` while silence is expected
 * (server actions running), `resume()` after.
 */
export class StallWatchdog implements RunWatchdog {
  private last = Date.now();
  private paused = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly ms: number,
    onStall: () => void,
  ) {
    this.timer = setInterval(
      () => {
        if (this.paused === 0 && Date.now() - this.last >= this.ms) {
          this.stop();
          onStall();
        }
      },
      Math.max(10, Math.min(1000, ms / 4)),
    );
    // never keep a process alive for a watchdog
    (this.timer as { unref?: () => void }).unref?.();
  }

  touch(): void {
    this.last = Date.now();
  }

  pause(): void {
    this.paused++;
  }

  resume(): void {
    if (this.paused > 0) this.paused--;
    this.last = Date.now();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
