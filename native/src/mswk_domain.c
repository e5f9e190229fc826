/*
 * Domain-split MPI_Comm_spawn (PMPI interposition) for C programs built with jmswk-mpicc.
 *
 * Open MPI 4.1 ends an mpirun job when it loses one of its daemons, so workers spawned into the
 * master's job die with any node. In a multi-node `jmswk sub --mswk` job (JMSWK_OMPI_SERVER set,
 * the job's hostfile names nodes besides this one, JMSWK_DOMAIN_SPAWN not 0) MPI_Comm_spawn here
 * starts each child by an mpiexec of its own on a worker node (over ssh, as TaskFarm's
 * NodeDomainStarter does), joined to the job's ompi-server, and the spawn never enters Open MPI:
 *
 *  - the parent opens one port per child and passes it in the child's environment
 *    (JMSWK_SPAWN_PORT, also JMSWK_MSWK_PARENT so the child watches its parent); the child's
 *    liveness service connects to it at MPI_Init, and both sides meet over a Mswk link;
 *  - the intercommunicator MPI_Comm_spawn returns and the child's MPI_Comm_get_parent are
 *    stand-ins (duplicates of MPI_COMM_SELF registered here) whose MPI_Send/MPI_Recv go over
 *    those links, MPI_Comm_remote_size/MPI_Comm_test_inter answer as for the real thing, and
 *    MPI_Comm_disconnect/MPI_Comm_free end the links (the Mswk "bye");
 *  - later FJMPI_Mswk_connect/accept between such processes go over links too (mswk.c:
 *    mswk_domain_active), so every master-worker wait is bounded by the liveness verdict.
 *
 * A stand-in is an MPI communicator handle, so the program may pass it anywhere; only the calls
 * interposed here know what it stands for. Placement: the node with the fewest live children per
 * slot (hostfile order on ties), never a node found lost: a child that became unreachable
 * (heartbeat silence) or whose launcher was killed (its ssh ended with 255) excludes its node
 * for the rest of the job (also written to $JMSWK_JOB_DIR/failed-nodes); a child process that
 * merely died leaves its node in use.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <mpi.h>
#include "mswk_domain.h"

#define API __attribute__((visibility("default")))
#define MAXNODES 1024
#define MAXKIDS 4096
#define MAXSTANDINS 1024
#define NODELEN 256
#define LAUNCHER_LOST_EXIT 71

extern char **environ;

/* ---- the job's worker nodes ------------------------------------------------------------- */
static int mode = -1; /* -1 not decided, 0 plain spawn, 1 domain-split */
static struct { char name[NODELEN]; int slots; int excluded; } nodes[MAXNODES];
static int nnodes;
static char server_uri[1024];

static void load_nodes(const char *hostfile, const char *self) {
  FILE *f = fopen(hostfile, "r");
  if (!f) return;
  char line[1024];
  while (fgets(line, sizeof line, f) && nnodes < MAXNODES) {
    char host[NODELEN];
    if (sscanf(line, "%255s", host) != 1 || host[0] == '#' || strcmp(host, self) == 0) continue;
    int slots = 1;
    char *s = strstr(line, "slots=");
    if (s) slots = atoi(s + 6) > 0 ? atoi(s + 6) : 1;
    int k;
    for (k = 0; k < nnodes && strcmp(nodes[k].name, host) != 0; k++) {}
    if (k == nnodes) { snprintf(nodes[nnodes].name, NODELEN, "%s", host); nodes[nnodes++].slots = slots; }
    else nodes[k].slots += slots;
  }
  fclose(f);
}

static int domain_mode(void) {
  if (mode >= 0) return mode;
  mode = 0;
  const char *uri = getenv("JMSWK_OMPI_SERVER"), *dir = getenv("JMSWK_JOB_DIR"), *off = getenv("JMSWK_DOMAIN_SPAWN");
  if (!uri || !*uri || !dir || !*dir || (off && strcmp(off, "0") == 0)) return mode;
  char hostfile[1200], self[MPI_MAX_PROCESSOR_NAME];
  int len = 0;
  snprintf(hostfile, sizeof hostfile, "%s/hostfile", dir);
  if (MPI_Get_processor_name(self, &len) != MPI_SUCCESS) return mode;
  load_nodes(hostfile, self);
  snprintf(server_uri, sizeof server_uri, "%s", uri);
  mode = nnodes > 0;
  return mode;
}

