// Admin subcommands: webhook create / list / delete / deliveries (JSON on stdout).
import { flag, intFlag, required } from "../cli/args";
import { CommandError, type CliDeps, type Command } from "../cli/command";
import { createBus, type Bus } from "../events/bus";
import * as store from "./storage";
import { createWebhook, subscribeFacts } from "./webhooks";

/**
 * A bus for a CLI command whose facts are webhook events (a granted ticket is `ticket.sold`): the CLI runs beside
 * the server, so they go to the durable outbox, where the server's dispatcher finds them within a second.
 */
export function outboxBus({ config, db }: CliDeps): Bus {
  const bus = createBus(() => {});
  subscribeFacts({ db, now: Date.now, own: config }, bus);
  return bus;
}

const mask = (secret: string): string => `${secret.slice(0, 10)}…`;

export const webhooksCommands: Command[] = [
  {
    name: "webhook create",
    usage: "webhook create --url U --events room.live,room.offline,order.paid,gift.sent,ticket.sold,member.joined",
    run(argv, { config, db }) {
      const r = createWebhook({ db, now: Date.now, own: config }, { url: required(argv, "--url"), events: required(argv, "--events") });
      if (!r.ok) throw new CommandError(r.error);
      return { id: r.id, secret: r.secret };
    },
  },
  {
    name: "webhook list",
    usage: "webhook list",
    run(_argv, { db }) {
      return store.listWebhooks(db).map((w) => ({ id: w.id, url: w.url, events: w.events, secret: mask(w.secret), createdAt: w.createdAt }));
    },
  },
  {
    name: "webhook delete",
    usage: "webhook delete --id N",
    run(argv, { db }) {
      const id = intFlag(argv, "--id");
      if (!store.deleteWebhook(db, id)) throw new CommandError(`webhook ${id} not found`);
      return { id, deleted: true };
    },
  },
  {
    name: "webhook deliveries",
    usage: "webhook deliveries [--limit N]",
    run(argv, { db }) {
      const limit = Number(flag(argv, "--limit") ?? 50);
      return store.recentDeliveries(db, Number.isInteger(limit) && limit > 0 ? Math.min(limit, 1000) : 50).map((d) => ({
        id: d.id, webhookId: d.webhookId, eventId: d.eventId, eventType: d.eventType, status: d.status, attempts: d.attempts,
        lastStatus: d.lastStatus, lastError: d.lastError, attemptLog: store.attemptsOf(db, d.id),
      }));
    },
  },
];
