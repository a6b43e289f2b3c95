// The Q&A beside chat: signed-in viewers ask and upvote (one vote each), the room's host or the class's teacher
// marks a question answered or pins it on screen. Every change is published as a typed "question" room event, so
// the room page, bots and the OBS overlay see the same queue.
import type { Database } from "bun:sqlite";
import type { Bus } from "../events/bus";
import "../realtime/model";
import type { Question, QuestionChange } from "./model";
import * as store from "./storage";

export type QaResult = { ok: true; question: Question } | { ok: false; status: 404 | 409 | 422; message: string };

type RoomRef = { id: number; slug: string };

function publish(bus: Bus, room: RoomRef, q: Question, change: QuestionChange): void {
  bus.emit("room.event", { roomId: q.roomId, event: { type: "question", change, room: room.slug, id: q.id, text: q.text, author: q.author, votes: q.votes, answered: q.answered, pinned: q.pinned } });
}

export function ask(db: Database, bus: Bus, room: RoomRef, userId: number, text: string, now: number): QaResult {
  const clean = text.replace(/\s+/g, " ").trim();
  if (!clean || clean.length > 500) return { ok: false, status: 422, message: "a question is 1-500 characters" };
  const q = store.getQuestion(db, store.insertQuestion(db, room.id, userId, clean, now))!;
  publish(bus, room, q, "asked");
  return { ok: true, question: q };
}

export function upvote(db: Database, bus: Bus, room: RoomRef, questionId: number, userId: number): QaResult {
  const q = store.getQuestion(db, questionId);
  if (!q || q.roomId !== room.id) return { ok: false, status: 404, message: `no question ${questionId} in this room` };
  if (!store.addVote(db, questionId, userId)) return { ok: false, status: 409, message: "you already upvoted this question" };
  const after = store.getQuestion(db, questionId)!;
  publish(bus, room, after, "voted");
  return { ok: true, question: after };
}

/** answered: marks it answered (and unpins it); pin / unpin: at most one pinned question per room. */
export function moderate(db: Database, bus: Bus, room: RoomRef, questionId: number, action: "answered" | "pin" | "unpin"): QaResult {
  const q = store.getQuestion(db, questionId);
  if (!q || q.roomId !== room.id) return { ok: false, status: 404, message: `no question ${questionId} in this room` };
  const unpinned = db.transaction(() => {
    if (action === "answered") {
      store.markAnswered(db, questionId);
      return [];
    }
    return store.pinQuestion(db, room.id, action === "pin" ? questionId : null);
  })();
  for (const id of unpinned) publish(bus, room, store.getQuestion(db, id)!, "unpinned");
  const after = store.getQuestion(db, questionId)!;
  publish(bus, room, after, action === "answered" ? "answered" : action === "pin" ? "pinned" : "unpinned");
  return { ok: true, question: after };
}

export const { listQuestions } = store;
