// HTML renderings (hx-swap-oob fragments) of the classes domain's room events, handed to the realtime hub.
import { renderClassReminder, renderQuestionEvent } from "../../views/partials/qa";
import type { RoomRenderers } from "../realtime/model";

export const classesRenderers: RoomRenderers = { question: renderQuestionEvent, "class.reminder": renderClassReminder };