/* The last reason a spawn was refused (the Java binding puts it in its exception). */
static char refusal[768];

static void refuse(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void refuse(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(refusal, sizeof refusal, fmt, ap);
  va_end(ap);
  fprintf(stderr, "jmswk: %s\n", refusal);
}

HIDDEN_FN const char *mswk_domain_refusal(void) { return refusal; }

/* ---- children and their launchers ---------------------------------------------------- */
static struct { pid_t ssh; int node; char key[64]; int status; int ended; int used; } kids[MAXKIDS];
static pthread_mutex_t kids_mu = PTHREAD_MUTEX_INITIALIZER;
static int spawned_any, is_child;

static void exclude_node(int n, const char *why) {
  if (nodes[n].excluded) return;
  nodes[n].excluded = 1;
  fprintf(stderr, "jmswk: node %s excluded (%s); no child is started there again\n", nodes[n].name, why);
  const char *dir = getenv("JMSWK_JOB_DIR");
  char path[1200];
  snprintf(path, sizeof path, "%s/failed-nodes", dir ? dir : ".");
  FILE *f = dir ? fopen(path, "a") : NULL;
  if (f) { fprintf(f, "%s\n", nodes[n].name); fclose(f); }
}

static void poll_launcher(int k, int wait_ms) {
  for (int waited = 0; !kids[k].ended; waited += 50) {
    int st = 0;
    pid_t r = waitpid(kids[k].ssh, &st, WNOHANG);
    if (r == kids[k].ssh) {
      kids[k].ended = 1;
      kids[k].status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      break;
    }
    if (r < 0 || waited >= wait_ms) break;
    struct timespec ts = {0, 50 * 1000000L};
    nanosleep(&ts, NULL);
  }
}

/* Forgets children that are gone, excluding their node where the node is to blame: silence
 * (lost, cut off) or a launcher ended by a signal/broken connection (ssh's 255). The remote
 * shell may report a moment after the child's sockets closed: up to 2 s are given to it. */
static void review_children(void) {
  for (int k = 0; k < MAXKIDS; k++) {
    if (!kids[k].used) continue;
    int unreachable = 0, state = kids[k].key[0] ? mswk_peer_status(kids[k].key, &unreachable) : 1;
    poll_launcher(k, 0);
    if (state != 0 && !kids[k].ended) continue;
    if (state == 0 && !unreachable) poll_launcher(k, 2000);
    if (unreachable) exclude_node(kids[k].node, "its child stopped answering");
    else if (kids[k].ended && kids[k].status == 255) exclude_node(kids[k].node, "its child's launcher was lost");
    if (!kids[k].ended) kill(kids[k].ssh, SIGTERM); /* what is left of a lost domain */
    if (state == 0 || kids[k].ended) kids[k].used = 0;
  }
}

static int choose_node(const char *wanted) {
  int best = -1;
  double best_load = 1e300;
  for (int n = 0; n < nnodes; n++) {
    if (nodes[n].excluded || (wanted && strcmp(nodes[n].name, wanted) != 0)) continue;
    int running = 0;
    for (int k = 0; k < MAXKIDS; k++) if (kids[k].used && kids[k].node == n) running++;
    double load = running / (double)nodes[n].slots;
    if (load < best_load) { best = n; best_load = load; }
  }
  return best;
}

/* POSIX single quoting into out (the one string ssh passes to the remote shell). */
static void append_quoted(char **out, size_t *len, size_t *cap, const char *word) {
  size_t need = *len + 4 * strlen(word) + 4;
  if (need > *cap) { *cap = need * 2; *out = realloc(*out, *cap); }
  char *p = *out + *len;
  *p++ = ' ';
  *p++ = '\'';
  for (const char *w = word; *w; w++) {
    if (*w == '\'') { memcpy(p, "'\\''", 4); p += 4; } else *p++ = *w;
  }
  *p++ = '\'';
  *p = 0;
  *len = (size_t)(p - *out);
}

static int forwarded(const char *kv) {
  static const char *keep[] = {"JMSWK_", "OMPI_MCA_", "OMPI_ALLOW_", "PRTE_ALLOW_", NULL};
  static const char *drop[] = {"OMPI_MCA_orte_", "OMPI_MCA_ess", "OMPI_MCA_pmix", "OMPI_MCA_initial_wdir",
                               "OMPI_MCA_shmem_RUNTIME_QUERY_hint", "JMSWK_MSWK_PARENT", "JMSWK_SPAWN_",
                               "JMSWK_JOB_SECRET", NULL};
  int ok = 0;
  for (int i = 0; keep[i]; i++) if (strncmp(kv, keep[i], strlen(keep[i])) == 0) ok = 1;
  for (int i = 0; drop[i]; i++) if (strncmp(kv, drop[i], strlen(drop[i])) == 0) ok = 0;
  return ok;
}

/* Starts one child on node n: ssh NODE "cd WDIR && exec env K=V... mpiexec --ompi-server
 * file:URI -n 1 COMMAND ARGV...". Returns the ssh pid, or -1. */
static pid_t launch(int n, const char *wdir, const char *port, const char *command, char *argv[]) {
  size_t len = 0, cap = 4096;
  char *cmd = malloc(cap);
  char cwd[4096];
  if (!wdir) wdir = getcwd(cwd, sizeof cwd) ? cwd : "/";
  len = (size_t)snprintf(cmd, cap, "cd");
  append_quoted(&cmd, &len, &cap, wdir);
  const char *mid = " && exec env";
  if (len + strlen(mid) + 1 > cap) { cap = (len + strlen(mid)) * 2; cmd = realloc(cmd, cap); }
  strcpy(cmd + len, mid);
  len += strlen(mid);
  char kv[MPI_MAX_PORT_NAME + 64];
  for (char **e = environ; *e; e++) if (forwarded(*e)) append_quoted(&cmd, &len, &cap, *e);
  snprintf(kv, sizeof kv, "JMSWK_SPAWN_PORT=%s", port);
  append_quoted(&cmd, &len, &cap, kv);
  snprintf(kv, sizeof kv, "JMSWK_MSWK_PARENT=%s", port);
  append_quoted(&cmd, &len, &cap, kv);
  char file_uri[1100];
  snprintf(file_uri, sizeof file_uri, "file:%s", server_uri);
  const char *pre[] = {"mpiexec", "--ompi-server", file_uri, "-n", "1", command, NULL};
  for (int i = 0; pre[i]; i++) append_quoted(&cmd, &len, &cap, pre[i]);
  for (int i = 0; argv && argv[i]; i++) append_quoted(&cmd, &len, &cap, argv[i]);

  const char *rsh = getenv("JMSWK_DOMAIN_RSH");
  char *words[64];
  int nw = 0;
  char *rsh_copy = NULL;
  if (rsh && *rsh) {
    rsh_copy = strdup(rsh);
    for (char *t = strtok(rsh_copy, " \t"); t && nw < 60; t = strtok(NULL, " \t")) words[nw++] = t;
  } else {
    const char *ssh[] = {"ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "-o", "ServerAliveInterval=5",
                         "-o", "ServerAliveCountMax=2", NULL};
    for (int i = 0; ssh[i]; i++) words[nw++] = (char *)ssh[i];
  }
  words[nw++] = nodes[n].name;
  words[nw++] = cmd;
  words[nw] = NULL;
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", 0);
    if (null >= 0) { dup2(null, 0); close(null); }
    execvp(words[0], words);
    fprintf(stderr, "jmswk: cannot run %s: %s\n", words[0], strerror(errno));
    _exit(127);
  }
  free(cmd);
  free(rsh_copy);
  return pid;
}

