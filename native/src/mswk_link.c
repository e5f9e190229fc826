/*
 * Links (see mswk_link.h): one TCP connection per Mswk exchange between processes of two MPI
 * jobs. Wire format: the connector's first line "X <its key> <port>\n" names the exchange;
 * then messages both ways, each a 16-byte header (tag as big-endian int32, 4 zero bytes,
 * length as big-endian uint64) and the bytes.
 */
#define _GNU_SOURCE
#include "mswk_link.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SLICE_MS 100     /* how often a wait looks at the peer's liveness */
#define HELLO_MAX 1400   /* "X key port\n": key < 64, port < MPI_MAX_PORT_NAME (1024 on Open MPI) */
#define HEADER 16
#define MAX_MESSAGE ((size_t)1 << 36) /* a larger announced length is a corrupt stream, not a message */

typedef struct frame {
  int tag;
  size_t len;
  char *data;
  struct frame *next;
} frame_t;

struct mswk_link {
  int fd;
  char peer[64];
  int grace_ms;      /* how long a broken connection may wait for the liveness verdict */
  frame_t *pending;  /* received, not yet matched by a receive, in arrival order */
};

static int listen_fd = -1;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int mswk_link_listen(const char *ip, char *ep, size_t eplen) {
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1) return -1;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 64) != 0) {
    close(fd);
    return -1;
  }
  socklen_t len = sizeof sa;
  getsockname(fd, (struct sockaddr *)&sa, &len);
  snprintf(ep, eplen, "%s:%d", ip, ntohs(sa.sin_port));
  listen_fd = fd;
  return 0;
}

void mswk_link_unlisten(void) {
  if (listen_fd >= 0) close(listen_fd);
  listen_fd = -1;
}

static void tune(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* The connection failed or closed: the peer's process ended (the liveness service will say so
 * within grace) or it gave the exchange up. */
static int broken(const mswk_link_t *l) {
  double until = now_ms() + l->grace_ms;
  while (!mswk_link_peer_dead(l->peer)) {
    if (now_ms() >= until) return LINK_BROKEN;
    struct timespec ts = {0, 20 * 1000000L};
    nanosleep(&ts, NULL);
  }
  return LINK_PEER_DEAD;
}

/* Waits until fd is ready for `events`; LINK_OK, or the peer's death. */
static int wait_ready(const mswk_link_t *l, short events) {
  for (;;) {
    struct pollfd p = {l->fd, events, 0};
    int r = poll(&p, 1, SLICE_MS);
    if (r > 0) return LINK_OK; /* readable, writable, or an error the next call reports */
    if (r < 0 && errno != EINTR) return broken(l);
    if (mswk_link_peer_dead(l->peer)) return LINK_PEER_DEAD;
  }
}

static int write_all(const mswk_link_t *l, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = send(l->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w > 0) {
      p += w;
      n -= (size_t)w;
    } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      int rc = wait_ready(l, POLLOUT);
      if (rc != LINK_OK) return rc;
    } else {
      return broken(l);
    }
  }
  return LINK_OK;
}

static int read_all(const mswk_link_t *l, char *p, size_t n) {
  while (n > 0) {
    ssize_t r = recv(l->fd, p, n, MSG_DONTWAIT);
    if (r > 0) {
      p += r;
      n -= (size_t)r;
    } else if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      int rc = wait_ready(l, POLLIN);
      if (rc != LINK_OK) return rc;
    } else {
      return broken(l); /* 0: closed by the peer */
    }
  }
  return LINK_OK;
}

static mswk_link_t *new_link(int fd, const char *peer, int grace_ms) {
  mswk_link_t *l = calloc(1, sizeof *l);
  if (!l) return NULL;
  l->fd = fd;
  snprintf(l->peer, sizeof l->peer, "%s", peer);
  l->grace_ms = grace_ms;
  return l;
}

