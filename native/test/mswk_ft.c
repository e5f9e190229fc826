/*
 * Fault-injection test of the Mswk drop-ins (jmswk_mswk.h) on one host.
 * One binary: run with `mpirun -np 1 mswk_ft CASE [REPEAT]` it is the master,
 * spawned it is a worker. The master spawns one worker per scenario (one spawn
 * per worker, one port per worker), talks to it only through FJMPI_Mswk_*
 * calls, kills it with SIGKILL at a chosen moment and measures how long the
 * pending call takes to return an error. Lines "PASS ..." / "FAIL ..." and a
 * final "RESULT PASS|FAIL" are printed; exit status 0 only on PASS.
 *
 * CASE: exchange | kill-idle | kill-recv | kill-accept | kill-first | notice
 *       | orphan | bench | all
 */
#define _GNU_SOURCE
#include <mpi.h>
#include <mpi-ext.h> /* native/include: FJMPI_Mswk_*, MPI_Init -> FJMPI_Mswk_init */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { CMD_ECHO = 0, CMD_HANG = 1, CMD_QUIT = 2, CMD_LATER = 3, CMD_PLAIN = 4, CMD_DIE_AT = 5 };
/* MSWK_FT_SELF_KILL=1: the master cannot signal its workers (they run on other
 * nodes): it sends CMD_DIE_AT with a CLOCK_REALTIME instant and the worker
 * SIGKILLs itself then (arg 0: after disconnecting, i.e. idle; arg 1: without
 * replying, while the master waits in a receive). Containers on one host share
 * the kernel clock, so latencies stay exact. MSWK_FT_REPLACE=1: after each
 * kill, spawn a replacement worker and do one exchange with it. */
static int self_kill, replace;
#define BOUND_MS 5000.0

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}
static double real_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}
static void sleep_until_real(double t) {
  double d = t - real_ms();
  if (d > 0) usleep((useconds_t)(d * 1000));
}
static int failures;
static void check(int ok, const char *what, double ms) {
  printf("%s %s %.1f ms\n", ok ? "PASS" : "FAIL", what, ms);
  fflush(stdout);
  if (!ok) failures++;
}
static int is_dead_err(int rc) {
  int cls = rc;
  if (rc == MPI_SUCCESS) return 0;
  MPI_Error_class(rc, &cls);
  return cls == FJMPI_Mswk_err_peer_dead() || rc == FJMPI_Mswk_err_peer_dead();
}