/* ---- stand-in communicators --------------------------------------------------------- */
/* A spawn's intercommunicator: one link communicator (mswk.c) per child, rank order. */
static struct { MPI_Comm comm; int n; MPI_Comm *children; int used; } standins[MAXSTANDINS];
static MPI_Comm parent_standin = MPI_COMM_NULL;

static int find_standin(MPI_Comm c) {
  if (c == MPI_COMM_NULL) return -1;
  for (int i = 0; i < MAXSTANDINS; i++) if (standins[i].used && standins[i].comm == c) return i;
  return -1;
}

static int start_timeout_ms(void) {
  const char *e = getenv("JMSWK_WORKER_START_TIMEOUT_S");
  if (e && atoi(e) > 0) return atoi(e) * 1000;
  e = getenv("JMSWK_MSWK_UNKNOWN_TIMEOUT_MS");
  return e && atoi(e) > 0 ? atoi(e) : 60000;
}

/* One child: a node, a port, its launcher, and the meeting over a link. */
static int spawn_one(const char *command, char *argv[], const char *host, const char *wdir, MPI_Comm *link) {
  pthread_mutex_lock(&kids_mu);
  review_children();
  int n = choose_node(host);
  pthread_mutex_unlock(&kids_mu);
  if (n < 0) {
    if (host) refuse("MPI_Comm_spawn: host %s is not a usable worker node of this job", host);
    else refuse("MPI_Comm_spawn: every worker node of this job is excluded");
    return MPI_ERR_SPAWN;
  }
  char port[MPI_MAX_PORT_NAME];
  int rc = PMPI_Open_port(MPI_INFO_NULL, port);
  if (rc != MPI_SUCCESS) return rc;
  pid_t pid = launch(n, wdir, port, command, argv);
  if (pid < 0) { PMPI_Close_port(port); return MPI_ERR_SPAWN; }
  pthread_mutex_lock(&kids_mu);
  int k;
  for (k = 0; k < MAXKIDS && kids[k].used; k++) {}
  if (k < MAXKIDS) { kids[k].used = 1; kids[k].ssh = pid; kids[k].node = n; kids[k].key[0] = 0; kids[k].ended = 0; }
  pthread_mutex_unlock(&kids_mu);
  MPI_Info info;
  char bound[32];
  snprintf(bound, sizeof bound, "%d", start_timeout_ms());
  PMPI_Info_create(&info);
  PMPI_Info_set(info, "jmswk_timeout_ms", bound);
  spawned_any = 1;
  rc = mswk_accept(port, info, 0, MPI_COMM_SELF, link, 1);
  PMPI_Info_free(&info);
  PMPI_Close_port(port);
  pthread_mutex_lock(&kids_mu);
  if (k < MAXKIDS) {
    if (rc == MPI_SUCCESS) mswk_comm_peer(*link, kids[k].key);
    else {
      /* never came: a node that cannot start a child within the bound is treated as lost */
      kill(pid, SIGTERM);
      poll_launcher(k, 2000);
      exclude_node(n, "its child did not start");
      kids[k].used = 0;
    }
  }
  pthread_mutex_unlock(&kids_mu);
  if (rc == MPI_SUCCESS && !mswk_comm_is_link(*link)) {
    fprintf(stderr, "jmswk: MPI_Comm_spawn: child on %s met without a link (JMSWK_MSWK_LINK=0?)\n", nodes[n].name);
    mswk_disconnect(link);
    return MPI_ERR_SPAWN;
  }
  return rc;
}

