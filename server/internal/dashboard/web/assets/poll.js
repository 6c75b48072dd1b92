// Poller runs a task now and again an interval after it started (at
// once, if it took longer; never two at once), while started and while the
// tab is visible: a hidden tab costs the stub nothing. Counting from the
// start, not the end, keeps a slow answer (a busy machine) from adding its
// time to the wait for the next.
export class Poller {
  constructor(task, interval) {
    this.task = task;
    this.interval = interval;
    this.running = false;
    this.timer = null;
    this.busy = null;
    document.addEventListener('visibilitychange', () => {
      if (this.running && !document.hidden) this.now();
    });
  }

  start() {
    this.running = true;
    this.now();
  }

  stop() {
    this.running = false;
    clearTimeout(this.timer);
  }

  // now runs the task at once (after the one under way, if any).
  async now() {
    clearTimeout(this.timer);
    if (this.busy) {
      this.again = true;
      return;
    }
    const started = performance.now();
    this.busy = this.task();
    try {
      await this.busy;
    } finally {
      this.busy = null;
    }
    if (this.again) {
      this.again = false;
      this.now();
      return;
    }
    if (this.running && !document.hidden) {
      this.timer = setTimeout(() => this.now(), Math.max(0, this.interval - (performance.now() - started)));
    }
  }
}
