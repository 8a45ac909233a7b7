/** What the registry needs of a run: to end it early, and to know when it ended. */
export interface InFlightRun {
  shutDown(): void;
}

/**
 * The runs in flight on this runtime, for a graceful shutdown: once `closing`, no run is admitted;
 * `settled()` resolves when the last one ended.
 */
export class ActiveRuns {
  private readonly runs = new Set<InFlightRun>();
  private waiters: (() => void)[] = [];
  closing = false;

  get size(): number {
    return this.runs.size;
  }

  add(run: InFlightRun): void {
    this.runs.add(run);
  }

  delete(run: InFlightRun): void {
    if (!this.runs.delete(run) || this.runs.size > 0) return;
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves when no run is in flight (at once if none is). */
  settled(): Promise<void> {
    if (this.runs.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Ends every run still in flight (each ends with `RUN_ERROR server_shutdown`). */
  shutDownAll(): void {
    for (const run of this.runs) run.shutDown();
  }
}