static int info_value(MPI_Info info, const char *key, char *v, int len) {
  int flag = 0;
  if (info == MPI_INFO_NULL) return 0;
  PMPI_Info_get(info, key, len - 1, v, &flag);
  return flag;
}

/* Children of one spawn share one MPI_COMM_WORLD: failure domains of one process each cannot
 * give that, so such a spawn is refused (MPI_ERR_SPAWN) rather than run with a different world. */
static int too_many_children(int n) {
  refuse("MPI_Comm_spawn of %d processes in one call: in a multi-node --mswk job each spawned "
         "process gets a failure domain (and an MPI_COMM_WORLD) of its own, so children of one call "
         "cannot share a world; spawn one process per call, or set JMSWK_DOMAIN_SPAWN=0 for Open MPI's "
         "spawn (the children then share the job's fate: a lost node ends the job)", n);
  return MPI_ERR_SPAWN;
}

HIDDEN_FN int mswk_domain_spawn(const char *command, char *argv[], int maxprocs, MPI_Info info, int root,
                                MPI_Comm comm, MPI_Comm *intercomm, int errcodes[]) {
  if (!domain_mode()) return PMPI_Comm_spawn(command, argv, maxprocs, info, root, comm, intercomm, errcodes);
  refusal[0] = 0;
  int size = 0;
  PMPI_Comm_size(comm, &size);
  *intercomm = MPI_COMM_NULL;
  if (size != 1 || root != 0) {
    refuse("MPI_Comm_spawn in a multi-node --mswk job starts a failure domain per child and "
           "takes a communicator of one process (MPI_COMM_SELF); this one has %d", size);
    return MPI_ERR_COMM;
  }
  if (maxprocs < 1) return MPI_ERR_ARG;
  if (maxprocs > 1) {
    if (errcodes != MPI_ERRCODES_IGNORE) for (int i = 0; i < maxprocs; i++) errcodes[i] = MPI_ERR_SPAWN;
    return too_many_children(maxprocs);
  }
  int rc = ensure_started();
  if (rc != MPI_SUCCESS) return rc;
  char host[NODELEN], wdir[4096];
  int has_host = info_value(info, "host", host, sizeof host);
  int has_wdir = info_value(info, "wdir", wdir, sizeof wdir);
  int slot;
  for (slot = 0; slot < MAXSTANDINS && standins[slot].used; slot++) {}
  if (slot == MAXSTANDINS) return MPI_ERR_INTERN;
  MPI_Comm *children = calloc((size_t)maxprocs, sizeof(MPI_Comm));
  int failed = 0;
  for (int i = 0; i < maxprocs; i++) {
    int r = spawn_one(command, argv, has_host ? host : NULL, has_wdir ? wdir : NULL, &children[i]);
    if (errcodes != MPI_ERRCODES_IGNORE) errcodes[i] = r;
    if (r != MPI_SUCCESS) { failed = 1; rc = r; children[i] = MPI_COMM_NULL; break; }
  }
  if (failed) { /* MPI: all or nothing; the children already met are told goodbye */
    for (int i = 0; i < maxprocs; i++) if (children[i] != MPI_COMM_NULL) mswk_disconnect(&children[i]);
    if (errcodes != MPI_ERRCODES_IGNORE)
      for (int i = 0; i < maxprocs; i++) if (errcodes[i] == MPI_SUCCESS) errcodes[i] = MPI_ERR_SPAWN;
    free(children);
    return rc == MPI_ERR_COMM || rc == MPI_ERR_INTERN ? rc : MPI_ERR_SPAWN;
  }
  MPI_Comm c;
  PMPI_Comm_dup(MPI_COMM_SELF, &c);
  PMPI_Comm_set_errhandler(c, MPI_ERRORS_RETURN);
  PMPI_Comm_set_name(c, "jmswk spawn stand-in");
  standins[slot].comm = c;
  standins[slot].n = maxprocs;
  standins[slot].children = children;
  standins[slot].used = 1;
  *intercomm = c;
  return MPI_SUCCESS;
}

