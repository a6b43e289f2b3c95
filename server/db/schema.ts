// Every domain's migrations, in dependency order (a domain may reference tables of the ones above it).
import { accountsSchema } from "../accounts/schema";
import { roomsSchema } from "../rooms/schema";
import { walletSchema } from "../wallet/schema";
import { giftsSchema } from "../gifts/schema";
import { overlaysSchema } from "../overlays/schema";
import { shopSchema } from "../shop/schema";
import { paymentsSchema } from "../payments/schema";
import { chatSchema } from "../chat/schema";
import { mediaSchema } from "../media/schema";
import { webhooksSchema } from "../webhooks/schema";
import { classesSchema } from "../classes/schema";
import { membershipsSchema } from "../memberships/schema";
import { accessSchema } from "../access/schema";
import { insightsSchema } from "../insights/schema";
import { sponsorsSchema } from "../sponsors/schema";
import { objectsSchema } from "../objects/schema";
import { auctionsSchema } from "../auctions/schema";
import { notificationsSchema } from "../notifications/schema";
import { sharingSchema } from "../sharing/schema";
import type { DomainSchema } from "./migrate";

export const SCHEMAS: readonly DomainSchema[] = [accountsSchema, roomsSchema, mediaSchema, walletSchema, giftsSchema, overlaysSchema, shopSchema, paymentsSchema, chatSchema, webhooksSchema, classesSchema, membershipsSchema, accessSchema, insightsSchema, sponsorsSchema, objectsSchema, auctionsSchema, notificationsSchema, sharingSchema];
