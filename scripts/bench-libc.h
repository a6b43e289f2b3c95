// The few libc prototypes and Linux x86-64 structures the C load generators of the benchmarks need
// (bench-http-client.c, bench-chat-client.c). Declared here because bun:ffi's TinyCC compiles them on machines
// without system headers (a fresh Debian has no libc6-dev); the symbols come from the running process's libc.
typedef unsigned long size_t;
typedef unsigned int u32;
typedef unsigned short u16;

int socket(int domain, int type, int protocol);
int connect(int fd, const void *addr, u32 len);
long send(int fd, const void *buf, size_t len, int flags);
long recv(int fd, void *buf, size_t len, int flags);
int close(int fd);
int fcntl(int fd, int cmd, ...);
int epoll_create1(int flags);
int epoll_ctl(int epfd, int op, int fd, void *event);
int epoll_wait(int epfd, void *events, int max, int timeout);
void *memmem(const void *hay, size_t hlen, const void *needle, size_t nlen);
void *memcpy(void *dst, const void *src, size_t n);
void *memchr(const void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
int clock_gettime(int clock, void *ts);
int nanosleep(const void *req, void *rem);
int snprintf(char *s, size_t n, const char *fmt, ...);
int *__errno_location(void);

struct sockaddr_in { u16 family; u16 port; u32 addr; char zero[8]; };
struct epoll_event { u32 events; unsigned long long data; } __attribute__((packed));
struct timespec { long sec; long nsec; };

#define AF_INET 2
#define SOCK_STREAM 1
#define F_SETFL 4
#define O_NONBLOCK 04000
#define EPOLL_CTL_ADD 1
#define EPOLLIN 1
#define EAGAIN 11
#define CLOCK_MONOTONIC 1

/** 127.0.0.1:port, network byte order. */
static struct sockaddr_in loopback(int port) {
  struct sockaddr_in sa = { AF_INET, (u16)(((port & 0xff) << 8) | ((port >> 8) & 0xff)), 0x0100007f };
  return sa;
}

/** A monotonic clock in microseconds. */
static long long now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.sec * 1000000LL + ts.nsec / 1000;
}

/** Sleeps for us microseconds (below one second). */
static void pause_us(long us) {
  struct timespec ts = { 0, us * 1000L };
  nanosleep(&ts, 0);
}