HIDDEN_FN int mswk_domain_active(void) { return is_child || spawned_any; }

/* A domain child exits when its launcher (the mpiexec of its domain) is gone: Open MPI leaves
 * such an orphan running, on a node its master no longer uses. */
static void *watch_launcher(void *arg) {
  pid_t launcher = (pid_t)(long)arg;
  while (getppid() == launcher) {
    struct timespec ts = {0, 250 * 1000000L};
    nanosleep(&ts, NULL);
  }
  fprintf(stderr, "jmswk: this process's launcher (pid %d) has ended; exiting\n", (int)launcher);
  _exit(LAUNCHER_LOST_EXIT);
  return NULL;
}

HIDDEN_FN int mswk_domain_child_start(void) {
  const char *port = getenv("JMSWK_SPAWN_PORT");
  if (!port || !*port || is_child) return MPI_SUCCESS;
  is_child = 1;
  pthread_t t;
  if (pthread_create(&t, NULL, watch_launcher, (void *)(long)getppid()) == 0) pthread_detach(t);
  int rc = mswk_connect(port, MPI_INFO_NULL, 0, MPI_COMM_SELF, &parent_standin, 1);
  if (rc != MPI_SUCCESS) fprintf(stderr, "jmswk: cannot meet the spawning parent (%d)\n", rc);
  return rc;
}

