// The page-load generator of scripts/bench-scale (bench-http-client.ts), compiled at run time by bun:ffi's
// built-in TinyCC: C keep-alive connections, one GET in flight on each, flat out for a fixed time. Like wrk, it
// only reads the status line and Content-Length and counts the body down, so that on a machine it shares with
// the servers it measures it takes little of their CPU. No system headers (bench-libc.h).
#include "bench-libc.h"

#define MAX_CONNS 1024
#define BUCKETS 100000 /* 0.1 ms each, up to 10 s */

struct conn { int fd; int in_body; long remaining; int ok; long long sent_us; int head_len; char head[2048]; };
static struct conn conns[MAX_CONNS];
static unsigned int hist[BUCKETS];
static long long done_ok = 0;
static long long errors = 0;
static char buf[1 << 16];

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static long content_length(const char *h, long n) {
  static const char key[] = "\r\ncontent-length:";
  for (long i = 0; i + 17 <= n; i++) {
    int k = 0;
    while (k < 17 && lower(h[i + k]) == key[k]) k++;
    if (k < 17) continue;
    long v = -1;
    for (long j = i + 17; j < n; j++) {
      if (h[j] == ' ') continue;
      if (h[j] < '0' || h[j] > '9') break;
      v = (v < 0 ? 0 : v * 10) + (h[j] - '0');
    }
    return v;
  }
  return -1;
}

// Runs `conns_n` connections for `ms` milliseconds, each sending `request` again as soon as its previous response
// is complete; connection i goes to 127.0.0.1:port_a when i is even, port_b when odd (0: port_a too), so one loop
// serves two servers. With pace_us > 0 a wake-up waits that long before it reads, so that it finds more responses
// complete (the response times include that wait). Returns the number of 200 responses; error_count() and p99_us()
// tell the rest.
long long run(int port_a, int port_b, const char *request, int request_len, int conns_n, int ms, int pace_us) {
  int ep = epoll_create1(0);
  if (conns_n > MAX_CONNS) conns_n = MAX_CONNS;
  for (int i = 0; i < BUCKETS; i++) hist[i] = 0;
  done_ok = 0;
  errors = 0;
  long long start = now_us();
  long long until = start + ms * 1000LL;
  int live = 0;
  for (int i = 0; i < conns_n; i++) {
    struct conn *c = &conns[i];
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = loopback((i % 2 == 1 && port_b > 0) ? port_b : port_a);
    if (c->fd < 0 || connect(c->fd, &sa, sizeof sa) != 0) {
      errors++;
      if (c->fd >= 0) close(c->fd);
      c->fd = -1;
      continue;
    }
    fcntl(c->fd, F_SETFL, O_NONBLOCK);
    struct epoll_event ev = { EPOLLIN, (unsigned long long)i };
    epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
    c->in_body = 0;
    c->head_len = 0;
    c->sent_us = now_us();
    send(c->fd, request, request_len, 0);
    live++;
  }
  struct epoll_event events[256];
  while (live > 0) {
    long long left = (until - now_us()) / 1000;
    if (left <= 0) break;
    int n = epoll_wait(ep, events, 256, (int)left);
    if (pace_us > 0 && n < 256) pause_us(pace_us);
    for (int e = 0; e < n; e++) {
      int i = (int)events[e].data;
      struct conn *c = &conns[i];
      for (;;) {
        long r = recv(c->fd, buf, sizeof buf, 0);
        if (r <= 0) {
          if (r == 0 || *__errno_location() != EAGAIN) {
            errors++;
            close(c->fd);
            c->fd = -1;
            live--;
          }
          break;
        }
        long body = r;
        if (!c->in_body) {
          long take = r < (long)sizeof c->head - c->head_len ? r : (long)sizeof c->head - c->head_len;
          memcpy(c->head + c->head_len, buf, take);
          long have = c->head_len + take;
          char *end = memmem(c->head, have, "\r\n\r\n", 4);
          if (!end) {
            c->head_len = have;
            if (have == (long)sizeof c->head) errors++;
            continue;
          }
          long head_bytes = end + 4 - c->head;
          c->remaining = content_length(c->head, head_bytes);
          c->ok = memmem(c->head, 12, " 200", 4) != 0;
          c->in_body = 1;
          body = r - (head_bytes - c->head_len);
          c->head_len = 0;
          if (c->remaining < 0) {
            errors++;
            close(c->fd);
            c->fd = -1;
            live--;
            break;
          }
        }
        c->remaining -= body;
        if (c->remaining > 0) continue;
        c->in_body = 0;
        long long t = now_us();
        if (c->ok) {
          done_ok++;
          long b = (long)((t - c->sent_us) / 100);
          hist[b < BUCKETS ? b : BUCKETS - 1]++;
        } else {
          errors++;
        }
        if (t >= until) break;
        c->sent_us = t;
        send(c->fd, request, request_len, 0);
        break;
      }
    }
  }
  for (int i = 0; i < conns_n; i++) if (conns[i].fd >= 0) close(conns[i].fd);
  close(ep);
  return done_ok;
}

long long error_count(void) { return errors; }

// The 99th percentile of the last run's response times, in microseconds.
long long p99_us(void) {
  long long want = done_ok - done_ok / 100;
  long long seen = 0;
  for (int i = 0; i < BUCKETS; i++) {
    seen += hist[i];
    if (seen >= want && seen > 0) return (long long)i * 100 + 50;
  }
  return 0;
}