/* ---------------------------------------------------------------- worker */
static int worker(int argc, char **argv, MPI_Comm parent) {
  char mport[MPI_MAX_PORT_NAME], wport[MPI_MAX_PORT_NAME];
  int first_delay = argc > 1 ? atoi(argv[1]) : 0;
  MPI_Open_port(MPI_INFO_NULL, wport);
  int mypid = getpid();
  MPI_Recv(mport, MPI_MAX_PORT_NAME, MPI_CHAR, 0, 0, parent, MPI_STATUS_IGNORE);
  MPI_Send(&mypid, 1, MPI_INT, 0, 2, parent);
  MPI_Comm_disconnect(&parent);
  if (first_delay > 0) usleep(first_delay * 1000);
  MPI_Comm c;
  if (FJMPI_Mswk_connect(mport, MPI_INFO_NULL, 0, MPI_COMM_SELF, &c) != MPI_SUCCESS) return 1;
  int pid = getpid();
  FJMPI_Mswk_send(wport, MPI_MAX_PORT_NAME, MPI_CHAR, 0, 0, c);
  FJMPI_Mswk_send(&pid, 1, MPI_INT, 0, 1, c);
  FJMPI_Mswk_disconnect(&c);
  for (;;) {
    int msg[2];
    if (FJMPI_Mswk_accept(wport, MPI_INFO_NULL, 0, MPI_COMM_SELF, &c) != MPI_SUCCESS) return 2;
    if (FJMPI_Mswk_recv(msg, 2, MPI_INT, 0, 0, c, MPI_STATUS_IGNORE) != MPI_SUCCESS) return 3;
    if (msg[0] == CMD_HANG) for (;;) pause();
    if (msg[0] == CMD_DIE_AT) {
      double t = 0;
      FJMPI_Mswk_recv(&t, 1, MPI_DOUBLE, 0, 1, c, MPI_STATUS_IGNORE);
      if (msg[1] == 0) FJMPI_Mswk_disconnect(&c);
      sleep_until_real(t);
      raise(SIGKILL);
    }
    if (msg[0] == CMD_ECHO) {
      int r = msg[1] + 1;
      FJMPI_Mswk_send(&r, 1, MPI_INT, 0, 0, c);
      FJMPI_Mswk_disconnect(&c);
      continue;
    }
    FJMPI_Mswk_disconnect(&c);
    if (msg[0] == CMD_QUIT) break;
    if (msg[0] == CMD_PLAIN) /* msg[1] exchanges with the plain MPI calls (benchmark) */
      for (int i = 0; i < msg[1]; i++) {
        int m[2];
        MPI_Comm_accept(wport, MPI_INFO_NULL, 0, MPI_COMM_SELF, &c);
        MPI_Recv(m, 2, MPI_INT, 0, 0, c, MPI_STATUS_IGNORE);
        m[1]++;
        MPI_Send(&m[1], 1, MPI_INT, 0, 0, c);
        MPI_Comm_disconnect(&c);
      }
    if (msg[0] == CMD_LATER) {
      usleep(msg[1] * 1000);
      if (FJMPI_Mswk_connect(mport, MPI_INFO_NULL, 0, MPI_COMM_SELF, &c) != MPI_SUCCESS) return 4;
      int v = 42;
      FJMPI_Mswk_send(&v, 1, MPI_INT, 0, 0, c);
      FJMPI_Mswk_disconnect(&c);
    }
  }
  MPI_Close_port(wport);
  MPI_Finalize();
  return 0;
}

/* ---------------------------------------------------------------- master */
typedef struct { char mport[MPI_MAX_PORT_NAME], wport[MPI_MAX_PORT_NAME]; int pid; } wk_t;
static char *self_path;

/* spawn one worker, hand it its own master port, learn its port and pid */
static int start_worker(wk_t *w, int first_delay_ms) {
  MPI_Comm inter;
  char delay[32];
  snprintf(delay, sizeof delay, "%d", first_delay_ms);
  char *args[] = {delay, NULL};
  MPI_Open_port(MPI_INFO_NULL, w->mport);
  /* a failed spawn (or a launcher that cannot wire up the new worker) is an
   * error the master reports, not a reason to abort it */
  MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
  w->pid = 0;
  if (MPI_Comm_spawn(self_path, args, 1, MPI_INFO_NULL, 0, MPI_COMM_SELF, &inter, MPI_ERRCODES_IGNORE) != MPI_SUCCESS)
    return -1;
  MPI_Comm_set_errhandler(inter, MPI_ERRORS_RETURN);
  if (MPI_Send(w->mport, MPI_MAX_PORT_NAME, MPI_CHAR, 0, 0, inter) != MPI_SUCCESS ||
      MPI_Recv(&w->pid, 1, MPI_INT, 0, 2, inter, MPI_STATUS_IGNORE) != MPI_SUCCESS) {
    MPI_Comm_free(&inter);
    return -1;
  }
  MPI_Comm_disconnect(&inter);
  if (w->pid <= 1) return -1;
  if (first_delay_ms > 0) return 0;
  MPI_Comm c;
  int rc = FJMPI_Mswk_accept(w->mport, MPI_INFO_NULL, 0, MPI_COMM_SELF, &c);
  if (rc != MPI_SUCCESS) return rc;
  FJMPI_Mswk_recv(w->wport, MPI_MAX_PORT_NAME, MPI_CHAR, 0, 0, c, MPI_STATUS_IGNORE);
  FJMPI_Mswk_recv(&w->pid, 1, MPI_INT, 0, 1, c, MPI_STATUS_IGNORE);
  return FJMPI_Mswk_disconnect(&c);
}

