// Files imported `with { type: "file" }` resolve to a path string (embedded in a compiled binary).
declare module "*.js" {
  const path: string;
  export default path;
}
declare module "*.css" {
  const path: string;
  export default path;
}
