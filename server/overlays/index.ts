// The overlays domain's surface for server/app.tsx.
export { createOverlays } from "./routes";