/* one exchange: connect, send cmd, optionally receive the reply, disconnect */
static int exchange(wk_t *w, int cmd, int arg, int want_reply) {
  MPI_Comm c;
  int msg[2] = {cmd, arg}, r = -1;
  int rc = FJMPI_Mswk_connect(w->wport, MPI_INFO_NULL, 0, MPI_COMM_SELF, &c);
  if (rc != MPI_SUCCESS) return rc;
  rc = FJMPI_Mswk_send(msg, 2, MPI_INT, 0, 0, c);
  if (rc == MPI_SUCCESS && want_reply) {
    rc = FJMPI_Mswk_recv(&r, 1, MPI_INT, 0, 0, c, MPI_STATUS_IGNORE);
    if (rc == MPI_SUCCESS && r != arg + 1) rc = MPI_ERR_OTHER;
  }
  int rc2 = FJMPI_Mswk_disconnect(&c);
  return rc != MPI_SUCCESS ? rc : rc2;
}

/* self-kill mode: tell the worker to die at real time now+delay_ms (mode 0 idle, 1 in recv);
 * returns the instant in CLOCK_MONOTONIC terms; with keep != NULL the connection stays open */
static double order_death(wk_t *w, int mode, int delay_ms, MPI_Comm *keep) {
  MPI_Comm c;
  int msg[2] = {CMD_DIE_AT, mode};
  double t_real = real_ms() + delay_ms, t_mono = now_ms() + delay_ms;
  if (FJMPI_Mswk_connect(w->wport, MPI_INFO_NULL, 0, MPI_COMM_SELF, &c) != MPI_SUCCESS) return -1;
  FJMPI_Mswk_send(msg, 2, MPI_INT, 0, 0, c);
  FJMPI_Mswk_send(&t_real, 1, MPI_DOUBLE, 0, 1, c);
  if (keep) *keep = c;
  else FJMPI_Mswk_disconnect(&c);
  return t_mono;
}
static void sleep_until_mono(double t) {
  double d = t - now_ms();
  if (d > 0) usleep((useconds_t)(d * 1000));
}

typedef struct { int pid; int delay_ms; double t_kill; } killer_t;
static void *killer(void *a) {
  killer_t *k = a;
  usleep(k->delay_ms * 1000);
  k->t_kill = now_ms();
  kill(k->pid, SIGKILL);
  return NULL;
}
static void kill_later(killer_t *k, pthread_t *t, int pid, int delay_ms) {
  if (pid <= 1) abort(); /* never kill(0 or -1) */
  k->pid = pid;
  k->delay_ms = delay_ms;
  k->t_kill = 0;
  pthread_create(t, NULL, killer, k);
}

static double median(double *v, int n) {
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && v[j] < v[j - 1]; j--) { double t = v[j]; v[j] = v[j - 1]; v[j - 1] = t; }
  return n ? (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2) : 0;
}

