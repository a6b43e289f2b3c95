// A WebSocket test client that records every frame and waits for the ones a test expects.
export class WsClient {
  frames: string[] = [];
  closed = false;
  private waiters: (() => void)[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.onmessage = (e) => {
      this.frames.push(typeof e.data === "string" ? e.data : String(e.data));
      this.wake();
    };
    ws.onclose = () => {
      this.closed = true;
      this.wake();
    };
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Opens a socket; rejects when the server refuses the upgrade. */
  static open(url: string, headers: Record<string, string> = {}): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers } as unknown as string[]);
      const c = new WsClient(ws);
      ws.onopen = () => resolve(c);
      ws.onerror = () => reject(new Error(`websocket ${url} refused`));
    });
  }

  /** JSON frames parsed (page sockets send HTML; those are skipped). */
  events(): Record<string, any>[] {
    return this.frames.filter((f) => f.startsWith("{")).map((f) => JSON.parse(f));
  }

  send(v: unknown): void {
    this.ws.send(typeof v === "string" ? v : JSON.stringify(v));
  }

  /** Resolves with the first frame (or event) matching; fails after a deadline so a broken feature cannot hang. */
  async waitFrame(pred: (f: string) => boolean, what = "frame", ms = 8000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const f = this.frames.find(pred);
      if (f !== undefined) return f;
      if (this.closed) throw new Error(`socket closed while waiting for ${what}; got:\n${this.frames.slice(-5).join("\n")}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got:\n${this.frames.slice(-5).join("\n")}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }

  async waitEvent(pred: (e: Record<string, any>) => boolean, what = "event"): Promise<Record<string, any>> {
    const f = await this.waitFrame((x) => x.startsWith("{") && pred(JSON.parse(x)), what);
    return JSON.parse(f);
  }

  async waitClosed(ms = 8000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error("socket did not close");
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }

  close(): void {
    this.ws.close();
  }
}
