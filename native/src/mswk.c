/*
 * Failure-isolating Mswk calls (FJMPI_Mswk_connect/accept/disconnect and
 * bounded send/recv) for Open MPI 4.1 run with `mpirun --enable-recovery`.
 * Declarations and environment knobs: native/include/jmswk_mswk.h.
 *
 * Open MPI 4.1 never reports a dead peer to connect, accept, disconnect or a
 * receive: they block forever. So liveness is learnt outside MPI and every
 * blocking MPI call is either polled or run where it may block harmlessly:
 *
 *  - Liveness service. Each process runs one thread (no MPI calls) with a TCP
 *    listener; its address is published with MPI_Publish_name under
 *    "jmswk.live.<key>", key = the process's Open MPI name "jobid.vpid"
 *    (PMIX_ID; a port name's owner is the part before its last ':').
 *    Peers hold one TCP connection per pair and send a heartbeat line every
 *    timeout/5. A peer is dead when its connection closes (a killed process:
 *    the kernel closes it at once) or stays silent for JMSWK_MSWK_TIMEOUT_MS
 *    (lost node, network cut). A spawned process connects to its parent
 *    (OMPI_PARENT_PORT) at init and exits when the parent is lost.
 *  - connect/accept: a rendezvous over the heartbeat connection first. The
 *    connector sends "W P" (want port P) to P's owner and waits for "G P"
 *    (go) or the owner's death; the acceptor waits, outside MPI, for a "W P"
 *    or the death of the peer it expects on P (the announcer, the last user of
 *    P, the "jmswk_peer" info key, or its only fresh child; with nobody known,
 *    for at most the "jmswk_timeout_ms" info value or JMSWK_MSWK_UNKNOWN_TIMEOUT_MS), answers "G P",
 *    and only then do both enter MPI_Comm_connect/accept, which complete in
 *    milliseconds. A peer dying inside that residual window leaves the call
 *    to Open MPI (bounded only by pmix_base_exchange_timeout, if set).
 *    Across MPI jobs (Java callers alone in the call) the "go" names a link
 *    endpoint instead and no MPI call follows: the exchange's messages go over
 *    a TCP connection of its own (mswk_link.c), bounded like everything else.
 *  - disconnect: both sides send "B P" and wait for the other's (or its
 *    death) before MPI_Comm_disconnect; a dead peer's communicator is freed
 *    instead (MPI_Comm_disconnect would never return).
 *  - send/recv: isend/irecv + MPI_Test polling; given up (cancel / request
 *    free) when the peer dies.
 * The liveness thread makes no MPI calls: MPI_THREAD_FUNNELED suffices.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <mpi.h>
#include "jmswk_mswk.h"
#include "jmswk_handles.h"
#include "mswk_link.h"
#include "mswk_domain.h"

#define API __attribute__((visibility("default")))
#define HIDDEN __attribute__((visibility("hidden")))
#define KEYLEN 64
#define EPLEN 64
#define MAXPEERS 4096
#define MAXEXPECT 4096
#define MAXCOMMS 4096
#define SERVICE_PREFIX "jmswk.live."
#define ORPHAN_EXIT_STATUS 70

/* handles as int64 bits: jmswk_handles.h */

/* ---- configuration -------------------------------------------------------- */
static int cfg_timeout_ms = 2000;
static int cfg_hb_ms = 400;
static int cfg_unknown_ms = 60000;
static int cfg_orphan_exit = 1;
static int cfg_debug = 0;
static int cfg_link = 1;

static void dbg(const char *fmt, ...) {
  if (!cfg_debug) return;
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "[jmswk-mswk %d] ", (int)getpid());
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- state (all under mu) ---------------------------------------------- */
typedef struct {
  char key[KEYLEN];      /* "" until the peer identified itself */
  int fd;                /* -1 when closed */
  int dead;
  int unreachable;       /* dead by silence: its host stopped answering (node lost, network cut) */
  int is_parent;
  int reported;          /* handed out by next_failed */
  int child;             /* said "C": spawned by us */
  int announced;         /* has announced a port ("P") */
  double last_rx;
  double t_dead;
  char in[512];
  int inlen;
} peer_t;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv;
static peer_t peers[MAXPEERS];
static int npeers;
static struct { char port[MPI_MAX_PORT_NAME]; char key[KEYLEN]; } expect[MAXEXPECT];
static int nexpect;
/* Mswk communicators: their peer, port, and, for an exchange across MPI jobs, the link that
 * carries it (the communicator is then a local stand-in, see mswk_connect) */
static struct {
  MPI_Comm comm;
  char key[KEYLEN];
  char port[MPI_MAX_PORT_NAME];
  mswk_link_t *link;
  int used;
} comms[MAXCOMMS];
static atomic_int dead_epoch;
static int started, stopping, listen_fd = -1, wake_pipe[2] = {-1, -1};
static pthread_t live_thread;
static char self_key[KEYLEN];
static char self_ep[EPLEN];
static char self_link_ep[EPLEN];
static char parent_key[KEYLEN];
static int parent_linked;
static int err_peer_dead = MPI_ERR_OTHER, err_timeout = MPI_ERR_OTHER;
static atomic_long st_released;

static int set_comm_key(MPI_Comm c, const char *key, const char *port, mswk_link_t *link) {
  for (int i = 0; i < MAXCOMMS; i++) {
    if (!comms[i].used) {
      comms[i].used = 1;
      comms[i].comm = c;
      comms[i].link = link;
      snprintf(comms[i].key, KEYLEN, "%s", key);
      snprintf(comms[i].port, MPI_MAX_PORT_NAME, "%s", port);
      return 0;
    }
  }
  return -1;
}
/* copies the key of c into key (or ""), and its port and link if asked; optionally forgets c */
static void get_comm_key(MPI_Comm c, char *key, char *port, mswk_link_t **link, int forget) {
  key[0] = 0;
  if (port) port[0] = 0;
  if (link) *link = NULL;
  pthread_mutex_lock(&mu);
  for (int i = 0; i < MAXCOMMS; i++) {
    if (comms[i].used && comms[i].comm == c) {
      snprintf(key, KEYLEN, "%s", comms[i].key);
      if (port) snprintf(port, MPI_MAX_PORT_NAME, "%s", comms[i].port);
      if (link) *link = comms[i].link;
      if (forget) comms[i].used = 0;
      break;
    }
  }
  pthread_mutex_unlock(&mu);
}

/* owner of a port name: the part before the last ':' ("jobid.vpid") */
static void owner_key(const char *port, char *key) {
  const char *colon = strrchr(port, ':');
  size_t n = colon ? (size_t)(colon - port) : strlen(port);
  if (n >= KEYLEN) n = KEYLEN - 1;
  memcpy(key, port, n);
  key[n] = 0;
}

