// The current content-hash URL of each embedded asset, for views. server/http/assets.ts hashes the files at
// startup and fills this table; views only read it, so they need nothing from the HTTP layer.
const urls = new Map<string, string>();

export function setAssetUrl(name: string, url: string): void {
  urls.set(name, url);
}

export function assetUrl(name: string): string {
  const url = urls.get(name);
  if (!url) throw new Error(`assets: ${name} is not registered`);
  return url;
}
