// The version comes from package.json (bundled into the binary); the commit is stamped by scripts/build with
// `--define LIVEHOUSE_COMMIT=…`. Run from a source checkout, the commit reads "source".
import pkg from "../package.json";

declare const LIVEHOUSE_COMMIT: string;

export const VERSION: string = pkg.version;
export const COMMIT: string = typeof LIVEHOUSE_COMMIT === "string" ? LIVEHOUSE_COMMIT : "source";

export function versionLine(): string {
  return `livehouse ${VERSION} (commit ${COMMIT}, bun ${Bun.version})`;
}