/* mu held. -1 unknown, 0 dead, 1 alive */
static int key_state_locked(const char *key) {
  int seen = 0;
  if (!key || !key[0]) return -1;
  for (int i = 0; i < npeers; i++) {
    if (strcmp(peers[i].key, key) == 0) {
      if (peers[i].dead) return 0;
      seen = 1;
    }
  }
  return seen ? 1 : -1;
}
static peer_t *live_conn_locked(const char *key) {
  for (int i = 0; i < npeers; i++)
    if (!peers[i].dead && peers[i].fd >= 0 && strcmp(peers[i].key, key) == 0) return &peers[i];
  return NULL;
}

static void wake_thread(void) {
  char c = 'w';
  if (wake_pipe[1] >= 0) (void)!write(wake_pipe[1], &c, 1);
}

static void mark_dead_locked(peer_t *p, const char *why, int unreachable) {
  if (p->dead) return;
  p->dead = 1;
  p->unreachable = unreachable;
  p->t_dead = now_ms();
  if (p->fd >= 0) close(p->fd);
  p->fd = -1;
  atomic_fetch_add(&dead_epoch, 1);
  pthread_cond_broadcast(&cv);
  dbg("peer %s dead (%s)", p->key[0] ? p->key : "?", why);
  if (p->is_parent && cfg_orphan_exit && !stopping) {
    fprintf(stderr, "jmswk: parent process %s lost (%s); exiting\n", p->key, why);
    _exit(ORPHAN_EXIT_STATUS);
  }
}

static peer_t *add_peer_locked(const char *key, int fd) {
  if (npeers >= MAXPEERS) return NULL;
  peer_t *p = &peers[npeers++];
  memset(p, 0, sizeof *p);
  snprintf(p->key, KEYLEN, "%s", key ? key : "");
  p->fd = fd;
  p->last_rx = now_ms();
  if (parent_key[0] && strcmp(p->key, parent_key) == 0) p->is_parent = 1;
  return p;
}

static void send_line_locked(peer_t *p, const char *line) {
  if (p->fd < 0) return;
  size_t n = strlen(line);
  ssize_t w = send(p->fd, line, n, MSG_NOSIGNAL | MSG_DONTWAIT);
  if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) mark_dead_locked(p, "send failed", 0);
}

static void set_expect_locked(const char *port, const char *key) {
  for (int i = 0; i < nexpect; i++) {
    if (strcmp(expect[i].port, port) == 0) {
      snprintf(expect[i].key, KEYLEN, "%s", key);
      return;
    }
  }
  if (nexpect >= MAXEXPECT) nexpect = 0; /* recycle: oldest entries go first */
  snprintf(expect[nexpect].port, MPI_MAX_PORT_NAME, "%s", port);
  snprintf(expect[nexpect].key, KEYLEN, "%s", key);
  nexpect++;
}
static void get_expect_locked(const char *port, char *key) {
  key[0] = 0;
  for (int i = 0; i < nexpect; i++)
    if (strcmp(expect[i].port, port) == 0) snprintf(key, KEYLEN, "%s", expect[i].key);
}

static void sig_add_locked(char type, const char *port, const char *key, const char *extra);
static void handle_line_locked(peer_t *p, char *line) {
  if (line[0] == 'I' && line[1] == ' ') {
    if (!p->key[0]) snprintf(p->key, KEYLEN, "%s", line + 2);
    if (parent_key[0] && strcmp(p->key, parent_key) == 0) p->is_parent = 1;
    pthread_cond_broadcast(&cv);
  } else if (line[0] == 'C' && line[1] == 0) {
    p->child = 1;
    pthread_cond_broadcast(&cv);
  } else if ((line[0] == 'W' || line[0] == 'L' || line[0] == 'G' || line[0] == 'B') && line[1] == ' ' && p->key[0]) {
    /* "L P" is "W P" from a connector that can take a link; the acceptor sees a W with extra "L" */
    char type = line[0] == 'L' ? 'W' : line[0];
    if (type == 'W') {
      p->announced = 1;
      set_expect_locked(line + 2, p->key);
    }
    sig_add_locked(type, line + 2, p->key, line[0] == 'L' ? "L" : "");
    pthread_cond_broadcast(&cv);
  } else if (line[0] == 'K' && line[1] == ' ' && p->key[0]) {
    /* "K <link endpoint> P": go, over a link to that endpoint; a G with the endpoint as extra */
    char *port = strchr(line + 2, ' ');
    if (port && port - (line + 2) < EPLEN) {
      *port++ = 0;
      sig_add_locked('G', port, p->key, line + 2);
      pthread_cond_broadcast(&cv);
    }
  } /* 'H': heartbeat, nothing else to do */
}

static void read_peer_locked(peer_t *p) {
  for (;;) {
    ssize_t n = recv(p->fd, p->in + p->inlen, sizeof p->in - 1 - p->inlen, MSG_DONTWAIT);
    if (n == 0) { mark_dead_locked(p, "connection closed", 0); return; }
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) mark_dead_locked(p, strerror(errno), errno == ETIMEDOUT || errno == EHOSTUNREACH);
      return;
    }
    p->last_rx = now_ms();
    p->inlen += (int)n;
    p->in[p->inlen] = 0;
    char *start = p->in, *nl;
    while ((nl = strchr(start, '\n')) != NULL) {
      *nl = 0;
      handle_line_locked(p, start);
      start = nl + 1;
    }
    p->inlen -= (int)(start - p->in);
    memmove(p->in, start, p->inlen);
    if (p->inlen >= (int)sizeof p->in - 1) p->inlen = 0; /* garbage: drop */
  }
}

