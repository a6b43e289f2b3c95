// Bank transfer or cash on delivery: the order waits (holding its stock) until the creator confirms the money
// arrived. Refunds are settled outside Livehouse; the order only records them.
import type { PaymentProvider } from "../shop/providers";

export function manualProvider(): PaymentProvider {
  return {
    name: "manual",
    enabled: () => true,
    accepts: (currency) => currency !== "COIN",
    charge: null,
    payUrl: () => null,
    refundInTx: () => null,
  };
}
