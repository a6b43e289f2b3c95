// Studio: the origins allowed to embed a room's player, and the snippet to paste into another site.
import type { ReqCtx } from "../../server/http/context";

export function EmbedStudio({ ctx, slug, origins, embedUrl, error }: { ctx: ReqCtx; slug: string; origins: readonly string[]; embedUrl: string; error?: string }): JSX.Element {
  const { t } = ctx;
  return (
    <section id="embed-studio" class="card">
      <h2 safe>{t("share.embedTitle")}</h2>
      <p class="muted" safe>{t("share.embedHelp")}</p>
      <pre><code safe>{`<iframe src="${embedUrl}" width="640" height="360" frameborder="0" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe>`}</code></pre>
      <form hx-post={`/studio/rooms/${slug}/embed`} hx-target="#embed-studio" hx-swap="outerHTML">
        <input type="hidden" name="_csrf" value={ctx.csrf} />
        <label><span safe>{t("share.embedOrigins")}</span>
          <textarea name="origins" rows="4" placeholder="https://blog.example.com" aria-invalid={error ? "true" : undefined} safe>{origins.join("\n")}</textarea>
        </label>
        {error ? <p class="field-error" role="alert" safe>{error}</p> : ""}
        <button type="submit" safe>{t("share.embedSave")}</button>
      </form>
    </section>
  );
}