static void *live_main(void *arg) {
  (void)arg;
  struct pollfd pf[MAXPEERS + 2];
  int idx[MAXPEERS + 2];
  double last_hb = 0;
  for (;;) {
    int n = 0;
    pthread_mutex_lock(&mu);
    if (stopping) { pthread_mutex_unlock(&mu); break; }
    pf[n].fd = listen_fd; pf[n].events = POLLIN; idx[n++] = -1;
    pf[n].fd = wake_pipe[0]; pf[n].events = POLLIN; idx[n++] = -2;
    for (int i = 0; i < npeers; i++) {
      if (peers[i].fd >= 0 && !peers[i].dead) {
        pf[n].fd = peers[i].fd; pf[n].events = POLLIN; idx[n++] = i;
      }
    }
    pthread_mutex_unlock(&mu);
    int wait = cfg_hb_ms / 2 > 0 ? cfg_hb_ms / 2 : 1;
    int r = poll(pf, n, wait);
    pthread_mutex_lock(&mu);
    if (r > 0) {
      for (int k = 0; k < n; k++) {
        if (!pf[k].revents) continue;
        if (idx[k] == -1) {
          int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (fd >= 0) {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            if (!add_peer_locked("", fd)) close(fd);
          }
        } else if (idx[k] == -2) {
          char buf[64];
          while (read(wake_pipe[0], buf, sizeof buf) > 0) {}
        } else {
          peer_t *p = &peers[idx[k]];
          if (p->fd == pf[k].fd && !p->dead) read_peer_locked(p);
        }
      }
    }
    double t = now_ms();
    if (t - last_hb >= cfg_hb_ms) {
      last_hb = t;
      for (int i = 0; i < npeers; i++)
        if (peers[i].fd >= 0 && !peers[i].dead) send_line_locked(&peers[i], "H\n");
    }
    for (int i = 0; i < npeers; i++)
      if (peers[i].fd >= 0 && !peers[i].dead && t - peers[i].last_rx > cfg_timeout_ms)
        mark_dead_locked(&peers[i], "heartbeat lost", 1);
    pthread_mutex_unlock(&mu);
  }
  return NULL;
}

/* ---- endpoints ------------------------------------------------------------ */
static int pick_addr(struct in_addr *out) {
  const char *env = getenv("JMSWK_MSWK_ADDR");
  if (env && *env) return inet_pton(AF_INET, env, out) == 1 ? 0 : -1;
  char host[256];
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_INET;
  if (gethostname(host, sizeof host) == 0 && getaddrinfo(host, NULL, &hints, &res) == 0 && res) {
    *out = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
    freeaddrinfo(res);
    return 0;
  }
  inet_pton(AF_INET, "127.0.0.1", out);
  return 0;
}

static int open_listener(void) {
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  if (pick_addr(&sa.sin_addr) != 0) return -1;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 128) != 0) {
    close(fd);
    return -1;
  }
  socklen_t len = sizeof sa;
  getsockname(fd, (struct sockaddr *)&sa, &len);
  char a[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &sa.sin_addr, a, sizeof a);
  snprintf(self_ep, EPLEN, "%s:%d", a, ntohs(sa.sin_port));
  listen_fd = fd;
  return 0;
}

/* TCP connect bounded by cfg_timeout_ms. 0 ok, -1 refused/unreachable (dead), -2 timeout */
static int tcp_connect(const char *ep, int *fd_out) {
  char host[EPLEN];
  snprintf(host, sizeof host, "%s", ep);
  char *colon = strrchr(host, ':');
  if (!colon) return -1;
  *colon = 0;
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons((unsigned short)atoi(colon + 1));
  if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) return -1;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int rc = connect(fd, (struct sockaddr *)&sa, sizeof sa);
  if (rc != 0 && errno != EINPROGRESS) { close(fd); return -1; }
  if (rc != 0) {
    struct pollfd p = {fd, POLLOUT, 0};
    if (poll(&p, 1, cfg_timeout_ms) <= 0) { close(fd); return -2; }
    int err = 0;
    socklen_t l = sizeof err;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l);
    if (err) { close(fd); return -1; }
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  *fd_out = fd;
  return 0;
}

static int lookup_endpoint(const char *key, char *ep) {
  char service[KEYLEN + 32];
  char value[MPI_MAX_PORT_NAME];
  MPI_Errhandler old;
  snprintf(service, sizeof service, SERVICE_PREFIX "%s", key);
  MPI_Comm_get_errhandler(MPI_COMM_WORLD, &old);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  int rc = MPI_Lookup_name(service, MPI_INFO_NULL, value);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, old);
  if (old != MPI_ERRORS_ARE_FATAL && old != MPI_ERRORS_RETURN) MPI_Errhandler_free(&old);
  if (rc != MPI_SUCCESS) return -1;
  snprintf(ep, EPLEN, "%.63s", value);
  return 0;
}

/* Make sure a heartbeat connection to key exists.
 * Returns 1 alive, 0 dead, -1 unknown (not a jmswk process, or not published). */
static int ensure_peer(const char *key) {
  char ep[EPLEN];
  pthread_mutex_lock(&mu);
  int st = key_state_locked(key);
  peer_t *p = live_conn_locked(key);
  pthread_mutex_unlock(&mu);
  if (st == 0) return 0;
  if (p) return 1;
  if (strcmp(key, self_key) == 0) return 1;
  if (lookup_endpoint(key, ep) != 0) return -1;
  int fd = -1;
  int rc = tcp_connect(ep, &fd);
  pthread_mutex_lock(&mu);
  if (rc != 0) {
    /* published but not answering: it was there and is gone */
    peer_t *d = add_peer_locked(key, -1);
    if (d) mark_dead_locked(d, rc == -1 ? "connection refused" : "connect timeout", rc != -1);
    pthread_mutex_unlock(&mu);
    return 0;
  }
  p = live_conn_locked(key); /* someone else may have raced us */
  peer_t *n = add_peer_locked(key, fd);
  if (!n) { close(fd); pthread_mutex_unlock(&mu); return p ? 1 : -1; }
  char line[KEYLEN + 4];
  snprintf(line, sizeof line, "I %s\n", self_key);
  send_line_locked(n, line);
  if (parent_key[0] && strcmp(key, parent_key) == 0) {
    n->is_parent = 1;
    send_line_locked(n, "C\n");
  }
  pthread_mutex_unlock(&mu);
  wake_thread();
  dbg("linked to %s at %s", key, ep);
  return 1;
}

static void link_parent(void) {
  if (!parent_key[0] || parent_linked) return;
  if (ensure_peer(parent_key) >= 0) parent_linked = 1;
}

