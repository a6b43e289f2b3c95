// Slash commands typed by moderators into the chat box, parsed into moderation actions.
import type { ModAction } from "./model";

const USER = /^@?([A-Za-z0-9._-]{3,32})$/;

/** null: not a slash command; "bad": a slash command with wrong arguments or an unknown name. */
export function parseSlash(text: string): ModAction | "bad" | null {
  if (!text.startsWith("/")) return null;
  const [name = "", a = "", b = ""] = text.slice(1).trim().split(/\s+/);
  const user = USER.exec(a)?.[1];
  const num = /^\d{1,6}$/.test(b || a) ? Number(b || a) : NaN;
  switch (name.toLowerCase()) {
    case "delete":
      return /^\d+$/.test(a) ? { action: "delete", messageId: Number(a) } : "bad";
    case "timeout": {
      const minutes = /^\d{1,5}$/.test(b) ? Number(b) : 10;
      return user && minutes >= 1 && minutes <= 10_080 ? { action: "timeout", username: user, minutes } : "bad";
    }
    case "ban":
      return user && (b === "" || b === "ip") ? { action: "ban", username: user, ip: b === "ip" } : "bad";
    case "unban":
      return user ? { action: "unban", username: user } : "bad";
    case "slow":
      return !Number.isNaN(num) && num <= 3600 ? { action: "slow", seconds: num } : a === "off" ? { action: "slow", seconds: 0 } : "bad";
    case "followers":
      return a === "on" || a === "off" ? { action: "followers", enabled: a === "on" } : "bad";
    case "mod":
      return user ? { action: "mod", username: user } : "bad";
    case "unmod":
      return user ? { action: "unmod", username: user } : "bad";
    default:
      return "bad";
  }
}
