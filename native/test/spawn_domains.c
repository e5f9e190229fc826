/*
 * A master-worker program in the vendor guide's style, unchanged MPI + FJMPI_Mswk_* calls:
 * the master spawns one worker per slave node (MPI_UNIVERSE_SIZE - 1, or argv[1]) with
 * MPI_Comm_spawn, sends each its own port name over the spawn intercommunicator and
 * disconnects at once; then, round after round, it accepts each worker's connection on that
 * port (FJMPI_Mswk_accept), sends it a task and receives the result (plain MPI_Send/MPI_Recv),
 * and disconnects (FJMPI_Mswk_disconnect). A worker whose exchange fails is replaced by a new
 * spawn and its task re-queued. In a multi-node `jmswk sub --mswk` job each worker is in a
 * failure domain of its own (mswk_domain.c), so a lost node costs only its worker.
 *
 *   spawn_domains [workers] [tasks] [task_ms]       (master; the worker role is argv[1]=worker)
 *   spawn_domains many     (one MPI_Comm_spawn of 2 processes that share a world; and one
 *                           MPI_Comm_spawn_multiple of 2 commands: their ranks, the sum over
 *                           their world, answers taken with MPI_ANY_SOURCE)
 * A worker computes each task for task_ms (default 500) milliseconds.
 * Output: "worker started on HOST", "result T from HOST", "master: worker W lost (...)",
 * "master: N of N tasks done", then the median spawn and exchange times. Exit 0 when every task is done.
 */
#include <mpi.h>
#include <mpi-ext.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TAG_TASK 1
#define TAG_RESULT 2
#define MAXW 64

static int worker(int task_ms) {
  MPI_Comm parent;
  char port[MPI_MAX_PORT_NAME] = "", host[MPI_MAX_PROCESSOR_NAME];
  int len, remote = 0;
  MPI_Get_processor_name(host, &len);
  MPI_Comm_get_parent(&parent);
  if (parent == MPI_COMM_NULL) { fprintf(stderr, "worker: no parent\n"); return 2; }
  MPI_Comm_remote_size(parent, &remote);
  MPI_Status st;
  if (MPI_Recv(port, MPI_MAX_PORT_NAME, MPI_CHAR, 0, 0, parent, &st) != MPI_SUCCESS) return 3;
  MPI_Comm_disconnect(&parent);
  printf("worker started on %s (parent group of %d)\n", host, remote);
  fflush(stdout);
  int ms = task_ms;
  for (;;) {
    MPI_Comm c;
    int task, result;
    if (FJMPI_Mswk_connect(port, MPI_INFO_NULL, 0, MPI_COMM_SELF, &c) != MPI_SUCCESS) return 4;
    if (MPI_Recv(&task, 1, MPI_INT, 0, TAG_TASK, c, &st) != MPI_SUCCESS) return 5;
    if (task < 0) { FJMPI_Mswk_disconnect(&c); break; }
    usleep((useconds_t)ms * 1000);
    result = task * task;
    char msg[MPI_MAX_PROCESSOR_NAME + 16];
    snprintf(msg, sizeof msg, "%d %s", result, host);
    if (MPI_Send(msg, (int)strlen(msg) + 1, MPI_CHAR, 0, TAG_RESULT, c) != MPI_SUCCESS) return 6;
    FJMPI_Mswk_disconnect(&c);
  }
  MPI_Finalize();
  return 0;
}

static char self_path[4096];
static char task_ms_arg[16] = "500";
static char ports[MAXW][MPI_MAX_PORT_NAME];

