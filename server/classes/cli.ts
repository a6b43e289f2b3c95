import { flag, intFlag, required } from "../cli/args";
import { CommandError, type Command } from "../cli/command";
import { roomFlag, userFlag } from "../cli/lookup";
import { outboxBus } from "../webhooks/cli";
import { createClass, getClass, parseStart } from "./classes";
import { grantTicket } from "./tickets";

export const classesCommands: Command[] = [
  {
    name: "class create",
    usage: "class create --owner U --title T --starts ISO8601 --minutes N --price MINOR --currency CUR [--capacity N] [--room SLUG] [--description D] [--no-replay]",
    run(argv, { moneyDb }) {
      const owner = userFlag(moneyDb, argv, "--owner");
      const startsAt = parseStart(required(argv, "--starts"));
      if (startsAt === null) throw new CommandError("--starts: give an ISO 8601 time with a zone, e.g. 2026-12-01T18:00:00Z");
      const room = flag(argv, "--room") === undefined ? null : roomFlag(moneyDb, argv);
      const capacity = flag(argv, "--capacity") === undefined ? null : intFlag(argv, "--capacity");
      const r = createClass(moneyDb, owner, room, {
        title: required(argv, "--title"), description: flag(argv, "--description") ?? "", startsAt, minutes: intFlag(argv, "--minutes"),
        priceMinor: intFlag(argv, "--price"), currency: required(argv, "--currency"), capacity, replayIncluded: !argv.includes("--no-replay"),
      }, Date.now());
      if (!r.ok) throw new CommandError(r.message);
      const c = r.value;
      return { id: c.id, room: c.roomSlug, url: `/classes/${c.id}`, title: c.title, teacher: c.teacherUsername, startsAt: new Date(c.startsAt).toISOString(), minutes: c.minutes, price: { minor: c.priceMinor, currency: c.currency }, capacity: c.capacity };
    },
  },
  {
    name: "ticket grant",
    usage: "ticket grant --class ID --username U",
    run(argv, deps) {
      const { moneyDb } = deps;
      const c = getClass(moneyDb, intFlag(argv, "--class"));
      if (!c) throw new CommandError(`--class: no class ${flag(argv, "--class")}`);
      const user = userFlag(moneyDb, argv, "--username");
      // The server reads the ticket from the database; the sale reaches its webhooks through the outbox.
      const r = grantTicket({ db: moneyDb, bus: outboxBus(deps), now: Date.now }, c.id, user.id);
      if (!r.ok) throw new CommandError(r.refusal.message);
      return { id: r.ticket.id, classId: c.id, username: user.username, status: r.ticket.status, room: c.roomSlug };
    },
  },
];
