// The sockets of scripts/bench-chat-client.ts, compiled at run time by bun:ffi's built-in TinyCC: counting sockets,
// which count the chat messages they receive, or senders, which keep a window of chat messages in flight on a bot's
// JSON socket and take their own message coming back as its acknowledgement.
// A JavaScript socket costs about as much CPU per read as the server spends writing it, and the clients share
// the machine with the servers they measure; this loop costs a fraction of that. No system headers (bench-libc.h).
#include "bench-libc.h"

#define MAX_SOCKETS 65536
#define MAX_NEEDLE 40
// The benchmarks' senders begin each message with "¶bench" (U+00B6 is C2 B6 in UTF-8). A needle is found with memchr
// for that rare byte, which glibc vectorises, then a compare; memmem for "bench " was a quarter of this loop's CPU.
#define MARK '\xb6'
// A counting socket counts every message; a sender counts its own, by the text of its JSON event.
#define COUNT_NEEDLE "\xc2\xb6" "bench"

static int ep = -1;
static int nsock = 0;
static int fds[MAX_SOCKETS];
static char needles[MAX_SOCKETS][MAX_NEEDLE];
static int nlens[MAX_SOCKETS];
static int marks[MAX_SOCKETS];
static char tails[MAX_SOCKETS][MAX_NEEDLE - 1];
static int tail_len[MAX_SOCKETS];
static int ids[MAX_SOCKETS];
static int inflight[MAX_SOCKETS];
static int closed = 0;
static long long count = 0;
static long long reads = 0;
static long long sent = 0;
static long long seq = 0;
static int window = 0;
static char buf[1 << 16];

// Socket i's needles in a chunk, plus one split between its previous chunk and this one.
static long scan(int i, const char *p, long n) {
  const char *needle = needles[i];
  int len = nlens[i];
  int mark = marks[i];
  long found = 0;
  const char *end = p + n;
  const char *at = p + mark;
  while (at < end) {
    const char *hit = memchr(at, MARK, end - at);
    if (!hit) break;
    if (hit - mark + len <= end && memcmp(hit - mark, needle, len) == 0) found++;
    at = hit + 1;
  }
  if (tail_len[i] > 0) {
    char joint[2 * (MAX_NEEDLE - 1)];
    long head = n < len - 1 ? n : len - 1;
    memcpy(joint, tails[i], tail_len[i]);
    memcpy(joint + tail_len[i], p, head);
    if (memmem(joint, tail_len[i] + head, needle, len)) found++;
  }
  long keep = n < len - 1 ? n : len - 1;
  memcpy(tails[i], end - keep, keep);
  tail_len[i] = keep;
  return found;
}

// One chat message from sender i, as a masked text frame (a zero mask: the payload goes as it is).
static void send_one(int i) {
  char frame[128];
  int len = snprintf(frame + 6, sizeof frame - 6, "{\"type\":\"chat\",\"text\":\"\xc2\xb6" "bench s%d-%lld\"}", ids[i], seq++);
  frame[0] = (char)0x81;
  frame[1] = (char)(0x80 | len);
  frame[2] = frame[3] = frame[4] = frame[5] = 0;
  send(fds[i], frame, 6 + len, 0);
  inflight[i]++;
  sent++;
}

static void top_up(int i) {
  while (inflight[i] < window) send_one(i);
}

// Takes what a read brought: a counting socket counts, a sender takes its acknowledgements and sends again.
static void take(int i, const char *p, long n) {
  long found = scan(i, p, n);
  if (ids[i] < 0) {
    count += found;
    return;
  }
  inflight[i] = inflight[i] > found ? inflight[i] - (int)found : 0;
  top_up(i);
}

// Opens n sockets to 127.0.0.1:port and sends each the upgrade request; returns how many were upgraded (101).
// first_sender < 0: counting sockets; otherwise senders numbered from first_sender (idle until start_sending).
int open_sockets(int port, const char *request, int request_len, int n, int first_sender) {
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
    ids[i] = first_sender < 0 ? -1 : first_sender + upgraded;
    inflight[i] = 0;
    tail_len[i] = 0;
    if (ids[i] < 0) nlens[i] = snprintf(needles[i], MAX_NEEDLE, "%s", COUNT_NEEDLE);
    else nlens[i] = snprintf(needles[i], MAX_NEEDLE, "\"text\":\"\xc2\xb6" "bench s%d-", ids[i]);
    marks[i] = (int)((char *)memchr(needles[i], MARK, nlens[i]) - needles[i]);
    long rest = have - (end + 4 - buf);
    if (rest > 0) take(i, end + 4, rest);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    struct epoll_event ev = { EPOLLIN, (unsigned long long)i };
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    upgraded++;
  }
  return upgraded;
}

// Senders keep w messages each in flight from now on (0: they stop sending).
void start_sending(int w) {
  window = w;
  for (int i = 0; i < nsock; i++) if (ids[i] >= 0) top_up(i);
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
          take(i, buf, r);
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
long long take_sent(void) { return sent; }
void reset_counts(void) { count = 0; reads = 0; sent = 0; }
int open_count(void) { return nsock - closed; }

void close_all(void) {
  for (int i = 0; i < nsock; i++) close(fds[i]);
  nsock = 0;
}