/* ---- start / stop ------------------------------------------------------- */
static int mswk_start(void) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) return MPI_ERR_OTHER;
  pthread_mutex_lock(&mu);
  if (started) { pthread_mutex_unlock(&mu); return MPI_SUCCESS; }
  const char *e;
  if ((e = getenv("JMSWK_MSWK_TIMEOUT_MS")) && atoi(e) > 0) cfg_timeout_ms = atoi(e);
  cfg_hb_ms = cfg_timeout_ms / 5;
  if (cfg_hb_ms < 10) cfg_hb_ms = 10;
  if (cfg_hb_ms > 500) cfg_hb_ms = 500;
  if ((e = getenv("JMSWK_MSWK_UNKNOWN_TIMEOUT_MS"))) cfg_unknown_ms = atoi(e);
  if ((e = getenv("JMSWK_MSWK_ORPHAN_EXIT"))) cfg_orphan_exit = atoi(e) != 0;
  if ((e = getenv("JMSWK_MSWK_DEBUG"))) cfg_debug = atoi(e) != 0;
  if ((e = getenv("JMSWK_MSWK_LINK"))) cfg_link = atoi(e) != 0;
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&cv, &ca);

  if ((e = getenv("PMIX_ID")) && *e) {
    snprintf(self_key, KEYLEN, "%s", e);
  } else {
    char port[MPI_MAX_PORT_NAME];
    if (MPI_Open_port(MPI_INFO_NULL, port) == MPI_SUCCESS) {
      owner_key(port, self_key);
      MPI_Close_port(port);
    } else {
      snprintf(self_key, KEYLEN, "pid%d", (int)getpid());
    }
  }
  /* The parent: the spawner (OMPI_PARENT_PORT), or, for a worker started by its own mpiexec in
   * a failure domain of its own, the master's port it was given (JMSWK_MSWK_PARENT). */
  if ((e = getenv("JMSWK_MSWK_PARENT")) && *e) owner_key(e, parent_key);
  else if ((e = getenv("OMPI_PARENT_PORT")) && *e) owner_key(e, parent_key);

  MPI_Add_error_class(&err_peer_dead);
  MPI_Add_error_string(err_peer_dead, "jmswk: Mswk peer process is dead");
  MPI_Add_error_class(&err_timeout);
  MPI_Add_error_string(err_timeout, "jmswk: Mswk call timed out (peer unknown)");

  if (pipe2(wake_pipe, O_NONBLOCK | O_CLOEXEC) != 0 || open_listener() != 0) {
    pthread_mutex_unlock(&mu);
    fprintf(stderr, "jmswk: cannot open the liveness listener: %s\n", strerror(errno));
    return MPI_ERR_OTHER;
  }
  /* the link listener: same address as the heartbeat listener */
  char ip[EPLEN];
  snprintf(ip, sizeof ip, "%s", self_ep);
  *strrchr(ip, ':') = 0;
  if (mswk_link_listen(ip, self_link_ep, sizeof self_link_ep) != 0) {
    self_link_ep[0] = 0; /* exchanges across jobs then go through MPI */
    fprintf(stderr, "jmswk: cannot open the link listener: %s\n", strerror(errno));
  }
  stopping = 0;
  if (pthread_create(&live_thread, NULL, live_main, NULL) != 0) {
    pthread_mutex_unlock(&mu);
    return MPI_ERR_OTHER;
  }
  started = 1;
  pthread_mutex_unlock(&mu);

  char service[KEYLEN + 32];
  snprintf(service, sizeof service, SERVICE_PREFIX "%s", self_key);
  MPI_Errhandler old;
  MPI_Comm_get_errhandler(MPI_COMM_WORLD, &old);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  int rc = MPI_Publish_name(service, MPI_INFO_NULL, self_ep);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, old);
  if (old != MPI_ERRORS_ARE_FATAL && old != MPI_ERRORS_RETURN) MPI_Errhandler_free(&old);
  if (rc != MPI_SUCCESS) fprintf(stderr, "jmswk: MPI_Publish_name(%s) failed (%d)\n", service, rc);
  dbg("self %s at %s, parent %s", self_key, self_ep, parent_key[0] ? parent_key : "-");
  link_parent();
  return mswk_domain_child_start();
}

static int mswk_stop(void) {
  pthread_mutex_lock(&mu);
  if (!started) { pthread_mutex_unlock(&mu); return MPI_SUCCESS; }
  pthread_mutex_unlock(&mu);
  mswk_domain_stop();
  pthread_mutex_lock(&mu);
  stopping = 1;
  pthread_mutex_unlock(&mu);
  wake_thread();
  pthread_join(live_thread, NULL);
  pthread_mutex_lock(&mu);
  for (int i = 0; i < npeers; i++)
    if (peers[i].fd >= 0) { close(peers[i].fd); peers[i].fd = -1; }
  close(listen_fd);
  listen_fd = -1;
  mswk_link_unlisten();
  self_link_ep[0] = 0;
  close(wake_pipe[0]);
  close(wake_pipe[1]);
  wake_pipe[0] = wake_pipe[1] = -1;
  started = 0;
  pthread_mutex_unlock(&mu);
  char service[KEYLEN + 32];
  snprintf(service, sizeof service, SERVICE_PREFIX "%s", self_key);
  MPI_Errhandler old;
  MPI_Comm_get_errhandler(MPI_COMM_WORLD, &old);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Unpublish_name(service, MPI_INFO_NULL, self_ep);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, old);
  if (old != MPI_ERRORS_ARE_FATAL && old != MPI_ERRORS_RETURN) MPI_Errhandler_free(&old);
  return MPI_SUCCESS;
}

HIDDEN int ensure_started(void) {
  if (started) { link_parent(); return MPI_SUCCESS; }
  return mswk_start();
}

/* ---- rendezvous signals over the heartbeat connections ----------------
 * 'W' (want): "I am in Mswk_connect for your port P";
 * 'G' (go):   "I saw your W and am entering MPI_Comm_accept on P";
 * 'B' (bye):  "I am in Mswk_disconnect for the exchange made on P";
 * 'L' (want, link): a W from a connector that can take a link;
 * 'K' (go, link):   "K <endpoint> P": connect to my link listener at endpoint.
 * Both sides enter MPI only when the other is alive and inside the matching
 * call, so the MPI rendezvous itself takes milliseconds; a death during that
 * residual window ends at pmix_base_exchange_timeout. */
#define MAXSIG 4096
static struct { char type; char port[MPI_MAX_PORT_NAME]; char key[KEYLEN]; char extra[EPLEN]; int used; } sigs[MAXSIG];

/* extra: "L" on a W whose connector can take a link, the link endpoint on a G that goes over one */
static void sig_add_locked(char type, const char *port, const char *key, const char *extra) {
  int free_slot = -1;
  for (int i = 0; i < MAXSIG; i++) {
    if (!sigs[i].used) { if (free_slot < 0) free_slot = i; continue; }
    if (sigs[i].type == type && strcmp(sigs[i].port, port) == 0 && strcmp(sigs[i].key, key) == 0) return;
  }
  if (free_slot < 0) free_slot = 0; /* full: overwrite */
  sigs[free_slot].used = 1;
  sigs[free_slot].type = type;
  snprintf(sigs[free_slot].port, MPI_MAX_PORT_NAME, "%s", port);
  snprintf(sigs[free_slot].key, KEYLEN, "%s", key);
  snprintf(sigs[free_slot].extra, EPLEN, "%s", extra);
}
/* take a signal of type for port (from key, or from anyone if key is "": key is filled);
 * its extra goes to extra (EPLEN bytes) when asked */
