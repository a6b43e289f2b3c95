// The Q&A panel beside chat, and the HTML renderings of "question" room events (hx-swap-oob): a question's row is
// replaced in place (or appended when new), and the pinned question shows on the stage.
import type { Question } from "../../server/classes/model";
import type { RoomEvents } from "../../server/realtime/model";
import type { Translate } from "../../server/i18n";

type QuestionView = Pick<Question, "id" | "text" | "author" | "votes" | "answered" | "pinned">;

export function QuestionItem({ q, t, slug, host, oob }: { q: QuestionView; t: Translate; slug: string; host: boolean; oob?: string }): JSX.Element {
  const act = (action: string, label: string) => (
    <button class="link" hx-post={`/r/${slug}/qa/${q.id}/${action}`} hx-swap="none" safe>{label}</button>
  );
  return (
    <li id={`q-${q.id}`} class={`question${q.answered ? " answered" : ""}${q.pinned ? " pinned" : ""}`} data-votes={String(q.votes)} hx-swap-oob={oob}>
      <span class="votes" safe>{`▲ ${q.votes}`}</span> <span safe>{q.text}</span> <span class="muted" safe>— {q.author}</span>
      {q.answered ? <span class="tag" safe>{t("qa.answered")}</span> : ""}
      {q.pinned ? <span class="tag" safe>{t("qa.pinned")}</span> : ""}
      {" "}{q.answered ? "" : act("upvote", t("qa.upvote"))}
      {host && !q.answered ? <>{" "}{act("answered", t("qa.markAnswered"))} {act(q.pinned ? "unpin" : "pin", q.pinned ? t("qa.unpin") : t("qa.pin"))}</> : ""}
    </li>
  );
}

export function PinnedQuestion({ q, oob }: { q: Pick<Question, "text" | "author"> | null; oob?: boolean }): JSX.Element {
  return (
    <div id="qa-pinned" class="qa-pinned" hidden={!q} hx-swap-oob={oob ? "true" : undefined}>
      {q ? <><strong safe>{q.text}</strong> <span class="muted" safe>— {q.author}</span></> : ""}
    </div>
  );
}

export function QaPanel({ t, slug, questions, host, signedIn, csrf }: { t: Translate; slug: string; questions: readonly Question[]; host: boolean; signedIn: boolean; csrf: string }): JSX.Element {
  const pinned = questions.find((q) => q.pinned) ?? null;
  return (
    <section class="card qa" id="qa">
      <h2 safe>{t("qa.title")}</h2>
      <PinnedQuestion q={pinned} oob />
      <ul id="qa-list">{questions.map((q) => <QuestionItem q={q} t={t} slug={slug} host={host} />)}</ul>
      {questions.length ? "" : <p class="muted" id="qa-empty" safe>{t("qa.empty")}</p>}
      {signedIn ? (
        <form hx-post={`/r/${slug}/qa`} hx-swap="none">
          <input type="hidden" name="_csrf" value={csrf} />
          <input name="text" maxlength="500" required placeholder={t("qa.placeholder")} />
          <button type="submit" safe>{t("qa.ask")}</button>
        </form>
      ) : ""}
    </section>
  );
}

/** Room pages: the changed question in place (new ones are appended), and the stage's pinned question. */
export function renderQuestionEvent(e: RoomEvents["question"], t: Translate): string {
  // Pages render without host controls; the host's page re-reads the panel (hx-get) to act on new questions.
  const item = <QuestionItem q={e} t={t} slug={e.room} host={false} oob={e.change === "asked" ? undefined : "outerHTML"} />;
  const list = e.change === "asked" ? `<ul id="qa-list" hx-swap-oob="beforeend">${item}</ul>` : (item as string);
  const pin = e.change === "pinned" || e.change === "unpinned" || e.change === "answered" ? (<PinnedQuestion q={e.pinned ? e : null} oob />) as string : "";
  return list + pin;
}

export function renderClassReminder(e: RoomEvents["class.reminder"], t: Translate): string {
  return (
    <div id="class-reminder" class="notice-bar" hx-swap-oob="true">
      <a href={e.url} safe>{t("classes.notice.reminder", { title: e.title, minutes: Math.max(1, Math.round((e.startsAt - Date.now()) / 60_000)) })}</a>
    </div>
  ) as string;
}
