import type { ReqCtx } from "../../server/http/context";
import type { HealthAdvice, StreamHealth } from "../../server/media/model";

const n = (v: number | null | undefined, d = 1, unit = "") => (v === null || v === undefined ? "–" : `${v.toFixed(d)}${unit}`);

function adviceText(ctx: ReqCtx, a: HealthAdvice): string {
  const { t } = ctx;
  switch (a.code) {
    case "keyframes":
      return t("health.advice.keyframes", { seconds: a.seconds, measured: a.measured === null ? "?" : a.measured.toFixed(1) });
    case "bitrate":
      return t("health.advice.bitrate", { kbps: a.maxKbps });
    case "codec":
      return t("health.advice.codec", { codec: a.codec });
    case "encoder-fps":
      return t("health.advice.encoderFps", { fps: a.fps.toFixed(1), expected: a.expected });
    case "overload":
      return t(a.paused.length ? "health.advice.overload" : "health.advice.overloadRate", { rungs: a.paused.join(", ") });
    case "backlog":
      return t("health.advice.backlog");
  }
}

/** Studio: the live room's stream health, refreshing itself every few seconds (Owncast's Stream Health page). */
export function StreamHealthBox({ ctx, slug, health }: { ctx: ReqCtx; slug: string; health: StreamHealth | null }): JSX.Element {
  const { t } = ctx;
  const attrs = { id: "stream-health", class: "card", "hx-get": `/studio/rooms/${slug}/health`, "hx-trigger": "every 3s", "hx-swap": "outerHTML" };
  if (!health) {
    return (
      <section {...attrs}>
        <h2 safe>{t("health.title")}</h2>
        <p class="muted" safe>{t("health.offline")}</p>
      </section>
    );
  }
  const { input, transcode: tx } = health;
  return (
    <section {...attrs} data-degraded={tx?.degraded ? "1" : "0"}>
      <h2 safe>{t("health.title")}</h2>
      {tx?.degraded ? <p class="notice" role="status" id="health-degraded" safe>{t("health.degraded", { level: tx.level, max: tx.maxLevel })}</p> : ""}
      <table>
        <tbody>
          <tr><td safe>{t("health.state")}</td><td id="health-state" safe>{health.live ? t("health.playable", { seconds: n(health.startMs === null ? null : health.startMs / 1000) }) : t("health.starting")}</td></tr>
          {input ? (
            <>
              <tr><td safe>{t("health.input")}</td><td id="health-input" safe>{`${input.codec}${input.profile ? ` (${input.profile})` : ""} ${input.width ?? "?"}×${input.height ?? "?"}, ${input.audio ?? t("health.noAudio")}`}</td></tr>
              <tr><td safe>{t("health.bitrate")}</td><td id="health-bitrate" safe>{`${input.videoKbps} + ${input.audioKbps} kbps`}</td></tr>
              <tr><td safe>{t("health.fps")}</td><td id="health-fps" safe>{n(input.fps)}</td></tr>
              <tr><td safe>{t("health.keyframes")}</td><td id="health-keyframes" safe>{n(input.keyframeSeconds, 1, " s")}</td></tr>
            </>
          ) : ""}
          {tx ? (
            <>
              <tr><td safe>{t("health.speed")}</td><td id="health-speed" safe>{`${n(tx.speed, 2, "×")} · ${t("health.behind", { seconds: n(tx.behindSeconds) })}`}</td></tr>
              <tr><td safe>{t("health.dropped")}</td><td id="health-dropped" safe>{String(tx.droppedFrames)}</td></tr>
              <tr><td safe>{t("health.restarts")}</td><td id="health-restarts" safe>{String(tx.restarts)}</td></tr>
            </>
          ) : ""}
          <tr><td safe>{t("health.latency")}</td><td id="health-latency" safe>{n(health.latencySeconds, 1, " s")}</td></tr>
        </tbody>
      </table>
      {tx ? (
        <table id="health-rungs">
          <thead><tr><th safe>{t("health.rung")}</th><th safe>{t("health.pace")}</th><th safe>{t("health.latency")}</th></tr></thead>
          <tbody>
            {tx.rungs.map((r) => (
              <tr class={r.active ? "" : "muted"}>
                <td safe>{`${r.name}@${r.fps}${r.copy ? ` · ${t("health.copy")}` : ""}${r.active ? "" : ` · ${t("health.paused")}`}`}</td>
                <td safe>{n(r.pace, 2, "×")}</td>
                <td safe>{n(r.lagSeconds, 1, " s")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : ""}
      {health.advice.length ? (
        <ul id="health-advice">
          {health.advice.map((a) => <li safe>{adviceText(ctx, a)}</li>)}
        </ul>
      ) : <p class="muted" id="health-advice-none" safe>{t("health.allGood")}</p>}
    </section>
  );
}

export function StreamHealthMount({ slug }: { slug: string }): JSX.Element {
  return <div id="stream-health" hx-get={`/studio/rooms/${slug}/health`} hx-trigger="load" hx-swap="outerHTML"></div>;
}
