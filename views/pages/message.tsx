// The generic page for a short message: errors (403, 404, 422, 500) and simple confirmations.
import type { ReqCtx } from "../../server/http/context";
import { Layout } from "../layout";

export function MessagePage({ ctx, title, text, status }: { ctx: ReqCtx; title: string; text: string; status?: number }): JSX.Element {
  return (
    <Layout ctx={ctx} title={title}>
      <div class="card" data-status={String(status ?? 200)}>
        <h1 safe>{title}</h1>
        <p safe>{text}</p>
        <p><a href="/" safe>{ctx.t("nav.home")}</a></p>
      </div>
    </Layout>
  );
}
