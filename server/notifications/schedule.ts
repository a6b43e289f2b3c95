// A room's announced next live, for other domains (the creator's feed) and the notify-me box.
import * as store from "./storage";

export const { nextLiveAt, scheduledLives } = store;
