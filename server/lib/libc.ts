// The few libc calls Bun does not expose, through bun:ffi. Null where glibc's libc.so.6 cannot be opened (another
// libc, another OS): every caller then does without (docs/operations.md, "CPU: the allocator and socket reads").
import { dlopen, FFIType, ptr, type Pointer } from "bun:ffi";

interface Libc {
  setsockopt(fd: number, level: number, name: number, value: Pointer, len: number): number;
  getsockopt(fd: number, level: number, name: number, value: Pointer, len: Pointer): number;
  execve(path: Pointer, argv: Pointer, envp: Pointer): number;
}

let loaded: Libc | null | undefined;

function libc(): Libc | null {
  if (loaded !== undefined) return loaded;
  try {
    loaded = dlopen("libc.so.6", {
      setsockopt: { args: [FFIType.i32, FFIType.i32, FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
      getsockopt: { args: [FFIType.i32, FFIType.i32, FFIType.i32, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
      execve: { args: [FFIType.ptr, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
    }).symbols;
  } catch {
    loaded = null;
  }
  return loaded;
}

const SOL_SOCKET = 1;
const SO_RCVLOWAT = 18;

/** Sets a socket's SO_RCVLOWAT (bytes that must wait before it polls readable); false where it cannot. */
export function setReceiveLowWater(fd: number, bytes: number): boolean {
  const c = libc();
  return c !== null && c.setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, ptr(Int32Array.of(bytes)), 4) === 0;
}

/** A socket's SO_RCVLOWAT, or null where it cannot be read. */
export function receiveLowWater(fd: number): number | null {
  const c = libc();
  if (!c) return null;
  const value = new Int32Array(1);
  return c.getsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, ptr(value), ptr(Uint32Array.of(4))) === 0 ? value[0]! : null;
}

const encoder = new TextEncoder();

/** A NUL-terminated string; `keep` holds the buffers the pointers point into until the call has returned. */
function cString(s: string, keep: Uint8Array[]): Pointer {
  const b = encoder.encode(`${s}\0`);
  keep.push(b);
  return ptr(b);
}

/** A NUL-terminated array of pointers to NUL-terminated strings. */
function cStrings(items: readonly string[], keep: Uint8Array[]): Pointer {
  const table = BigUint64Array.from([...items.map((s) => BigInt(cString(s, keep))), 0n]);
  keep.push(new Uint8Array(table.buffer));
  return ptr(table);
}

/**
 * Replaces this process with `path` run as `argv` in `env` (same pid, so a supervisor or container sees no change).
 * Returns only if it could not (then nothing happened).
 */
export function execve(path: string, argv: readonly string[], env: Record<string, string>): void {
  const c = libc();
  if (!c) return;
  const keep: Uint8Array[] = [];
  c.execve(cString(path, keep), cStrings(argv, keep), cStrings(Object.entries(env).map(([k, v]) => `${k}=${v}`), keep));
  keep.length = 0; // the buffers stay reachable until the call has returned
}
