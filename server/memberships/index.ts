// The memberships domain's surface for server/app.tsx: the renewal scheduler, the JSON API, the pages and the
// Stripe fulfiller for membership payments. It shares the paid-access environment built by the classes domain.
import type { PaidEnv } from "../classes/tickets";
import type { Deps } from "../deps";
import type { StripeFulfiller } from "../payments/stripe";
import { membershipsApi } from "./api";
import { membershipScheduler, settleMembershipPayment } from "./memberships";
import { membershipsRoutes } from "./routes";
import { membershipsStudioRoutes } from "./studio-routes";

export const MEMBERSHIP_SWEEP_MS = 60_000;

export function createMemberships(deps: Deps, env: PaidEnv) {
  const stripeFulfillers: Record<string, StripeFulfiller> = {
    membership: (id, r) => {
      if (!r.paid) return "ignored";
      const s = settleMembershipPayment(env, id, { ref: r.ref, paid: r });
      return s.ok ? s.message : `refused: ${s.message}`;
    },
  };
  return {
    services: [membershipScheduler(env, MEMBERSHIP_SWEEP_MS, deps.log)],
    stripeFulfillers,
    api: () => membershipsApi(deps, env),
    routes: () => membershipsRoutes(deps, env).use(membershipsStudioRoutes(deps)),
  };
}