static int sig_take_locked(char type, const char *port, char *key, char *extra) {
  for (int i = 0; i < MAXSIG; i++) {
    if (sigs[i].used && sigs[i].type == type && strcmp(sigs[i].port, port) == 0 &&
        (!key[0] || strcmp(sigs[i].key, key) == 0)) {
      if (!key[0]) snprintf(key, KEYLEN, "%s", sigs[i].key);
      if (extra) snprintf(extra, EPLEN, "%s", sigs[i].extra);
      sigs[i].used = 0;
      return 1;
    }
  }
  return 0;
}
static void sig_send(const char *key, char type, const char *port) {
  char line[EPLEN + MPI_MAX_PORT_NAME + 8]; /* "K <link endpoint> <port>" is the longest */
  snprintf(line, sizeof line, "%c %s\n", type, port);
  pthread_mutex_lock(&mu);
  peer_t *p = live_conn_locked(key);
  if (p) send_line_locked(p, line);
  pthread_mutex_unlock(&mu);
}

static void timedwait_ms(double until) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  double d = until - now_ms();
  if (d < 0) d = 0;
  long ns = ts.tv_nsec + (long)((d - (long)d) * 1e6);
  ts.tv_sec += (time_t)(d / 1000) + ns / 1000000000L;
  ts.tv_nsec = ns % 1000000000L;
  pthread_cond_timedwait(&cv, &mu, &ts);
}

/* The peer an accept on port waits for, while no W has come: the one that
 * used this port before; failing that, when exactly one child of ours has
 * never announced any port and was alive when the call began (one spawn at a
 * time, first contact), that child. */
static void expected_locked(const char *port, char *key, double since) {
  get_expect_locked(port, key);
  if (key[0]) return;
  int fresh = -1, nfresh = 0;
  for (int i = 0; i < npeers; i++) {
    if (!peers[i].child || peers[i].announced || !peers[i].key[0]) continue;
    if (peers[i].dead && peers[i].t_dead < since) continue; /* died before this call */
    int dup = 0;
    for (int j = 0; j < i; j++) if (strcmp(peers[j].key, peers[i].key) == 0) dup = 1;
    if (dup) continue;
    fresh = i;
    nfresh++;
  }
  if (nfresh == 1) snprintf(key, KEYLEN, "%s", peers[fresh].key);
}

/* Wait (mu held) for signal type on port from key (key "" = anyone: filled
 * in; the signal's extra goes to extra when asked). Fails when the peer (key,
 * or expected_locked's guess while key is "") dies, or, while no peer is
 * known, at the deadline (0 = none).
 * Returns 0 got it, 1 peer dead, 2 deadline. */
static int sig_wait_locked(char type, const char *port, char *key, char *extra, double deadline) {
  double since = now_ms();
  for (;;) {
    if (sig_take_locked(type, port, key, extra)) return 0;
    char watch[KEYLEN];
    snprintf(watch, KEYLEN, "%s", key);
    if (!watch[0]) expected_locked(port, watch, since);
    if (watch[0] && key_state_locked(watch) == 0) {
      if (!key[0]) snprintf(key, KEYLEN, "%s", watch);
      return 1;
    }
    double t = now_ms();
    double limit = watch[0] ? 0 : deadline;
    if (limit > 0 && t >= limit) return 2;
    double until = t + 100;
    if (limit > 0 && limit < until) until = limit;
    timedwait_ms(until);
  }
}

static void returns_errors(MPI_Comm c) {
  if (c != MPI_COMM_NULL) MPI_Comm_set_errhandler(c, MPI_ERRORS_RETURN);
}
/* 0, or -1 when MAXCOMMS Mswk communicators are in use */
static int remember_comm(MPI_Comm c, const char *key, const char *port, mswk_link_t *link) {
  pthread_mutex_lock(&mu);
  int rc = set_comm_key(c, key, port, link);
  pthread_mutex_unlock(&mu);
  return rc;
}
static double unknown_deadline(void) { return cfg_unknown_ms > 0 ? now_ms() + cfg_unknown_ms : 0; }

/* after MPI_Comm_connect/accept: a failure is the peer-dead error if the peer died meanwhile;
 * a new intercommunicator returns errors and is remembered with its peer */
static int rendezvous_done(int rc, MPI_Comm r, const char *key, const char *port, MPI_Comm *newcomm) {
  if (rc != MPI_SUCCESS) {
    pthread_mutex_lock(&mu);
    int dead = key[0] && key_state_locked(key) == 0;
    pthread_mutex_unlock(&mu);
    return dead ? err_peer_dead : rc;
  }
  returns_errors(r);
  remember_comm(r, key, port, NULL);
  *newcomm = r;
  return MPI_SUCCESS;
}

/* ---- links: exchanges across MPI jobs (mswk_link.h) ----------------------
 * Used when the calling process is alone in the call (comm of size 1), the call
 * came through the Java binding (a C drop-in caller may use its intercommunicator
 * with plain MPI calls, so it always gets one), JMSWK_MSWK_LINK is not 0, and the
 * peer belongs to another Open MPI job family (another mpiexec: a worker in a
 * failure domain of its own). Its communicator is then a local stand-in (a
 * duplicate of MPI_COMM_SELF) that only the Mswk send/recv/disconnect use. */
int mswk_link_peer_dead(const char *key) {
  pthread_mutex_lock(&mu);
  int dead = key_state_locked(key) == 0;
  pthread_mutex_unlock(&mu);
  return dead;
}

/* The Open MPI job family of a key "jobid.vpid" (the jobid's upper 16 bits), -1 if not one. */
static long job_family(const char *key) {
  char *end;
  errno = 0;
  unsigned long jobid = strtoul(key, &end, 10);
  if (errno || end == key || *end != '.') return -1;
  return (long)(jobid >> 16);
}

static int link_possible(int may_link, MPI_Comm comm, const char *peer_key) {
  int size = 0;
  if (!may_link || !cfg_link || !self_link_ep[0]) return 0;
  MPI_Comm_size(comm, &size);
  long mine = job_family(self_key), theirs = job_family(peer_key);
  return size == 1 && mine >= 0 && theirs >= 0 && mine != theirs;
}

/* A link result as an MPI error code (MPI_SUCCESS for LINK_OK). */
static int link_error(int rc) {
  if (rc == LINK_OK) return MPI_SUCCESS;
  dbg("link: %s", rc == LINK_PEER_DEAD ? "peer dead" : rc == LINK_TIMEOUT ? "timed out" : "connection broken");
  if (rc == LINK_PEER_DEAD) atomic_fetch_add(&st_released, 1);
  return rc == LINK_PEER_DEAD ? err_peer_dead : rc == LINK_TIMEOUT ? err_timeout : MPI_ERR_OTHER;
}