HIDDEN_FN void mswk_domain_stop(void) {
  pthread_mutex_lock(&kids_mu);
  for (int k = 0; k < MAXKIDS; k++) {
    if (!kids[k].used) continue;
    poll_launcher(k, 10000);
    if (!kids[k].ended) { kill(kids[k].ssh, SIGTERM); poll_launcher(k, 5000); }
    if (!kids[k].ended) kill(kids[k].ssh, SIGKILL);
    kids[k].used = 0;
  }
  pthread_mutex_unlock(&kids_mu);
}

/* ---- interposed MPI calls ---------------------------------------------------------------
 * domain_* here, exported as MPI_* at the end; the Java binding's shim (jmswk_shim.c) calls
 * domain_* directly, whatever order the dynamic linker binds MPI_* in. */
/* An error of a spawn that never entered Open MPI goes to comm's error handler, as MPI's would. */
static int spawn_error(MPI_Comm comm, int rc) {
  if (rc != MPI_SUCCESS && domain_mode()) PMPI_Comm_call_errhandler(comm, rc);
  return rc;
}

HIDDEN_FN int domain_comm_spawn(const char *command, char *argv[], int maxprocs, MPI_Info info, int root, MPI_Comm comm,
                       MPI_Comm *intercomm, int errcodes[]) {
  return spawn_error(comm, mswk_domain_spawn(command, argv, maxprocs, info, root, comm, intercomm, errcodes));
}

HIDDEN_FN int domain_comm_spawn_multiple(int count, char *commands[], char **argvs[], const int maxprocs[],
                                const MPI_Info infos[], int root, MPI_Comm comm, MPI_Comm *intercomm,
                                int errcodes[]) {
  if (!domain_mode())
    return PMPI_Comm_spawn_multiple(count, commands, argvs, maxprocs, infos, root, comm, intercomm, errcodes);
  int total = 0;
  for (int i = 0; i < count; i++) total += maxprocs[i];
  if (count == 1) /* one command: the same as MPI_Comm_spawn (and its limits) */
    return spawn_error(comm, mswk_domain_spawn(commands[0], argvs == MPI_ARGVS_NULL ? MPI_ARGV_NULL : argvs[0],
                                               maxprocs[0], infos[0], root, comm, intercomm, errcodes));
  return spawn_error(comm, too_many_children(total));
}

HIDDEN_FN int domain_comm_get_parent(MPI_Comm *parent) {
  if (is_child) { *parent = parent_standin; return MPI_SUCCESS; }
  return PMPI_Comm_get_parent(parent);
}

/* The link communicator behind (comm, rank), or MPI_COMM_NULL when comm is no stand-in. */
static MPI_Comm link_of(MPI_Comm comm, int rank, int *rc) {
  *rc = MPI_SUCCESS;
  int s = find_standin(comm);
  if (s >= 0) {
    if (rank == MPI_ANY_SOURCE) {
      if (standins[s].n != 1) {
        fprintf(stderr, "jmswk: MPI_ANY_SOURCE on a domain-split spawn's communicator of %d children is not "
                        "supported; receive from each rank\n", standins[s].n);
        *rc = MPI_ERR_RANK;
        return MPI_COMM_NULL;
      }
      rank = 0;
    }
    if (rank < 0 || rank >= standins[s].n) { *rc = MPI_ERR_RANK; return MPI_COMM_NULL; }
    if (standins[s].children[rank] == MPI_COMM_NULL) { *rc = mswk_err_peer_dead(); return MPI_COMM_NULL; }
    return standins[s].children[rank];
  }
  if (comm != MPI_COMM_NULL && (is_child || spawned_any) && mswk_comm_is_link(comm)) return comm;
  return MPI_COMM_NULL;
}