/* spawn worker w, give it its port, let go of the spawn intercommunicator at once */
static double spawn_ms[4096], round_ms[4096];
static int nspawn, nround;

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}
static double median(double *v, int n) {
  if (n == 0) return 0;
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int spawn_worker(int w) {
  double t0 = MPI_Wtime();
  MPI_Comm ic;
  int err = 0;
  char *args[] = {"worker", task_ms_arg, NULL};
  int rc = MPI_Comm_spawn(self_path, args, 1, MPI_INFO_NULL, 0, MPI_COMM_SELF, &ic, &err);
  if (rc != MPI_SUCCESS) { printf("master: spawn of worker %d failed (%d)\n", w, rc); return rc; }
  int remote = 0;
  MPI_Comm_remote_size(ic, &remote);
  rc = MPI_Send(ports[w], (int)strlen(ports[w]) + 1, MPI_CHAR, 0, 0, ic);
  MPI_Comm_disconnect(&ic);
  if (nspawn < 4096) spawn_ms[nspawn++] = (MPI_Wtime() - t0) * 1e3;
  if (remote != 1) printf("master: spawn intercomm has %d remote processes\n", remote);
  return rc;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm parent;
  MPI_Comm_get_parent(&parent);
  if (argc > 1 && strcmp(argv[1], "worker") == 0) return worker(argc > 2 ? atoi(argv[2]) : 500);
  if (argc > 1 && strcmp(argv[1], "pair") == 0) { /* a child of "many": one world with its siblings */
    int rank, size, remote = 0, got = -1, sum = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Comm_remote_size(parent, &remote);
    MPI_Recv(&got, 1, MPI_INT, 0, TAG_TASK, parent, MPI_STATUS_IGNORE);
    MPI_Allreduce(&got, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    int reply[4] = {rank, size, remote, sum};
    MPI_Send(reply, 4, MPI_INT, 0, TAG_RESULT, parent);
    MPI_Comm_disconnect(&parent);
    MPI_Finalize();
    return 0;
  }
  if (argc > 1 && strcmp(argv[1], "many") == 0) { /* several children per call: one world for all */
    if (readlink("/proc/self/exe", self_path, sizeof self_path - 1) < 0) return 2;
    char *args[] = {"pair", NULL};
    char *cmds[2] = {self_path, self_path};
    char **argvs[2] = {args, args};
    int counts[2] = {1, 2};
    MPI_Info infos[2] = {MPI_INFO_NULL, MPI_INFO_NULL};
    for (int call = 0; call < 2; call++) {
      MPI_Comm ic = MPI_COMM_NULL;
      int errs[3] = {0, 0, 0}, cls = 0, n = call == 0 ? 2 : 3, remote = 0;
      MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
      int rc = call == 0 ? MPI_Comm_spawn(self_path, args, 2, MPI_INFO_NULL, 0, MPI_COMM_SELF, &ic, errs)
                         : MPI_Comm_spawn_multiple(2, cmds, argvs, counts, infos, 0, MPI_COMM_SELF, &ic, errs);
      MPI_Error_class(rc, &cls);
      if (rc != MPI_SUCCESS) { printf("master: %s of %d: failed (class %d)\n", call ? "spawn_multiple" : "spawn", n, cls); return 3; }
      MPI_Comm_remote_size(ic, &remote);
      for (int r = 0; r < n; r++) MPI_Send(&r, 1, MPI_INT, r, TAG_TASK, ic);
      printf("master: %s of %d: remote size %d;", call ? "spawn_multiple" : "spawn", n, remote);
      for (int i = 0; i < n; i++) {
        int reply[4];
        MPI_Status st;
        MPI_Recv(reply, 4, MPI_INT, MPI_ANY_SOURCE, TAG_RESULT, ic, &st);
        printf(" from %d: rank %d of %d, parent group %d, sum %d;", st.MPI_SOURCE, reply[0], reply[1], reply[2], reply[3]);
      }
      printf("\n");
      fflush(stdout);
      MPI_Comm_disconnect(&ic);
    }
    MPI_Finalize();
    return 0;
  }
  int *usize, flag = 0;
  MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_UNIVERSE_SIZE, &usize, &flag);
  int nw = argc > 1 ? atoi(argv[1]) : (flag ? *usize - 1 : 2);
  int ntasks = argc > 2 ? atoi(argv[2]) : 20;
  if (argc > 3) snprintf(task_ms_arg, sizeof task_ms_arg, "%d", atoi(argv[3]));
  if (nw < 1 || nw > MAXW) { fprintf(stderr, "master: workers must be 1..%d\n", MAXW); return 2; }
  if (readlink("/proc/self/exe", self_path, sizeof self_path - 1) < 0) return 2;
  int *done = calloc((size_t)ntasks, sizeof(int)), next = 0, ndone = 0, lost = 0;
  int queue[4096], qh = 0, qt = 0;
  for (int t = 0; t < ntasks; t++) queue[qt++] = t;
  for (int w = 0; w < nw; w++) {
    MPI_Open_port(MPI_INFO_NULL, ports[w]);
    if (spawn_worker(w) != MPI_SUCCESS) return 3;
  }
  (void)next;
  while (ndone < ntasks) {
    MPI_Comm comm[MAXW];
    int task[MAXW], exchanges = 0, round_lost = lost;
    double t0 = MPI_Wtime();
    for (int w = 0; w < nw; w++) { /* hand out a task to each worker */
      comm[w] = MPI_COMM_NULL;
      task[w] = -1;
      if (qh == qt) continue;
      task[w] = queue[qh++];
      int rc = FJMPI_Mswk_accept(ports[w], MPI_INFO_NULL, 0, MPI_COMM_SELF, &comm[w]);
      if (rc == MPI_SUCCESS) rc = MPI_Send(&task[w], 1, MPI_INT, 0, TAG_TASK, comm[w]);
      if (rc != MPI_SUCCESS) {
        printf("master: worker %d lost (%s) in accept/send of task %d\n", w,
               rc == FJMPI_Mswk_err_peer_dead() ? "peer dead" : "error", task[w]);
        if (comm[w] != MPI_COMM_NULL) FJMPI_Mswk_disconnect(&comm[w]);
        comm[w] = MPI_COMM_NULL;
        queue[qt++] = task[w];
        task[w] = -1;
        lost++;
        if (spawn_worker(w) != MPI_SUCCESS) return 4;
      }
    }
    for (int w = 0; w < nw; w++) { /* collect */
      if (comm[w] == MPI_COMM_NULL) continue;
      char msg[256];
      MPI_Status st;
      int rc = MPI_Recv(msg, sizeof msg, MPI_CHAR, 0, TAG_RESULT, comm[w], &st);
      if (rc == MPI_SUCCESS) {
        int r;
        char host[200];
        sscanf(msg, "%d %199s", &r, host);
        if (r == task[w] * task[w] && !done[task[w]]) { done[task[w]] = 1; ndone++; }
        exchanges++;
        printf("result %d from %s\n", task[w], host);
        rc = FJMPI_Mswk_disconnect(&comm[w]);
        if (rc != MPI_SUCCESS) printf("master: disconnect from worker %d failed (%d)\n", w, rc);
      } else {
        printf("master: worker %d lost (%s) in recv of task %d\n", w,
               rc == FJMPI_Mswk_err_peer_dead() ? "peer dead" : "error", task[w]);
        FJMPI_Mswk_disconnect(&comm[w]);
        queue[qt++] = task[w];
        lost++;
        if (spawn_worker(w) != MPI_SUCCESS) return 4;
      }
      fflush(stdout);
    }
    /* one exchange = accept + send + recv + disconnect (with task_ms 0, the Mswk cost) */
    if (exchanges > 0 && lost == round_lost && nround < 4096) round_ms[nround++] = (MPI_Wtime() - t0) * 1e3 / exchanges;
  }
  for (int w = 0; w < nw; w++) { /* stop the workers */
    MPI_Comm c;
    int stop = -1;
    if (FJMPI_Mswk_accept(ports[w], MPI_INFO_NULL, 0, MPI_COMM_SELF, &c) == MPI_SUCCESS) {
      MPI_Send(&stop, 1, MPI_INT, 0, TAG_TASK, c);
      FJMPI_Mswk_disconnect(&c);
    }
    MPI_Close_port(ports[w]);
  }
  printf("master: %d of %d tasks done, %d workers lost\n", ndone, ntasks, lost);
  printf("master: median spawn %.1f ms (%d spawns), median exchange %.3f ms (%d rounds)\n", median(spawn_ms, nspawn),
         nspawn, median(round_ms, nround), nround);
  fflush(stdout);
  MPI_Finalize();
  return ndone == ntasks ? 0 : 1;
}
