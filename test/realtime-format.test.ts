// Chat text rules as pure functions: tokens (emotes, mentions, links), link detection, banned terms, slash commands.
import { expect, test } from "bun:test";
import { parseSlash } from "../server/chat/commands";
import { containsLink, matchesTerm, tokenize } from "../server/chat/format";

const emotes = new Map([["wave", "/emotes/1-abc.png"]]);

test("tokenize: known emotes, mentions, and links only when allowed", () => {
  expect(tokenize("hi :wave: @Bob_1 :nope: https://x.io/a", emotes, false)).toEqual([
    { t: "text", v: "hi " }, { t: "emote", name: "wave", url: "/emotes/1-abc.png" }, { t: "text", v: " " },
    { t: "mention", v: "Bob_1" }, { t: "text", v: " :nope: https://x.io/a" },
  ]);
  expect(tokenize("see https://x.io/a", emotes, true)).toEqual([{ t: "text", v: "see " }, { t: "link", v: "https://x.io/a" }]);
  expect(tokenize("<img src=x onerror=alert(1)>", emotes, true)).toEqual([{ t: "text", v: "<img src=x onerror=alert(1)>" }]);
});

test("links are recognised with or without a scheme", () => {
  for (const t of ["go to https://a.b", "www.example.org", "visit evil.com now", "EXAMPLE.SHOP"]) expect(containsLink(t)).toBe(true);
  for (const t of ["hello", "3.14 is pi", "bench 1795491411073.1 s3-17", "e.g. this"]) expect(containsLink(t)).toBe(false);
});

test("banned terms: whole words for Latin terms, anywhere for others; case and width folded", () => {
  expect(matchesTerm("what a CASINO deal", ["casino"])).toBe(true);
  expect(matchesTerm("ｃａｓｉｎｏ", ["casino"])).toBe(true);
  expect(matchesTerm("a classic", ["ass"])).toBe(false);
  expect(matchesTerm("buy cheap pills!", ["cheap pills"])).toBe(true);
  expect(matchesTerm("这个是赌博网站", ["赌博"])).toBe(true);
  expect(matchesTerm("anything", [])).toBe(false);
});

test("slash commands parse into moderation actions; wrong arguments are 'bad'", () => {
  expect(parseSlash("hello")).toBeNull();
  expect(parseSlash("/timeout @bob 15")).toEqual({ action: "timeout", username: "bob", minutes: 15 });
  expect(parseSlash("/timeout bob")).toEqual({ action: "timeout", username: "bob", minutes: 10 });
  expect(parseSlash("/ban bob ip")).toEqual({ action: "ban", username: "bob", ip: true });
  expect(parseSlash("/slow 30")).toEqual({ action: "slow", seconds: 30 });
  expect(parseSlash("/slow off")).toEqual({ action: "slow", seconds: 0 });
  expect(parseSlash("/followers on")).toEqual({ action: "followers", enabled: true });
  expect(parseSlash("/delete 12")).toEqual({ action: "delete", messageId: 12 });
  for (const bad of ["/delete x", "/timeout", "/ban bob forever", "/slow 99999", "/followers maybe", "/dance"]) expect(parseSlash(bad)).toBe("bad");
});
