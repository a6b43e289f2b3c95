import type { FieldError, Goal } from "../../server/gifts/model";
import type { ReqCtx } from "../../server/http/context";
import type { Room } from "../../server/rooms/model";
import { Csrf, FieldError as FieldErr } from "../layout";

/** Studio: the creator sets the gift goal shown in the room and on the goal overlay. */
export function GoalForm({ ctx, room, goal, errors = [], saved }: { ctx: ReqCtx; room: Room; goal: Goal | null; errors?: FieldError[]; saved?: boolean }): JSX.Element {
  const { t } = ctx;
  const action = `/studio/rooms/${room.slug}/goal`;
  return (
    <section class="card" id="goal-form-card">
      <h2 safe>{t("gift.goal")}</h2>
      {saved ? <p class="notice" role="status" safe>{t("studio.saved")}</p> : ""}
      {goal ? <p class="muted" safe>{t("gift.goalProgress", { progress: goal.progress, target: goal.target })}</p> : ""}
      <form class="row" id="goal-form" method="post" action={action} hx-post={action} hx-target="#goal-form-card" hx-swap="outerHTML">
        <Csrf ctx={ctx} />
        <input name="title" maxlength="60" value={goal?.title ?? ""} placeholder={t("gift.goalTitle")} aria-label={t("gift.goalTitle")} />
        <input name="target" type="number" min="0" value={String(goal?.target ?? 0)} aria-label={t("gift.goalTarget")} style="width:8rem" />
        <button type="submit" safe>{t("gift.goalSet")}</button>
      </form>
      <FieldErr ctx={ctx} errors={errors} field="title" />
      <FieldErr ctx={ctx} errors={errors} field="target" />
      <p class="muted" safe>{t("gift.goalHelp")}</p>
      <p><a href="/studio/earnings" safe>{t("earnings.title")}</a></p>
    </section>
  );
}

export function GoalMount({ slug }: { slug: string }): JSX.Element {
  return <div id="goal-form-card" hx-get={`/studio/rooms/${slug}/goal`} hx-trigger="load" hx-swap="outerHTML"></div>;
}
