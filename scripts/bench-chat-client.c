// The counting sockets of scripts/bench-chat-client.ts, compiled at run time by bun:ffi's built-in TinyCC.
// A JavaScript socket costs about as much CPU per read as the server spends writing it, and the clients share
// the machine with the servers they measure; this loop costs a fraction of that. No system headers (bench-libc.h).
#include "bench-libc.h"

#define MAX_SOCKETS 65536
// The senders of the benchmarks begin each message with "¶bench" (U+00B6 is C2 B6 in UTF-8): found with memchr
// for its rare second byte, which is vectorised in glibc, instead of memmem, which is not; the scan of "bench "
// with memmem was a quarter of this loop's CPU.
#define NEEDLE "\xc2\xb6" "bench"
#define NLEN 7

static int ep = -1;
static int nsock = 0;
static int fds[MAX_SOCKETS];
static char tails[MAX_SOCKETS][NLEN - 1];
static int tail_len[MAX_SOCKETS];
static int closed = 0;
static long long count = 0;
static long long reads = 0;
static char buf[1 << 16];

// Needles in a chunk, plus one split between the socket's previous chunk and this one.
static void scan(int i, const char *p, long n) {
  const char *end = p + n;
  const char *at = p + 1;
  while (at < end) {
    const char *hit = memchr(at, NEEDLE[1], end - at);
    if (!hit) break;
    if (hit - 1 + NLEN <= end && memcmp(hit - 1, NEEDLE, NLEN) == 0) count++;
    at = hit + 1;
  }
  if (tail_len[i] > 0) {
    char joint[2 * (NLEN - 1)];
    long head = n < NLEN - 1 ? n : NLEN - 1;
    memcpy(joint, tails[i], tail_len[i]);
    memcpy(joint + tail_len[i], p, head);
    if (memmem(joint, tail_len[i] + head, NEEDLE, NLEN)) count++;
  }
  long keep = n < NLEN - 1 ? n : NLEN - 1;
  memcpy(tails[i], end - keep, keep);
  tail_len[i] = keep;
}

// Opens n sockets to 127.0.0.1:port and sends each the upgrade request; returns how many were upgraded (101).
int open_sockets(int port, const char *request, int request_len, int n) {
  if (ep < 0) ep = epoll_create1(0);
  int upgraded = 0;
  for (int k = 0; k < n && nsock < MAX_SOCKETS; k++) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) continue;
    struct sockaddr_in sa = loopback(port);
    if (connect(fd, &sa, sizeof sa) != 0 || send(fd, request, request_len, 0) != request_len) {
      close(fd);
      continue;
    }
    // Blocking read of the response head; bytes after it are the first frames.
    long have = 0;
    char *end = 0;
    while (!end && have < (long)sizeof buf - 1) {
      long r = recv(fd, buf + have, sizeof buf - 1 - have, 0);
      if (r <= 0) break;
      have += r;
      end = memmem(buf, have, "\r\n\r\n", 4);
    }
    if (!end || have < 12 || memmem(buf, 12, " 101", 4) == 0) {
      close(fd);
      continue;
    }
    int i = nsock++;
    fds[i] = fd;
    tail_len[i] = 0;
    long rest = have - (end + 4 - buf);
    if (rest > 0) scan(i, end + 4, rest);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    struct epoll_event ev = { EPOLLIN, (unsigned long long)i };
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    upgraded++;
  }
  return upgraded;
}

// Reads whatever arrives for up to ms milliseconds. With pace_us > 0, a wake-up that finds fewer sockets ready than
// one epoll_wait returns waits pace_us before reading them, so that each wake-up reads more (bench-scale.ts).
void pump(int ms, int pace_us) {
  struct epoll_event events[256];
  long long until = (now_us() / 1000) + ms;
  for (;;) {
    long long left = until - (now_us() / 1000);
    if (left <= 0) return;
    int n = epoll_wait(ep, events, 256, (int)left);
    if (pace_us > 0 && n < 256) pause_us(pace_us);
    for (int e = 0; e < n; e++) {
      int i = (int)events[e].data;
      for (;;) {
        long r = recv(fds[i], buf, sizeof buf, 0);
        if (r > 0) {
          reads++;
          scan(i, buf, r);
          if (r < (long)sizeof buf) break;
          continue;
        }
        if (r == 0 || *__errno_location() != EAGAIN) {
          close(fds[i]);
          closed++;
        }
        break;
      }
    }
  }
}

long long take_count(void) { return count; }
long long take_reads(void) { return reads; }
void reset_counts(void) { count = 0; reads = 0; }
int open_count(void) { return nsock - closed; }

void close_all(void) {
  for (int i = 0; i < nsock; i++) close(fds[i]);
  nsock = 0;
}