/* The stand-in communicator for a new link, remembered with it. */
static int link_done(int rc, mswk_link_t *link, const char *key, const char *port, MPI_Comm *newcomm) {
  if (rc != LINK_OK) return link_error(rc);
  MPI_Comm c = MPI_COMM_NULL;
  rc = MPI_Comm_dup(MPI_COMM_SELF, &c);
  if (rc != MPI_SUCCESS) {
    mswk_link_free(link);
    return rc;
  }
  returns_errors(c);
  char name[MPI_MAX_OBJECT_NAME];
  snprintf(name, sizeof name, "jmswk link to %s", key);
  MPI_Comm_set_name(c, name);
  if (remember_comm(c, key, port, link) != 0) { /* unremembered, it would be a plain MPI_COMM_SELF */
    fprintf(stderr, "jmswk: more than %d Mswk communicators open; disconnect some\n", MAXCOMMS);
    mswk_link_free(link);
    PMPI_Comm_free(&c);
    return MPI_ERR_INTERN;
  }
  dbg("exchange with %s on %s over a link", key, port);
  *newcomm = c;
  return MPI_SUCCESS;
}

/* Link messages carry predefined datatypes only: their bytes are the message. */
static int link_bytes(MPI_Datatype type, int count, size_t *bytes, int *type_size) {
  int ni, na, nd, combiner;
  if (count < 0) return MPI_ERR_COUNT;
  if (MPI_Type_get_envelope(type, &ni, &na, &nd, &combiner) != MPI_SUCCESS || combiner != MPI_COMBINER_NAMED ||
      MPI_Type_size(type, type_size) != MPI_SUCCESS || *type_size <= 0) {
    dbg("a link carries predefined datatypes only");
    return MPI_ERR_TYPE;
  }
  *bytes = (size_t)count * (size_t)*type_size;
  return MPI_SUCCESS;
}

static int link_send(mswk_link_t *link, const void *buf, int count, MPI_Datatype type, int dest, int tag) {
  size_t bytes;
  int type_size;
  if (dest != 0) return MPI_ERR_RANK;
  if (tag < 0) return MPI_ERR_TAG;
  int rc = link_bytes(type, count, &bytes, &type_size);
  return rc != MPI_SUCCESS ? rc : link_error(mswk_link_send(link, tag, buf, bytes));
}

static int link_recv(mswk_link_t *link, void *buf, int count, MPI_Datatype type, int source, int tag,
                     MPI_Status *status) {
  size_t bytes, got = 0;
  int type_size, got_tag = 0;
  if (source != 0 && source != MPI_ANY_SOURCE) return MPI_ERR_RANK;
  if (tag < 0 && tag != MPI_ANY_TAG) return MPI_ERR_TAG;
  int rc = link_bytes(type, count, &bytes, &type_size);
  if (rc != MPI_SUCCESS) return rc;
  rc = mswk_link_recv(link, tag, tag == MPI_ANY_TAG, buf, bytes, &got, &got_tag);
  if (rc != LINK_OK && rc != LINK_TRUNCATED) return link_error(rc);
  if (status && status != MPI_STATUS_IGNORE) {
    status->MPI_SOURCE = 0;
    status->MPI_TAG = got_tag;
    status->MPI_ERROR = rc == LINK_OK ? MPI_SUCCESS : MPI_ERR_TRUNCATE;
    MPI_Status_set_elements(status, type, (int)((got < bytes ? got : bytes) / (size_t)type_size));
    MPI_Status_set_cancelled(status, 0);
  }
  return rc == LINK_OK ? MPI_SUCCESS : MPI_ERR_TRUNCATE;
}

/* How long an alive peer may take to open or name a link it was told to open. */
static int link_bound_ms(void) { return 2 * cfg_timeout_ms + 1000; }

/* ---- the Mswk calls -----------------------------------------------------
 * may_link: the caller takes a stand-in communicator for an exchange across jobs. */
HIDDEN int mswk_connect(const char *port, MPI_Info info, int root, MPI_Comm comm, MPI_Comm *newcomm,
                        int may_link) {
  int rc = ensure_started();
  if (rc != MPI_SUCCESS) return rc;
  *newcomm = MPI_COMM_NULL;
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  char key[KEYLEN] = "";
  if (rank == root) {
    owner_key(port, key);
    int state = ensure_peer(key);
    if (state == 0) { dbg("connect %s: owner dead", port); return err_peer_dead; }
    if (state == 1) {
      char link_ep[EPLEN] = "";
      sig_send(key, link_possible(may_link, comm, key) ? 'L' : 'W', port);
      pthread_mutex_lock(&mu);
      int why = sig_wait_locked('G', port, key, link_ep, 0);
      pthread_mutex_unlock(&mu);
      if (why != 0) {
        atomic_fetch_add(&st_released, 1);
        dbg("connect %s: owner died before accepting", port);
        return err_peer_dead;
      }
      if (link_ep[0]) { /* the acceptor chose a link (it only does when we offered one) */
        mswk_link_t *link = NULL;
        rc = mswk_link_connect(link_ep, self_key, key, port, link_bound_ms(), &link);
        return link_done(rc, link, key, port, newcomm);
      }
    } else {
      key[0] = 0; /* not a jmswk process: plain MPI behaviour */
    }
  }
  MPI_Comm r = MPI_COMM_NULL;
  rc = PMPI_Comm_connect(port, info, root, comm, &r);
  return rendezvous_done(rc, r, key, port, newcomm);
}

HIDDEN int mswk_accept(const char *port, MPI_Info info, int root, MPI_Comm comm, MPI_Comm *newcomm,
                       int may_link) {
  int rc = ensure_started();
  if (rc != MPI_SUCCESS) return rc;
  *newcomm = MPI_COMM_NULL;
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  char key[KEYLEN] = "";
  if (rank == root) {
    double deadline = unknown_deadline();
    if (info != MPI_INFO_NULL) {
      char v[MPI_MAX_INFO_VAL + 1];
      int flag = 0;
      /* "jmswk_timeout_ms": this call's bound while nobody known is expected on the port */
      MPI_Info_get(info, "jmswk_timeout_ms", MPI_MAX_INFO_VAL, v, &flag);
      if (flag && atoi(v) > 0) deadline = now_ms() + atoi(v);
      MPI_Info_get(info, "jmswk_peer", MPI_MAX_INFO_VAL, v, &flag);
      if (flag) {
        char k[KEYLEN];
        owner_key(v, k);
        if (ensure_peer(k) >= 0) {
          pthread_mutex_lock(&mu);
          set_expect_locked(port, k);
          pthread_mutex_unlock(&mu);
        }
      }
    }
    char offer[EPLEN] = "";
    pthread_mutex_lock(&mu);
    int why = sig_wait_locked('W', port, key, offer, deadline);
    pthread_mutex_unlock(&mu);
    if (why != 0) {
      atomic_fetch_add(&st_released, 1);
      dbg("accept %s: %s", port, why == 1 ? "peer dead" : "nobody came");
      return why == 1 ? err_peer_dead : err_timeout;
    }
    if (strcmp(offer, "L") == 0 && link_possible(may_link, comm, key)) {
      char go[EPLEN + MPI_MAX_PORT_NAME + 2];
      snprintf(go, sizeof go, "%s %s", self_link_ep, port);
      sig_send(key, 'K', go);
      mswk_link_t *link = NULL;
      rc = mswk_link_accept(key, port, link_bound_ms(), &link);
      return link_done(rc, link, key, port, newcomm);
    }
    sig_send(key, 'G', port);
  }
  MPI_Comm r = MPI_COMM_NULL;
  rc = PMPI_Comm_accept(port, info, root, comm, &r);
  return rendezvous_done(rc, r, key, port, newcomm);
}