HIDDEN_FN int domain_send(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm) {
  int rc;
  MPI_Comm l = link_of(comm, dest, &rc);
  if (rc != MPI_SUCCESS) return rc;
  if (l == MPI_COMM_NULL) return PMPI_Send(buf, count, type, dest, tag, comm);
  if (find_standin(comm) >= 0 && (type == MPI_CHAR || type == MPI_BYTE) && count > 0 && count < MPI_MAX_PORT_NAME) {
    /* the guide's pattern: the master sends a port name to its child; an accept on that port
     * then waits for this child and ends when it dies */
    char text[MPI_MAX_PORT_NAME + 1], key[64];
    memcpy(text, buf, (size_t)count);
    text[count] = 0;
    mswk_comm_peer(l, key);
    if (key[0]) mswk_expect(text, key);
  }
  return mswk_send(buf, count, type, 0, tag, l);
}

HIDDEN_FN int domain_recv(void *buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm, MPI_Status *status) {
  int rc;
  MPI_Comm l = link_of(comm, source, &rc);
  if (rc != MPI_SUCCESS) return rc;
  if (l == MPI_COMM_NULL) return PMPI_Recv(buf, count, type, source, tag, comm, status);
  rc = mswk_recv(buf, count, type, source == MPI_ANY_SOURCE ? MPI_ANY_SOURCE : 0, tag, l, status);
  if (status != MPI_STATUS_IGNORE && rc == MPI_SUCCESS && find_standin(comm) >= 0) status->MPI_SOURCE = source == MPI_ANY_SOURCE ? 0 : source;
  return rc;
}

/* MPI_Probe (wait) and MPI_Iprobe: on a stand-in the message waiting on its link, left there
 * for the receive; the wait is bounded by the peer's liveness like a receive's. */
HIDDEN_FN int domain_probe(int source, int tag, MPI_Comm comm, int wait, int *flag, MPI_Status *status) {
  int rc, found = 0;
  MPI_Comm l = link_of(comm, source, &rc);
  if (rc != MPI_SUCCESS) return rc;
  if (l == MPI_COMM_NULL) return wait ? PMPI_Probe(source, tag, comm, status) : PMPI_Iprobe(source, tag, comm, flag, status);
  rc = mswk_probe(source == MPI_ANY_SOURCE ? MPI_ANY_SOURCE : 0, tag, l, wait, &found, status);
  if (flag) *flag = found;
  if (status != MPI_STATUS_IGNORE && rc == MPI_SUCCESS && found && find_standin(comm) >= 0) status->MPI_SOURCE = source == MPI_ANY_SOURCE ? 0 : source;
  return rc;
}

static int end_standin(MPI_Comm *comm) {
  int s = find_standin(*comm);
  if (s < 0) {
    if (*comm == parent_standin && parent_standin != MPI_COMM_NULL) {
      parent_standin = MPI_COMM_NULL; /* MPI_Comm_get_parent: MPI_COMM_NULL from now on */
      return mswk_disconnect(comm);
    }
    if (*comm != MPI_COMM_NULL && (is_child || spawned_any) && mswk_comm_is_link(*comm)) return mswk_disconnect(comm);
    return -1;
  }
  int rc = MPI_SUCCESS;
  for (int i = 0; i < standins[s].n; i++) {
    if (standins[s].children[i] == MPI_COMM_NULL) continue;
    int r = mswk_disconnect(&standins[s].children[i]);
    if (r != MPI_SUCCESS) rc = r;
  }
  free(standins[s].children);
  standins[s].used = 0;
  PMPI_Comm_free(comm);
  *comm = MPI_COMM_NULL;
  return rc;
}

