import type { MessageKey } from "../i18n";

export type Role = "admin" | "creator" | "viewer";
export const ROLES: readonly Role[] = ["admin", "creator", "viewer"];

export interface User {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  createdAt: number;
  disabled: boolean;
}

export interface Session {
  id: string;
  userId: number;
  csrf: string;
  createdAt: number;
  expiresAt: number;
}

export interface AccessToken {
  id: number;
  userId: number;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface FieldError {
  field: string;
  message: MessageKey;
}

/** Creators and admins may go live, sell and set goals. */
export function isCreator(user: User | null): user is User {
  return !!user && (user.role === "creator" || user.role === "admin");
}