/* Reads the connector's "X key port" line, at most until `until`. 1 when it names key and port. */
static int hello_matches(mswk_link_t *l, const char *key, const char *port, double until) {
  char line[HELLO_MAX + 1];
  size_t have = 0;
  for (;;) {
    /* peek, so that no byte after the line is consumed */
    ssize_t r = recv(l->fd, line, HELLO_MAX, MSG_PEEK | MSG_DONTWAIT);
    if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) return 0;
    if (r > 0) {
      char *nl = memchr(line, '\n', (size_t)r);
      if (nl) {
        have = (size_t)(nl - line) + 1;
        break;
      }
      if (r == HELLO_MAX) return 0; /* no line: not a Mswk connector */
    }
    if (now_ms() >= until) return 0;
    struct pollfd p = {l->fd, POLLIN, 0};
    poll(&p, 1, SLICE_MS);
  }
  if (recv(l->fd, line, have, 0) != (ssize_t)have) return 0;
  line[have - 1] = 0;
  char expected[HELLO_MAX + 1];
  snprintf(expected, sizeof expected, "X %s %s", key, port);
  return strcmp(line, expected) == 0;
}

int mswk_link_accept(const char *key, const char *port, int bound_ms, mswk_link_t **out) {
  double until = now_ms() + bound_ms;
  for (;;) {
    if (mswk_link_peer_dead(key)) return LINK_PEER_DEAD;
    if (now_ms() >= until) return LINK_TIMEOUT;
    struct pollfd p = {listen_fd, POLLIN, 0};
    if (poll(&p, 1, SLICE_MS) <= 0) continue;
    int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) continue;
    tune(fd);
    mswk_link_t *l = new_link(fd, key, bound_ms);
    if (l && hello_matches(l, key, port, now_ms() + bound_ms)) {
      *out = l;
      return LINK_OK;
    }
    /* a stale or foreign connection: refused, the wait goes on */
    close(fd);
    free(l);
  }
}

int mswk_link_connect(const char *ep, const char *self_key, const char *peer_key, const char *port,
                      int bound_ms, mswk_link_t **out) {
  char host[64];
  snprintf(host, sizeof host, "%s", ep);
  char *colon = strrchr(host, ':');
  if (!colon) return LINK_BROKEN;
  *colon = 0;
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons((unsigned short)atoi(colon + 1));
  if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) return LINK_BROKEN;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return LINK_BROKEN;
  mswk_link_t *l = new_link(fd, peer_key, bound_ms);
  if (!l) {
    close(fd);
    return LINK_BROKEN;
  }
  int rc = LINK_OK;
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    if (errno != EINPROGRESS) {
      rc = broken(l);
    } else {
      double until = now_ms() + bound_ms;
      struct pollfd p = {fd, POLLOUT, 0};
      while (rc == LINK_OK && poll(&p, 1, SLICE_MS) == 0) {
        if (mswk_link_peer_dead(peer_key)) rc = LINK_PEER_DEAD;
        else if (now_ms() >= until) rc = LINK_TIMEOUT;
      }
      int err = 0;
      socklen_t n = sizeof err;
      if (rc == LINK_OK && (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &n) != 0 || err)) rc = broken(l);
    }
  }
  if (rc == LINK_OK) {
    tune(fd);
    char hello[HELLO_MAX + 1];
    int n = snprintf(hello, sizeof hello, "X %s %s\n", self_key, port);
    rc = n > 0 && n <= HELLO_MAX ? write_all(l, hello, (size_t)n) : LINK_BROKEN;
  }
  if (rc != LINK_OK) {
    mswk_link_free(l);
    return rc;
  }
  *out = l;
  return LINK_OK;
}

static void put_header(char *h, int tag, size_t len) {
  uint32_t t = htonl((uint32_t)tag);
  memcpy(h, &t, 4);
  memset(h + 4, 0, 4);
  for (int i = 0; i < 8; i++) h[8 + i] = (char)((uint64_t)len >> (56 - 8 * i));
}

static void get_header(const char *h, int *tag, size_t *len) {
  uint32_t t;
  memcpy(&t, h, 4);
  *tag = (int)ntohl(t);
  uint64_t n = 0;
  for (int i = 0; i < 8; i++) n = (n << 8) | (unsigned char)h[8 + i];
  *len = (size_t)n;
}

