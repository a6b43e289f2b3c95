// Baseline for scripts/bench-chat: a bare Bun.serve pub/sub server doing the same fan-out (every message to every
// socket in one topic), with no framework, no persistence and no moderation. Prints its port, then serves.
export {};

const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch(req, srv) {
    return srv.upgrade(req) ? undefined : new Response("upgrade required", { status: 426 });
  },
  websocket: {
    open(ws) {
      ws.subscribe("room");
    },
    message(ws, msg) {
      server.publish("room", typeof msg === "string" ? msg : new TextDecoder().decode(msg));
    },
  },
});
console.log(`port ${server.port}`);