static void run_case(const char *name, int repeat) {
  double lat[64];
  int n = 0;
  for (int i = 0; i < repeat && i < 64; i++) {
    wk_t w;
    killer_t k;
    pthread_t t;
    char what[96];
    int first = strcmp(name, "kill-first") == 0;
    if (first && self_kill) { printf("SKIP kill-first (needs a local kill)\n"); return; }
    if (start_worker(&w, first ? 3000 : 0) != MPI_SUCCESS) { check(0, "start worker", 0); return; }
    if (!first && exchange(&w, CMD_ECHO, 7, 1) != MPI_SUCCESS) { check(0, "warm-up exchange", 0); return; }
    double t_err = 0;
    int rc = MPI_SUCCESS;
    if (strcmp(name, "kill-idle") == 0) {
      /* killed while disconnected; the master connects right after the kill */
      if (self_kill) {
        k.t_kill = order_death(&w, 0, 300, NULL);
        sleep_until_mono(k.t_kill);
      } else {
        kill_later(&k, &t, w.pid, 0);
        pthread_join(t, NULL);
      }
      rc = exchange(&w, CMD_ECHO, 1, 1);
      t_err = now_ms();
    } else if (strcmp(name, "notice") == 0) {
      /* killed while the master does not talk to it: when does it know? */
      if (self_kill) {
        k.t_kill = order_death(&w, 0, 300, NULL);
        sleep_until_mono(k.t_kill);
      } else {
        kill_later(&k, &t, w.pid, 0);
        pthread_join(t, NULL);
      }
      while (FJMPI_Mswk_peer_state(w.wport) != 0 && now_ms() - k.t_kill < 10 * BOUND_MS) usleep(200);
      t_err = now_ms();
      rc = FJMPI_Mswk_peer_state(w.wport) == 0 ? FJMPI_Mswk_err_peer_dead() : MPI_SUCCESS;
      char key[64];
      while (FJMPI_Mswk_next_failed(key, sizeof key)) {}
    } else if (strcmp(name, "kill-recv") == 0) {
      /* killed while the master waits for its reply */
      MPI_Comm c;
      int msg[2] = {CMD_HANG, 0}, r;
      if (self_kill) {
        k.t_kill = order_death(&w, 1, 300, &c);
      } else {
        FJMPI_Mswk_connect(w.wport, MPI_INFO_NULL, 0, MPI_COMM_SELF, &c);
        FJMPI_Mswk_send(msg, 2, MPI_INT, 0, 0, c);
        kill_later(&k, &t, w.pid, 300);
      }
      rc = FJMPI_Mswk_recv(&r, 1, MPI_INT, 0, 0, c, MPI_STATUS_IGNORE);
      t_err = now_ms();
      int rc2 = FJMPI_Mswk_disconnect(&c);
      if (!is_dead_err(rc2)) check(0, "disconnect after kill-recv", 0);
      if (!self_kill) pthread_join(t, NULL);
    } else if (strcmp(name, "kill-accept") == 0 || first) {
      /* killed while the master waits in accept for it */
      if (self_kill && !first) {
        k.t_kill = order_death(&w, 0, 300, NULL); /* the worker owes a connect it never makes */
      } else {
        if (!first) exchange(&w, CMD_LATER, 5000, 0);
        kill_later(&k, &t, w.pid, 300);
      }
      MPI_Comm c;
      rc = FJMPI_Mswk_accept(w.mport, MPI_INFO_NULL, 0, MPI_COMM_SELF, &c);
      t_err = now_ms();
      if (!(self_kill && !first)) pthread_join(t, NULL);
    }
    double ms = t_err - k.t_kill;
    snprintf(what, sizeof what, "%s#%d error-after-kill", name, i);
    check(is_dead_err(rc) && ms < BOUND_MS, what, ms);
    lat[n++] = ms;
    MPI_Close_port(w.mport);
    if (replace) { /* the job goes on: a new worker takes over */
      wk_t r;
      char rwhat[96];
      double t0 = now_ms();
      int ok = start_worker(&r, 0) == MPI_SUCCESS && exchange(&r, CMD_ECHO, 41, 1) == MPI_SUCCESS;
      snprintf(rwhat, sizeof rwhat, "%s#%d replacement", name, i);
      check(ok, rwhat, now_ms() - t0);
      if (ok) { exchange(&r, CMD_QUIT, 0, 0); MPI_Close_port(r.mport); }
    }
  }
  printf("MEDIAN %s %.1f ms (n=%d)\n", name, median(lat, n), n);
}