int mswk_link_send(mswk_link_t *l, int tag, const void *buf, size_t len) {
  char h[HEADER];
  put_header(h, tag, len);
  int rc = write_all(l, h, HEADER);
  return rc != LINK_OK ? rc : write_all(l, buf, len);
}

/* Hands a matched message to the receiver: copy, free, truncation check. */
static int deliver(frame_t *f, void *buf, size_t cap, size_t *len, int *tag_out) {
  memcpy(buf, f->data, f->len < cap ? f->len : cap);
  *len = f->len;
  *tag_out = f->tag;
  int rc = f->len > cap ? LINK_TRUNCATED : LINK_OK;
  free(f->data);
  free(f);
  return rc;
}

/* The next message's tag and length; an announced length beyond MAX_MESSAGE is a broken stream. */
static int read_header(mswk_link_t *l, int *t, size_t *n) {
  char h[HEADER];
  int rc = read_all(l, h, HEADER);
  if (rc != LINK_OK) return rc;
  get_header(h, t, n);
  return *n > MAX_MESSAGE ? LINK_BROKEN : LINK_OK;
}

/* The n bytes of a message with tag t, into a new frame. */
static int read_body(mswk_link_t *l, int t, size_t n, frame_t **out) {
  frame_t *f = calloc(1, sizeof *f);
  if (!f || !(f->data = malloc(n ? n : 1))) {
    free(f);
    return LINK_BROKEN;
  }
  f->tag = t;
  f->len = n;
  int rc = read_all(l, f->data, n);
  if (rc != LINK_OK) {
    free(f->data);
    free(f);
    return rc;
  }
  *out = f;
  return LINK_OK;
}

int mswk_link_recv(mswk_link_t *l, int tag, int any_tag, void *buf, size_t cap, size_t *len, int *tag_out) {
  for (frame_t **pp = &l->pending; *pp; pp = &(*pp)->next) {
    if (any_tag || (*pp)->tag == tag) {
      frame_t *f = *pp;
      *pp = f->next;
      return deliver(f, buf, cap, len, tag_out);
    }
  }
  for (;;) {
    int t;
    size_t n;
    int rc = read_header(l, &t, &n);
    if (rc != LINK_OK) return rc;
    if ((any_tag || t == tag) && n <= cap) { /* the common case: straight into the receiver's buffer */
      rc = read_all(l, buf, n);
      *len = n;
      *tag_out = t;
      return rc;
    }
    frame_t *f = NULL;
    rc = read_body(l, t, n, &f);
    if (rc != LINK_OK) return rc;
    if (any_tag || t == tag) return deliver(f, buf, cap, len, tag_out);
    frame_t **pp = &l->pending;
    while (*pp) pp = &(*pp)->next;
    *pp = f;
  }
}

/* Reads one whole message into a new frame (the wait bounded like a receive's). */
static int read_frame(mswk_link_t *l, frame_t **out) {
  int t;
  size_t n;
  int rc = read_header(l, &t, &n);
  return rc != LINK_OK ? rc : read_body(l, t, n, out);
}

int mswk_link_probe(mswk_link_t *l, int tag, int any_tag, int wait, int *found, size_t *len, int *tag_out) {
  *found = 0;
  for (;;) {
    frame_t **pp = &l->pending;
    for (; *pp; pp = &(*pp)->next) {
      if (any_tag || (*pp)->tag == tag) {
        *found = 1;
        *len = (*pp)->len;
        *tag_out = (*pp)->tag;
        return LINK_OK;
      }
    }
    if (!wait) { /* a message under way: only when its first byte is here */
      struct pollfd p = {l->fd, POLLIN, 0};
      if (poll(&p, 1, 0) <= 0) return mswk_link_peer_dead(l->peer) ? LINK_PEER_DEAD : LINK_OK;
    }
    frame_t *f = NULL;
    int rc = read_frame(l, &f);
    if (rc != LINK_OK) return rc;
    *pp = f; /* kept in arrival order for the receive that follows */
  }
}

void mswk_link_free(mswk_link_t *l) {
  if (!l) return;
  if (l->fd >= 0) close(l->fd);
  while (l->pending) {
    frame_t *f = l->pending;
    l->pending = f->next;
    free(f->data);
    free(f);
  }
  free(l);
}
