// Random secrets and their stored form. Session ids and API tokens are stored only as SHA-256 hashes,
// so a leaked database file does not hand out live sessions.
export function randomToken(bytes = 32): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("base64url");
}

export function hashSecret(secret: string): string {
  return new Bun.CryptoHasher("sha256").update(secret).digest("hex");
}