HIDDEN int mswk_disconnect(MPI_Comm *comm) {
  if (*comm == MPI_COMM_NULL) return MPI_ERR_COMM;
  int rc = ensure_started();
  if (rc != MPI_SUCCESS) return rc;
  char key[KEYLEN], port[MPI_MAX_PORT_NAME];
  mswk_link_t *link;
  get_comm_key(*comm, key, port, &link, 1);
  int why = 0;
  if (key[0]) {
    sig_send(key, 'B', port);
    pthread_mutex_lock(&mu);
    why = sig_wait_locked('B', port, key, NULL, 0);
    pthread_mutex_unlock(&mu);
  }
  if (link || why != 0) {
    mswk_link_free(link);
    PMPI_Comm_free(comm); /* a stand-in is local; disconnect would wait for a dead peer forever */
    *comm = MPI_COMM_NULL;
    if (why == 0) return MPI_SUCCESS;
    atomic_fetch_add(&st_released, 1);
    return err_peer_dead;
  }
  return PMPI_Comm_disconnect(comm);
}

/* poll a request; give it up when the peer dies */
static int wait_request(MPI_Request *req, const char *key, MPI_Status *status, int is_recv) {
  MPI_Status st;
  int epoch = -1;
  double start = now_ms();
  long sleep_ns = 20000;
  for (;;) {
    int flag = 0;
    int rc = MPI_Test(req, &flag, &st);
    if (rc != MPI_SUCCESS) return rc;
    if (flag) {
      if (status && status != MPI_STATUS_IGNORE) *status = st;
      return MPI_SUCCESS;
    }
    int e = atomic_load(&dead_epoch);
    if (e != epoch && key[0]) {
      epoch = e;
      pthread_mutex_lock(&mu);
      int s = key_state_locked(key);
      pthread_mutex_unlock(&mu);
      if (s == 0) {
        if (is_recv) MPI_Cancel(req);
        MPI_Request_free(req);
        atomic_fetch_add(&st_released, 1);
        return err_peer_dead;
      }
    }
    if (now_ms() - start > 0.2) { /* spin 200 us, then back off up to 1 ms */
      struct timespec ts = {0, sleep_ns};
      nanosleep(&ts, NULL);
      if (sleep_ns < 1000000) sleep_ns *= 2;
    }
  }
}

HIDDEN int mswk_send(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm) {
  char key[KEYLEN];
  mswk_link_t *link;
  get_comm_key(comm, key, NULL, &link, 0);
  if (link) return link_send(link, buf, count, type, dest, tag);
  MPI_Request req;
  int rc = MPI_Isend(buf, count, type, dest, tag, comm, &req);
  if (rc != MPI_SUCCESS) return rc;
  return wait_request(&req, key, NULL, 0);
}

HIDDEN int mswk_recv(void *buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm,
                     MPI_Status *status) {
  char key[KEYLEN];
  mswk_link_t *link;
  get_comm_key(comm, key, NULL, &link, 0);
  if (link) return link_recv(link, buf, count, type, source, tag, status);
  MPI_Request req;
  int rc = MPI_Irecv(buf, count, type, source, tag, comm, &req);
  if (rc != MPI_SUCCESS) return rc;
  return wait_request(&req, key, status, 1);
}

/* ---- for mswk_domain.c ---------------------------------------------------- */
/* MPI_Probe (wait) / MPI_Iprobe on a link communicator; MPI_ERR_COMM on any other. */
HIDDEN int mswk_probe(int source, int tag, MPI_Comm comm, int wait, int *flag, MPI_Status *status) {
  char key[KEYLEN];
  mswk_link_t *link;
  get_comm_key(comm, key, NULL, &link, 0);
  if (!link) return MPI_ERR_COMM;
  if (source != 0 && source != MPI_ANY_SOURCE) return MPI_ERR_RANK;
  if (tag < 0 && tag != MPI_ANY_TAG) return MPI_ERR_TAG;
  size_t len = 0;
  int got_tag = 0, found = 0;
  int rc = mswk_link_probe(link, tag, tag == MPI_ANY_TAG, wait, &found, &len, &got_tag);
  if (rc != LINK_OK) return link_error(rc);
  *flag = found;
  if (found && status && status != MPI_STATUS_IGNORE) {
    status->MPI_SOURCE = 0;
    status->MPI_TAG = got_tag;
    status->MPI_ERROR = MPI_SUCCESS;
    MPI_Status_set_elements(status, MPI_BYTE, (int)len);
    MPI_Status_set_cancelled(status, 0);
  }
  return MPI_SUCCESS;
}

HIDDEN int mswk_comm_is_link(MPI_Comm c) {
  char key[KEYLEN];
  mswk_link_t *link;
  get_comm_key(c, key, NULL, &link, 0);
  return link != NULL;
}
HIDDEN void mswk_comm_peer(MPI_Comm c, char *key) { get_comm_key(c, key, NULL, NULL, 0); }
/* 1 alive, 0 dead, -1 unknown; *unreachable: dead by silence */
HIDDEN int mswk_peer_status(const char *key, int *unreachable) {
  *unreachable = FJMPI_Mswk_peer_unreachable(key);
  return FJMPI_Mswk_peer_state(key);
}
HIDDEN int mswk_err_peer_dead(void) { return err_peer_dead; }
HIDDEN int mswk_err_timeout(void) { return err_timeout; }
/* Whether port belongs to a process of another Open MPI job family (another mpiexec). */
HIDDEN int mswk_port_across_jobs(const char *port) {
  char key[KEYLEN];
  owner_key(port, key);
  long mine = job_family(self_key), theirs = job_family(key);
  return mine >= 0 && theirs >= 0 && mine != theirs;
}
/* The peer an accept on port waits for (so its death ends the accept at once). */
HIDDEN void mswk_expect(const char *port, const char *key) {
  pthread_mutex_lock(&mu);
  set_expect_locked(port, key);
  pthread_mutex_unlock(&mu);
}