HIDDEN_FN int domain_comm_disconnect(MPI_Comm *comm) {
  int rc = end_standin(comm);
  return rc == -1 ? PMPI_Comm_disconnect(comm) : rc;
}

HIDDEN_FN int domain_comm_free(MPI_Comm *comm) {
  int rc = end_standin(comm);
  return rc == -1 ? PMPI_Comm_free(comm) : rc;
}

HIDDEN_FN int domain_comm_remote_size(MPI_Comm comm, int *size) {
  int s = find_standin(comm);
  if (s >= 0) { *size = standins[s].n; return MPI_SUCCESS; }
  int rc;
  if (link_of(comm, 0, &rc) != MPI_COMM_NULL || (comm == parent_standin && comm != MPI_COMM_NULL)) {
    *size = 1;
    return MPI_SUCCESS;
  }
  return PMPI_Comm_remote_size(comm, size);
}

HIDDEN_FN int domain_comm_test_inter(MPI_Comm comm, int *flag) {
  int rc;
  if (find_standin(comm) >= 0 || link_of(comm, 0, &rc) != MPI_COMM_NULL ||
      (comm == parent_standin && comm != MPI_COMM_NULL)) {
    *flag = 1;
    return MPI_SUCCESS;
  }
  return PMPI_Comm_test_inter(comm, flag);
}

/* A program that includes only <mpi.h> still gets the liveness service in a domain child. */
API int MPI_Init(int *argc, char ***argv) {
  int rc = PMPI_Init(argc, argv);
  if (rc == MPI_SUCCESS && getenv("JMSWK_SPAWN_PORT") && *getenv("JMSWK_SPAWN_PORT")) rc = ensure_started();
  return rc;
}
HIDDEN_FN int domain_init_thread(int *argc, char ***argv, int required, int *provided) {
  int rc = PMPI_Init_thread(argc, argv, required, provided);
  if (rc == MPI_SUCCESS && getenv("JMSWK_SPAWN_PORT") && *getenv("JMSWK_SPAWN_PORT")) rc = ensure_started();
  return rc;
}

API int MPI_Comm_spawn(const char *command, char *argv[], int maxprocs, MPI_Info info, int root, MPI_Comm comm,
                       MPI_Comm *intercomm, int errcodes[]) {
  return domain_comm_spawn(command, argv, maxprocs, info, root, comm, intercomm, errcodes);
}
API int MPI_Comm_spawn_multiple(int count, char *commands[], char **argvs[], const int maxprocs[],
                                const MPI_Info infos[], int root, MPI_Comm comm, MPI_Comm *intercomm,
                                int errcodes[]) {
  return domain_comm_spawn_multiple(count, commands, argvs, maxprocs, infos, root, comm, intercomm, errcodes);
}
API int MPI_Comm_get_parent(MPI_Comm *parent) { return domain_comm_get_parent(parent); }
API int MPI_Send(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm) {
  return domain_send(buf, count, type, dest, tag, comm);
}
API int MPI_Recv(void *buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm, MPI_Status *status) {
  return domain_recv(buf, count, type, source, tag, comm, status);
}
API int MPI_Probe(int source, int tag, MPI_Comm comm, MPI_Status *status) {
  return domain_probe(source, tag, comm, 1, NULL, status);
}
API int MPI_Iprobe(int source, int tag, MPI_Comm comm, int *flag, MPI_Status *status) {
  return domain_probe(source, tag, comm, 0, flag, status);
}
API int MPI_Comm_disconnect(MPI_Comm *comm) { return domain_comm_disconnect(comm); }
API int MPI_Comm_free(MPI_Comm *comm) { return domain_comm_free(comm); }
API int MPI_Comm_remote_size(MPI_Comm comm, int *size) { return domain_comm_remote_size(comm, size); }
API int MPI_Comm_test_inter(MPI_Comm comm, int *flag) { return domain_comm_test_inter(comm, flag); }
API int MPI_Init_thread(int *argc, char ***argv, int required, int *provided) {
  return domain_init_thread(argc, argv, required, provided);
}
