import type { FieldError } from "./model";

export function validateUsername(username: string): FieldError | null {
  if (!/^[a-zA-Z0-9_.-]{3,32}$/.test(username)) {
    return { field: "username", message: "error.username" };
  }
  return null;
}

export function validatePassword(password: string): FieldError | null {
  if (password.length < 8 || password.length > 256) return { field: "password", message: "error.password" };
  return null;
}

export function validateDisplayName(name: string): FieldError | null {
  const n = name.trim();
  if (n.length < 1 || n.length > 50) return { field: "displayName", message: "error.displayName" };
  return null;
}