static void run_exchange(int repeat) {
  wk_t w;
  if (start_worker(&w, 0) != MPI_SUCCESS) { check(0, "start worker", 0); return; }
  for (int i = 0; i < 3; i++) exchange(&w, CMD_ECHO, i, 1); /* warm-up */
  double v[1024];
  int n = repeat < 1024 ? repeat : 1024, ok = 1;
  for (int i = 0; i < n; i++) {
    double t0 = now_ms();
    if (exchange(&w, CMD_ECHO, i, 1) != MPI_SUCCESS) ok = 0;
    v[i] = now_ms() - t0;
  }
  double med = median(v, n);
  check(ok, "exchanges", med);
  printf("MEDIAN exchange %.2f ms (n=%d; min %.2f max %.2f)\n", med, n, v[0], v[n - 1]);
  exchange(&w, CMD_QUIT, 0, 0);
  MPI_Close_port(w.mport);
}

/* the same exchange with the plain MPI calls, for comparison */
static void run_bench(int repeat) {
  wk_t w;
  if (start_worker(&w, 0) != MPI_SUCCESS) { check(0, "start worker", 0); return; }
  double v[1024];
  int n = repeat < 1024 ? repeat : 1024;
  exchange(&w, CMD_PLAIN, n + 3, 0);
  for (int i = -3; i < n; i++) {
    MPI_Comm c;
    int msg[2] = {CMD_ECHO, i}, r;
    double t0 = now_ms();
    MPI_Comm_connect(w.wport, MPI_INFO_NULL, 0, MPI_COMM_SELF, &c);
    MPI_Send(msg, 2, MPI_INT, 0, 0, c);
    MPI_Recv(&r, 1, MPI_INT, 0, 0, c, MPI_STATUS_IGNORE);
    MPI_Comm_disconnect(&c);
    if (i >= 0) v[i] = now_ms() - t0;
  }
  double med = median(v, n);
  printf("MEDIAN plain-exchange %.2f ms (n=%d; min %.2f max %.2f)\n", med, n, v[0], v[n - 1]);
  exchange(&w, CMD_QUIT, 0, 0);
  MPI_Close_port(w.mport);
}

/* the master dies; the worker must not linger (checked by the script) */
static void run_orphan(void) {
  wk_t w;
  if (start_worker(&w, 0) != MPI_SUCCESS) { check(0, "start worker", 0); return; }
  exchange(&w, CMD_ECHO, 1, 1);
  printf("ORPHAN worker_pid %d\n", w.pid);
  fflush(stdout);
  usleep(200 * 1000);
  raise(SIGKILL);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  MPI_Init(&argc, &argv);
  MPI_Comm parent;
  MPI_Comm_get_parent(&parent);
  if (parent != MPI_COMM_NULL) return worker(argc, argv, parent);
  self_path = argv[0];
  self_kill = getenv("MSWK_FT_SELF_KILL") && atoi(getenv("MSWK_FT_SELF_KILL")) > 0;
  replace = getenv("MSWK_FT_REPLACE") && atoi(getenv("MSWK_FT_REPLACE")) > 0;
  { char h[64] = ""; gethostname(h, sizeof h); printf("MASTER on %s self-kill %d replace %d\n", h, self_kill, replace); }
  const char *which = argc > 1 ? argv[1] : "all";
  int repeat = argc > 2 ? atoi(argv[2]) : 5;
  int all = strcmp(which, "all") == 0;
  if (all || !strcmp(which, "exchange")) run_exchange(repeat * 20);
  if (!strcmp(which, "bench")) { run_bench(repeat * 20); run_exchange(repeat * 20); }
  const char *cases[] = {"kill-idle", "notice", "kill-recv", "kill-accept", "kill-first"};
  for (int i = 0; i < 5; i++)
    if (all || !strcmp(which, cases[i])) run_case(cases[i], repeat);
  if (!strcmp(which, "orphan")) run_orphan();
  /* the master must still work after all that: one more healthy worker */
  if (all) run_exchange(5);
  int64_t s[4];
  jmswk_mswk_stats(s);
  printf("STATS peers=%lld dead=%lld released=%lld blocked_helpers=%lld\n",
         (long long)s[0], (long long)s[1], (long long)s[2], (long long)s[3]);
  printf("RESULT %s\n", failures ? "FAIL" : "PASS");
  fflush(stdout);
  MPI_Finalize();
  return failures ? 1 : 0;
}
