// A cookie-keeping HTTP client that behaves like one browser session (for route tests over real HTTP).
export type Fetcher = (req: Request) => Promise<Response> | Response;

/** Works over real HTTP (base = server URL) or in-process (fetcher = app.handle, base = http://localhost). */
export class WebSession {
  cookies = new Map<string, string>();
  csrf = "";
  constructor(
    readonly base: string,
    private readonly fetcher: Fetcher = (req) => fetch(req, { redirect: "manual" }),
  ) {}

  private store(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair = ""] = c.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (value === "" || /max-age=0/i.test(c) || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", this.cookieHeader());
    if (this.csrf && init.method && init.method !== "GET" && !headers.has("x-csrf-token")) headers.set("x-csrf-token", this.csrf);
    const res = await this.fetcher(new Request(this.base + path, { ...init, headers, redirect: "manual" }));
    this.store(res);
    return res;
  }

  /** Loads a page and picks up its CSRF token from the meta tag. */
  async page(path: string): Promise<{ res: Response; body: string }> {
    const res = await this.fetch(path);
    const body = await res.text();
    const m = body.match(/<meta name="csrf-token" content="([^"]+)"/);
    if (m) this.csrf = m[1]!;
    return { res, body };
  }

  async postForm(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.fetch(path, { method: "POST", body: new URLSearchParams(fields), headers });
  }

  async login(username: string, password: string): Promise<Response> {
    await this.page("/login");
    const res = await this.postForm("/login", { username, password });
    await this.page("/");
    return res;
  }
}