/* ---- exported: C drop-ins ------------------------------------------------ */
API int FJMPI_Mswk_connect(const char *port, MPI_Info info, int root, MPI_Comm comm, MPI_Comm *newcomm) {
  return mswk_connect(port, info, root, comm, newcomm, mswk_domain_active());
}
API int FJMPI_Mswk_accept(const char *port, MPI_Info info, int root, MPI_Comm comm, MPI_Comm *newcomm) {
  return mswk_accept(port, info, root, comm, newcomm, mswk_domain_active());
}
API int FJMPI_Mswk_disconnect(MPI_Comm *comm) { return mswk_disconnect(comm); }
API int FJMPI_Mswk_send(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm) {
  return mswk_send(buf, count, type, dest, tag, comm);
}
API int FJMPI_Mswk_recv(void *buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm,
                        MPI_Status *status) {
  return mswk_recv(buf, count, type, source, tag, comm, status);
}
API int FJMPI_Mswk_init(int *argc, char ***argv) {
  int provided = 0;
  /* Optional bound for a peer dying inside the MPI rendezvous itself (see the
   * header): Open MPI reads OMPI_MCA_* at init. */
  const char *t = getenv("JMSWK_MSWK_EXCHANGE_TIMEOUT_S");
  if (t && atoi(t) > 0 && !getenv("OMPI_MCA_pmix_base_exchange_timeout"))
    setenv("OMPI_MCA_pmix_base_exchange_timeout", t, 1);
  /* the liveness thread makes no MPI calls: FUNNELED is enough */
  int rc = MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  if (rc != MPI_SUCCESS) return rc;
  return mswk_start();
}
API int FJMPI_Mswk_finalize(void) {
  mswk_stop();
  return MPI_Finalize();
}
API int FJMPI_Mswk_err_peer_dead(void) { return err_peer_dead; }
API int FJMPI_Mswk_err_timeout(void) { return err_timeout; }
API int FJMPI_Mswk_peer_state(const char *key) {
  char k[KEYLEN];
  owner_key(key, k);
  pthread_mutex_lock(&mu);
  int s = key_state_locked(k);
  pthread_mutex_unlock(&mu);
  return s;
}
API int FJMPI_Mswk_peer_unreachable(const char *key) {
  char k[KEYLEN];
  owner_key(key, k);
  int unreachable = 0;
  pthread_mutex_lock(&mu);
  for (int i = 0; i < npeers; i++)
    if (peers[i].dead && peers[i].unreachable && strcmp(peers[i].key, k) == 0) unreachable = 1;
  pthread_mutex_unlock(&mu);
  return unreachable;
}
API int FJMPI_Mswk_next_failed(char *buf, int len) {
  int found = 0;
  pthread_mutex_lock(&mu);
  for (int i = 0; i < npeers && !found; i++) {
    if (peers[i].dead && !peers[i].reported && peers[i].key[0]) {
      found = 1;
      for (int j = 0; j < npeers; j++) /* one report per key */
        if (strcmp(peers[j].key, peers[i].key) == 0) peers[j].reported = 1;
      if (buf && len > 0) snprintf(buf, (size_t)len, "%s", peers[i].key);
    }
  }
  pthread_mutex_unlock(&mu);
  return found;
}
API const char *FJMPI_Mswk_self_key(void) { return self_key; }

/* ---- exported: shim ABI for Java ---------------------------------------- */
API int jmswk_mswk_init(void) { return mswk_start(); }
API int jmswk_mswk_shutdown(void) { return mswk_stop(); }
API int jmswk_mswk_connect(const char *port, int64_t info, int root, int64_t comm, int64_t *out) {
  MPI_Comm n = MPI_COMM_NULL;
  int rc = mswk_connect(port, to_info(info), root, to_comm(comm), &n, 1);
  *out = from_comm(n);
  return rc;
}
API int jmswk_mswk_accept(const char *port, int64_t info, int root, int64_t comm, int64_t *out) {
  MPI_Comm n = MPI_COMM_NULL;
  int rc = mswk_accept(port, to_info(info), root, to_comm(comm), &n, 1);
  *out = from_comm(n);
  return rc;
}
API int jmswk_mswk_disconnect(int64_t *comm) {
  MPI_Comm c = to_comm(*comm);
  int rc = mswk_disconnect(&c);
  *comm = from_comm(c);
  return rc;
}
API int jmswk_mswk_send(const void *buf, int count, int64_t type, int dest, int tag, int64_t comm) {
  return mswk_send(buf, count, to_type(type), dest, tag, to_comm(comm));
}
API int jmswk_mswk_recv(void *buf, int count, int64_t type, int source, int tag, int64_t comm, int *status) {
  MPI_Status s;
  int rc = mswk_recv(buf, count, to_type(type), source, tag, to_comm(comm), &s);
  if (status && rc == MPI_SUCCESS) {
    int n = 0, cancelled = 0;
    MPI_Get_count(&s, to_type(type), &n);
    MPI_Test_cancelled(&s, &cancelled);
    status[0] = s.MPI_SOURCE;
    status[1] = s.MPI_TAG;
    status[2] = s.MPI_ERROR;
    status[3] = n;
    status[4] = cancelled;
  }
  return rc;
}
API int jmswk_mswk_err_peer_dead(void) { return err_peer_dead; }
API int jmswk_mswk_err_timeout(void) { return err_timeout; }
API int jmswk_mswk_peer_state(const char *key) { return FJMPI_Mswk_peer_state(key); }
API int jmswk_mswk_next_failed(char *buf, int len) { return FJMPI_Mswk_next_failed(buf, len); }
API int jmswk_mswk_peer_unreachable(const char *key) { return FJMPI_Mswk_peer_unreachable(key); }
API int jmswk_mswk_self_key(char *buf, int len) {
  snprintf(buf, (size_t)len, "%s", self_key);
  return MPI_SUCCESS;
}
API int jmswk_mswk_stats(int64_t *out4) {
  pthread_mutex_lock(&mu);
  int64_t seen = 0, dead = 0;
  for (int i = 0; i < npeers; i++) {
    if (!peers[i].key[0]) continue;
    int first = 1;
    for (int j = 0; j < i; j++) if (strcmp(peers[j].key, peers[i].key) == 0) { first = 0; break; }
    if (!first) continue;
    seen++;
    if (key_state_locked(peers[i].key) == 0) dead++;
  }
  pthread_mutex_unlock(&mu);
  out4[0] = seen;
  out4[1] = dead;
  out4[2] = atomic_load(&st_released);
  out4[3] = 0;
  return MPI_SUCCESS;
}
