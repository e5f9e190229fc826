/*
 * Domain-split MPI_Comm_spawn (PMPI interposition) for C programs built with jmswk-mpicc and for
 * the Java binding (through the hidden domain_* functions).
 *
 * Open MPI 4.1 ends an mpirun job when it loses one of its daemons, so workers spawned into the
 * master's job die with any node. In a multi-node `jmswk sub --mswk` job (JMSWK_OMPI_SERVER set,
 * the job's hostfile names nodes besides this one, JMSWK_DOMAIN_SPAWN not 0) each spawn CALL
 * starts its children by one mpiexec of their own (over ssh to the first child's node, joined to
 * the job's ompi-server; --host names every child's node), and the spawn never enters Open MPI:
 *
 *  - the children of one call share one MPI_COMM_WORLD, as MPI defines; the parent opens a port
 *    per child and passes them in the environment (JMSWK_SPAWN_PORT_<world rank>; also
 *    JMSWK_MSWK_PARENT so each child watches its parent); each child's liveness service
 *    connects to its port at MPI_Init, and parent and child meet over a Mswk link;
 *  - the intercommunicator MPI_Comm_spawn returns (one link per child, world-rank order) and the
 *    child's MPI_Comm_get_parent are stand-ins (duplicates of MPI_COMM_SELF registered here) whose
 *    MPI_Send/MPI_Recv/MPI_Probe go over those links, MPI_Comm_remote_size/MPI_Comm_test_inter
 *    answer as for the real thing, and MPI_Comm_disconnect/MPI_Comm_free end the links;
 *  - plain MPI_Comm_connect/accept across failure domains, and FJMPI_Mswk_connect/accept between
 *    such processes (mswk.c: mswk_domain_active), go over links too, so every master-worker wait
 *    is bounded by the liveness verdict.
 *
 * A stand-in is an MPI communicator handle, so the program may pass it anywhere; only the calls
 * interposed here know what it stands for. Placement: per child the node with the fewest live
 * children per slot (hostfile order on ties), never a node found lost. A node is excluded for the
 * rest of the job (also written to $JMSWK_JOB_DIR/failed-nodes) only when it is to blame: a child
 * there became unreachable (heartbeat silence), the call's launcher was lost (its ssh ended with
 * 255), or a child there died and the node does not answer the remote shell. A child that merely
 * died - killed, or ended with a sibling (4.1 ends every process of an mpiexec when one dies) -
 * leaves its node in use.
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

/* ---- spawn calls (failure domains) and their children ----------------------------------
 * One failure domain per spawn call: one launcher (ssh to the domain's head node, running one
 * mpiexec for all of the call's children, so they share an MPI_COMM_WORLD as MPI defines). */
static struct { pid_t ssh; int head; int status; int ended; int used; int waited; double empty_since; } domains[MAXKIDS];
static struct { int domain; int node; char key[64]; int used; } kids[MAXKIDS];
static pthread_mutex_t kids_mu = PTHREAD_MUTEX_INITIALIZER;
static int spawned_any, is_child;

static double mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

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

static void poll_launcher(int d, int wait_ms) {
  for (int waited = 0; !domains[d].ended; waited += 50) {
    int st = 0;
    pid_t r = waitpid(domains[d].ssh, &st, WNOHANG);
    if (r == domains[d].ssh) {
      domains[d].ended = 1;
      domains[d].status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      break;
    }
    if (r < 0 || waited >= wait_ms) break;
    struct timespec ts = {0, 50 * 1000000L};
    nanosleep(&ts, NULL);
  }
}

static int live_kids(int d) {
  int n = 0;
  for (int k = 0; k < MAXKIDS; k++) if (kids[k].used && kids[k].domain == d) n++;
  return n;
}

/* Forgets children that are gone, excluding a node only where the node is to blame: a child
 * there fell silent (node lost, cut off), or its domain's launcher ended with ssh's 255 (the
 * head node's mpiexec lost with its connection). A child that died while its node answers —
 * killed, or taken down with a sibling (Open MPI 4.1 ends every process of an mpiexec when one
 * of them dies or one of its nodes is lost) — leaves its node in use. The remote shell may
 * report a moment after the children's sockets closed: up to 2 s are given to it, once per
 * domain. A domain whose children are all gone is ended after 3 s if its mpiexec lingers. */
static int node_answers(int n);

static void review_children(void) {
  static int probed[MAXNODES]; /* this pass: 1 answered */
  memset(probed, 0, sizeof probed);
  for (int k = 0; k < MAXKIDS; k++) {
    if (!kids[k].used || !kids[k].key[0]) continue;
    int d = kids[k].domain, n = kids[k].node, unreachable = 0;
    if (mswk_peer_status(kids[k].key, &unreachable) != 0) continue; /* alive, or no verdict yet */
    if (unreachable) exclude_node(n, "its child stopped answering");
    else {
      if (!domains[d].waited) { poll_launcher(d, 2000); domains[d].waited = 1; }
      if (domains[d].ended && domains[d].status == 255) exclude_node(domains[d].head, "its children's launcher was lost");
      /* a killed node's connections may also end at once (host unreachable) rather than fall
       * silent: the node itself is asked, once per pass */
      if (!nodes[n].excluded && !probed[n]) {
        if (node_answers(n)) probed[n] = 1;
        else exclude_node(n, "it does not answer");
      }
    }
    kids[k].used = 0;
  }
  double now = mono_ms();
  for (int d = 0; d < MAXKIDS; d++) {
    if (!domains[d].used || live_kids(d) > 0) continue;
    poll_launcher(d, 0);
    if (domains[d].ended) { domains[d].used = 0; continue; }
    if (domains[d].empty_since == 0) domains[d].empty_since = now;
    else if (now - domains[d].empty_since > 3000) kill(domains[d].ssh, SIGTERM); /* what is left of a lost domain */
  }
}

/* Nodes for n children: each the node with the fewest live children per slot (hostfile order on
 * ties), counting those chosen before it; never an excluded node; only `wanted` when given.
 * load[] holds the running count per node. -1 when no node is usable. */
static int choose_nodes(int n, const char *wanted, int *load, int *out) {
  for (int i = 0; i < n; i++) {
    int best = -1;
    double best_load = 1e300;
    for (int m = 0; m < nnodes; m++) {
      if (nodes[m].excluded || (wanted && strcmp(nodes[m].name, wanted) != 0)) continue;
      double l = load[m] / (double)nodes[m].slots;
      if (l < best_load) { best = m; best_load = l; }
    }
    if (best < 0) return -1;
    out[i] = best;
    load[best]++;
  }
  /* ranks of one node next to each other, nodes in the order first chosen: the mapping
   * mpiexec makes of "--host a:2,b:1" */
  int *grouped = malloc(sizeof(int) * (size_t)n), g = 0;
  for (int i = 0; i < n; i++) {
    int seen = 0;
    for (int j = 0; j < i; j++) if (out[j] == out[i]) seen = 1;
    if (seen) continue;
    for (int j = i; j < n; j++) if (out[j] == out[i]) grouped[g++] = out[i];
  }
  memcpy(out, grouped, sizeof(int) * (size_t)n);
  free(grouped);
  return 0;
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

/* Appends name (its first n bytes; n 0: all of it) to a ';'-separated list. */
static void list_add(char **list, size_t *len, size_t *cap, const char *name, size_t n) {
  if (n == 0) n = strlen(name);
  if (n == 0) return;
  if (*len + n + 2 > *cap) { *cap = (*len + n + 2) * 2; *list = realloc(*list, *cap); }
  if (*len) (*list)[(*len)++] = ';';
  memcpy(*list + *len, name, n);
  *len += n;
  (*list)[*len] = 0;
}

/* One command of a spawn call (MPI_Comm_spawn has one, MPI_Comm_spawn_multiple count). */
typedef struct { const char *command; char **argv; int n; const char *host; const char *wdir; } context_t;

/* The remote command of a domain: "cd WDIR && exec env K=V... mpiexec --ompi-server file:URI
 * [--host a:2,b:1] -n N1 CMD1 ARGV1... [: -n N2 CMD2 ...]"; child r meets the parent on
 * JMSWK_SPAWN_PORT_r (its world rank), JMSWK_SPAWN_PORT marks a domain child. */
static char *domain_command(int ncx, const context_t *cx, int total, char **ports, const int *node_of) {
  size_t len = 0, cap = 4096;
  char *cmd = malloc(cap);
  char cwd[4096];
  const char *wdir = cx[0].wdir ? cx[0].wdir : getcwd(cwd, sizeof cwd) ? cwd : "/";
  len = (size_t)snprintf(cmd, cap, "cd");
  append_quoted(&cmd, &len, &cap, wdir);
  const char *mid = " && exec env";
  if (len + strlen(mid) + 1 > cap) { cap = (len + strlen(mid)) * 2; cmd = realloc(cmd, cap); }
  strcpy(cmd + len, mid);
  len += strlen(mid);
  char kv[MPI_MAX_PORT_NAME + 64];
  /* children on other nodes get only the variables mca_base_env_list names (the job may set
   * it already; Open MPI refuses -x alongside it): ours are added to the list */
  const char *list_var = "OMPI_MCA_mca_base_env_list=";
  size_t ll = 0, lcap = 256;
  char *list = malloc(lcap);
  list[0] = 0;
  for (char **e = environ; *e; e++) {
    if (!forwarded(*e)) continue;
    if (strncmp(*e, list_var, strlen(list_var)) == 0) { list_add(&list, &ll, &lcap, *e + strlen(list_var), 0); continue; }
    append_quoted(&cmd, &len, &cap, *e);
    if (strncmp(*e, "OMPI_MCA_", 9) != 0 && strchr(*e, '=')) list_add(&list, &ll, &lcap, *e, (size_t)(strchr(*e, '=') - *e));
  }
  list_add(&list, &ll, &lcap, "JMSWK_SPAWN_PORT", 0);
  list_add(&list, &ll, &lcap, "JMSWK_MSWK_PARENT", 0);
  for (int r = 0; r < total; r++) {
    snprintf(kv, sizeof kv, "JMSWK_SPAWN_PORT_%d", r);
    list_add(&list, &ll, &lcap, kv, 0);
  }
  char *list_kv = malloc(strlen(list_var) + ll + 1);
  sprintf(list_kv, "%s%s", list_var, list);
  append_quoted(&cmd, &len, &cap, list_kv);
  free(list_kv);
  free(list);
  snprintf(kv, sizeof kv, "JMSWK_SPAWN_PORT=%s", ports[0]);
  append_quoted(&cmd, &len, &cap, kv);
  for (int r = 0; r < total; r++) {
    snprintf(kv, sizeof kv, "JMSWK_SPAWN_PORT_%d=%s", r, ports[r]);
    append_quoted(&cmd, &len, &cap, kv);
  }
  snprintf(kv, sizeof kv, "JMSWK_MSWK_PARENT=%s", ports[0]);
  append_quoted(&cmd, &len, &cap, kv);
  char file_uri[1100];
  snprintf(file_uri, sizeof file_uri, "file:%s", server_uri);
  append_quoted(&cmd, &len, &cap, "mpiexec");
  append_quoted(&cmd, &len, &cap, "--ompi-server");
  append_quoted(&cmd, &len, &cap, file_uri);
  int remote = 0;
  for (int r = 0; r < total; r++) if (node_of[r] != node_of[0]) remote = 1;
  if (remote || total > 1) {
    /* every child's node with its count, in rank order (node_of is grouped by node) */
    size_t hl = 0, hcap = (size_t)total * (NODELEN + 16) + 1;
    char *hosts = malloc(hcap);
    hosts[0] = 0;
    for (int r = 0; r < total; r++) {
      int first = 1, count = 0;
      for (int j = 0; j < r; j++) if (node_of[j] == node_of[r]) first = 0;
      if (!first) continue;
      for (int j = 0; j < total; j++) if (node_of[j] == node_of[r]) count++;
      hl += (size_t)snprintf(hosts + hl, hcap - hl, "%s%s:%d", hl ? "," : "", nodes[node_of[r]].name, count);
    }
    append_quoted(&cmd, &len, &cap, "--host");
    append_quoted(&cmd, &len, &cap, hosts);
    free(hosts);
  }
  for (int c = 0; c < ncx; c++) {
    char n[16];
    snprintf(n, sizeof n, "%d", cx[c].n);
    if (c > 0) append_quoted(&cmd, &len, &cap, ":");
    append_quoted(&cmd, &len, &cap, "-n");
    append_quoted(&cmd, &len, &cap, n);
    if (c > 0 && cx[c].wdir) { append_quoted(&cmd, &len, &cap, "-wdir"); append_quoted(&cmd, &len, &cap, cx[c].wdir); }
    append_quoted(&cmd, &len, &cap, cx[c].command);
    for (int i = 0; cx[c].argv && cx[c].argv[i]; i++) append_quoted(&cmd, &len, &cap, cx[c].argv[i]);
  }
  return cmd;
}

/* The remote shell's argument vector for node n running cmd (JMSWK_DOMAIN_RSH, else ssh);
 * *scratch is freed by the caller. */
static int rsh_words(int n, char *cmd, char **words, char **scratch) {
  const char *rsh = getenv("JMSWK_DOMAIN_RSH");
  int nw = 0;
  *scratch = NULL;
  if (rsh && *rsh) {
    *scratch = strdup(rsh);
    for (char *t = strtok(*scratch, " \t"); t && nw < 60; t = strtok(NULL, " \t")) words[nw++] = t;
  } else {
    const char *ssh[] = {"ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "-o", "ServerAliveInterval=5",
                         "-o", "ServerAliveCountMax=2", NULL};
    for (int i = 0; ssh[i]; i++) words[nw++] = (char *)ssh[i];
  }
  words[nw++] = nodes[n].name;
  words[nw++] = cmd;
  words[nw] = NULL;
  return nw;
}

static pid_t run_remote(int n, char *cmd) {
  char *words[64], *scratch;
  rsh_words(n, cmd, words, &scratch);
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
  free(scratch);
  return pid;
}

/* Whether node n runs a command over the remote shell within 15 s (a node that does not is lost). */
static int node_answers(int n) {
  char cmd[] = "true";
  pid_t pid = run_remote(n, cmd);
  if (pid < 0) return 1;
  for (int waited = 0; waited < 15000; waited += 100) {
    int st = 0;
    if (waitpid(pid, &st, WNOHANG) == pid) return WIFEXITED(st) && WEXITSTATUS(st) == 0;
    struct timespec ts = {0, 100 * 1000000L};
    nanosleep(&ts, NULL);
  }
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  return 0;
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

/* A stand-in intercommunicator in table slot `slot` for n links (rank order; the table owns links). */
static MPI_Comm new_standin(int slot, int n, MPI_Comm *links, const char *name) {
  MPI_Comm c;
  PMPI_Comm_dup(MPI_COMM_SELF, &c);
  PMPI_Comm_set_errhandler(c, MPI_ERRORS_RETURN);
  PMPI_Comm_set_name(c, name);
  standins[slot].comm = c;
  standins[slot].n = n;
  standins[slot].children = links;
  standins[slot].used = 1;
  return c;
}

static int start_timeout_ms(void) {
  const char *e = getenv("JMSWK_WORKER_START_TIMEOUT_S");
  if (e && atoi(e) > 0) return atoi(e) * 1000;
  e = getenv("JMSWK_MSWK_UNKNOWN_TIMEOUT_MS");
  return e && atoi(e) > 0 ? atoi(e) : 60000;
}

/* Child r's meeting on its port: accepted in 1 s slices, so that a launcher that ended before
 * its children came ends the wait at once. MPI_SUCCESS, the Mswk error, or 1 (launcher ended)
 * or 2 (not within the start bound). */
static int meet_child(const char *port, int d, double deadline, MPI_Comm *link) {
  for (;;) {
    MPI_Info info;
    PMPI_Info_create(&info);
    PMPI_Info_set(info, "jmswk_timeout_ms", "1000");
    int rc = mswk_accept(port, info, 0, MPI_COMM_SELF, link, 1);
    PMPI_Info_free(&info);
    if (rc == MPI_SUCCESS || rc == mswk_err_peer_dead()) return rc;
    if (rc != mswk_err_timeout()) return rc;
    pthread_mutex_lock(&kids_mu);
    poll_launcher(d, 0);
    int ended = domains[d].ended;
    pthread_mutex_unlock(&kids_mu);
    if (ended) return 1;
    if (mono_ms() > deadline) return 2;
  }
}

/* One spawn call: its children's nodes, one launcher, and a meeting with each child over a
 * link (links[r] for world rank r). MPI_SUCCESS, or an error with errcodes filled and nothing
 * left running. */
static int spawn_domain(int ncx, const context_t *cx, MPI_Comm *links, int errcodes[]) {
  int total = 0;
  for (int c = 0; c < ncx; c++) total += cx[c].n;
  int *node_of = malloc(sizeof(int) * (size_t)total), *load = calloc(MAXNODES, sizeof(int));
  pthread_mutex_lock(&kids_mu);
  review_children();
  for (int k = 0; k < MAXKIDS; k++) if (kids[k].used) load[kids[k].node]++;
  int ok = 1, base = 0;
  for (int c = 0; c < ncx && ok; base += cx[c].n, c++) ok = choose_nodes(cx[c].n, cx[c].host, load, node_of + base) == 0;
  int d = -1;
  if (ok) for (d = 0; d < MAXKIDS && domains[d].used; d++) {}
  int slots_free = 0;
  for (int k = 0; k < MAXKIDS && slots_free < total; k++) if (!kids[k].used) slots_free++;
  pthread_mutex_unlock(&kids_mu);
  free(load);
  int rc = MPI_SUCCESS;
  if (!ok) {
    const char *host = NULL;
    for (int c = 0; c < ncx; c++) if (cx[c].host) host = cx[c].host;
    if (host) refuse("MPI_Comm_spawn: host %s is not a usable worker node of this job", host);
    else refuse("MPI_Comm_spawn: every worker node of this job is excluded");
    rc = MPI_ERR_SPAWN;
  } else if (d == MAXKIDS || slots_free < total) {
    refuse("MPI_Comm_spawn: more than %d children alive at once", MAXKIDS);
    rc = MPI_ERR_SPAWN;
  }
  char **ports = calloc((size_t)total, sizeof(char *));
  for (int r = 0; r < total && rc == MPI_SUCCESS; r++) {
    ports[r] = malloc(MPI_MAX_PORT_NAME);
    rc = PMPI_Open_port(MPI_INFO_NULL, ports[r]);
    if (rc != MPI_SUCCESS) { free(ports[r]); ports[r] = NULL; }
  }
  int *kid = malloc(sizeof(int) * (size_t)total);
  if (rc == MPI_SUCCESS) {
    char *cmd = domain_command(ncx, cx, total, ports, node_of);
    pid_t pid = run_remote(node_of[0], cmd);
    free(cmd);
    if (pid < 0) rc = MPI_ERR_SPAWN;
    else {
      pthread_mutex_lock(&kids_mu);
      memset(&domains[d], 0, sizeof domains[d]);
      domains[d].used = 1;
      domains[d].ssh = pid;
      domains[d].head = node_of[0];
      for (int r = 0, k = 0; r < total; r++) {
        while (kids[k].used) k++;
        kids[k].used = 1;
        kids[k].domain = d;
        kids[k].node = node_of[r];
        kids[k].key[0] = 0;
        kid[r] = k;
      }
      pthread_mutex_unlock(&kids_mu);
      spawned_any = 1;
    }
  }
  int met = 0, why = 0;
  if (rc == MPI_SUCCESS) {
    double deadline = mono_ms() + start_timeout_ms();
    for (met = 0; met < total; met++) {
      int r = meet_child(ports[met], d, deadline, &links[met]);
      if (r == MPI_SUCCESS && !mswk_comm_is_link(links[met])) {
        fprintf(stderr, "jmswk: MPI_Comm_spawn: child %d on %s met without a link (JMSWK_MSWK_LINK=0?)\n", met,
                nodes[node_of[met]].name);
        mswk_disconnect(&links[met]);
        r = MPI_ERR_SPAWN;
      }
      if (r != MPI_SUCCESS) { why = r == 2 ? 2 : 1; break; }
      pthread_mutex_lock(&kids_mu);
      mswk_comm_peer(links[met], kids[kid[met]].key);
      pthread_mutex_unlock(&kids_mu);
    }
    if (met < total) {
      /* MPI: all or nothing. The domain is ended first (its children die with it), then the
       * links of those that met are released. The node of the child that did not come within
       * the whole start bound is excluded; the nodes of the others that had not met yet only
       * when they do not answer the remote shell. */
      pthread_mutex_lock(&kids_mu);
      kill(domains[d].ssh, SIGTERM);
      poll_launcher(d, 2000);
      if (!domains[d].ended) { kill(domains[d].ssh, SIGKILL); poll_launcher(d, 2000); }
      int status = domains[d].status;
      for (int r = met; r < total; r++) {
        int n = node_of[r], dup = 0;
        for (int j = met; j < r; j++) if (node_of[j] == n) dup = 1;
        if (dup || nodes[n].excluded) continue;
        if (why == 2 && n == node_of[met]) exclude_node(n, "its child did not start");
        else if (!node_answers(n)) exclude_node(n, "it does not answer");
      }
      for (int r = 0; r < total; r++) kids[kid[r]].used = 0;
      domains[d].used = 0;
      pthread_mutex_unlock(&kids_mu);
      for (int r = 0; r < met; r++) mswk_disconnect(&links[r]);
      if (why == 1) refuse("MPI_Comm_spawn: the mpiexec of %d children on %s ended (status %d) or child %d died before it met its parent",
                           total, nodes[node_of[0]].name, status, met);
      else if (why == 2) refuse("MPI_Comm_spawn: child %d on %s did not start within %d ms", met, nodes[node_of[met]].name,
                                start_timeout_ms());
      rc = MPI_ERR_SPAWN;
    }
  }
  if (errcodes != MPI_ERRCODES_IGNORE)
    for (int r = 0; r < total; r++) errcodes[r] = rc;
  for (int r = 0; r < total; r++) if (ports[r]) { PMPI_Close_port(ports[r]); free(ports[r]); }
  free(ports);
  free(kid);
  free(node_of);
  return rc;
}

static int excluded_count(void) {
  int n = 0;
  pthread_mutex_lock(&kids_mu);
  for (int i = 0; i < nnodes; i++) n += nodes[i].excluded;
  pthread_mutex_unlock(&kids_mu);
  return n;
}

static int info_value(MPI_Info info, const char *key, char *v, int len) {
  int flag = 0;
  if (info == MPI_INFO_NULL) return 0;
  PMPI_Info_get(info, key, len - 1, v, &flag);
  return flag;
}

/* MPI_Comm_spawn and MPI_Comm_spawn_multiple through a domain: a stand-in intercommunicator
 * with one link per child, in world-rank order. */
static int domain_spawn(int count, char *commands[], char **argvs[], const int maxprocs[], const MPI_Info infos[],
                        int root, MPI_Comm comm, MPI_Comm *intercomm, int errcodes[]) {
  refusal[0] = 0;
  int size = 0;
  PMPI_Comm_size(comm, &size);
  *intercomm = MPI_COMM_NULL;
  if (size != 1 || root != 0) {
    refuse("MPI_Comm_spawn in a multi-node --mswk job starts a failure domain per spawn call and "
           "takes a communicator of one process (MPI_COMM_SELF); this one has %d", size);
    return MPI_ERR_COMM;
  }
  int total = 0;
  if (count < 1) return MPI_ERR_ARG;
  for (int c = 0; c < count; c++) {
    if (maxprocs[c] < 1) return MPI_ERR_ARG;
    total += maxprocs[c];
  }
  int rc = ensure_started();
  if (rc != MPI_SUCCESS) return rc;
  int slot;
  for (slot = 0; slot < MAXSTANDINS && standins[slot].used; slot++) {}
  if (slot == MAXSTANDINS) return MPI_ERR_INTERN;
  context_t *cx = calloc((size_t)count, sizeof(context_t));
  char (*hosts)[NODELEN] = calloc((size_t)count, NODELEN), (*wdirs)[4096] = calloc((size_t)count, 4096);
  for (int c = 0; c < count; c++) {
    cx[c].command = commands[c];
    cx[c].argv = argvs == MPI_ARGVS_NULL ? MPI_ARGV_NULL : argvs[c];
    cx[c].n = maxprocs[c];
    MPI_Info info = infos ? infos[c] : MPI_INFO_NULL;
    if (info_value(info, "host", hosts[c], NODELEN)) cx[c].host = hosts[c];
    if (info_value(info, "wdir", wdirs[c], 4096)) cx[c].wdir = wdirs[c];
  }
  MPI_Comm *children = calloc((size_t)total, sizeof(MPI_Comm));
  /* a launch that failed because a node turned out lost (now excluded) is made again on the
   * others, unless the program named its hosts */
  int named = 0;
  for (int c = 0; c < count; c++) if (cx[c].host) named = 1;
  for (int attempt = 0;; attempt++) {
    int excluded_before = excluded_count();
    rc = spawn_domain(count, cx, children, errcodes);
    if (rc == MPI_SUCCESS || named || attempt == 2 || excluded_count() == excluded_before) break;
    fprintf(stderr, "jmswk: MPI_Comm_spawn: starting again without the node(s) found lost\n");
  }
  free(cx);
  free(hosts);
  free(wdirs);
  if (rc != MPI_SUCCESS) {
    free(children);
    return rc;
  }
  *intercomm = new_standin(slot, total, children, "jmswk spawn stand-in");
  return MPI_SUCCESS;
}

HIDDEN_FN int mswk_domain_spawn(const char *command, char *argv[], int maxprocs, MPI_Info info, int root,
                                MPI_Comm comm, MPI_Comm *intercomm, int errcodes[]) {
  if (!domain_mode()) return PMPI_Comm_spawn(command, argv, maxprocs, info, root, comm, intercomm, errcodes);
  char *commands[1] = {(char *)command};
  char **argvs[1] = {argv};
  int n[1] = {maxprocs};
  MPI_Info infos[1] = {info};
  return domain_spawn(1, commands, argvs, n, infos, root, comm, intercomm, errcodes);
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
  /* children of one call share a world: child r meets the parent on the port of its rank */
  int rank = 0;
  char name[64];
  PMPI_Comm_rank(MPI_COMM_WORLD, &rank);
  snprintf(name, sizeof name, "JMSWK_SPAWN_PORT_%d", rank);
  if (getenv(name) && *getenv(name)) port = getenv(name);
  int rc = mswk_connect(port, MPI_INFO_NULL, 0, MPI_COMM_SELF, &parent_standin, 1);
  if (rc != MPI_SUCCESS) fprintf(stderr, "jmswk: cannot meet the spawning parent (%d)\n", rc);
  return rc;
}

HIDDEN_FN void mswk_domain_stop(void) {
  pthread_mutex_lock(&kids_mu);
  for (int d = 0; d < MAXKIDS; d++) {
    if (!domains[d].used) continue;
    poll_launcher(d, 10000);
    if (!domains[d].ended) { kill(domains[d].ssh, SIGTERM); poll_launcher(d, 5000); }
    if (!domains[d].ended) kill(domains[d].ssh, SIGKILL);
    domains[d].used = 0;
  }
  for (int k = 0; k < MAXKIDS; k++) kids[k].used = 0;
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
  return spawn_error(comm, domain_spawn(count, commands, argvs, maxprocs, infos, root, comm, intercomm, errcodes));
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
    if (rank == MPI_ANY_SOURCE) rank = 0; /* a stand-in of several children: any_source_rank first */
    if (rank < 0 || rank >= standins[s].n) { *rc = MPI_ERR_RANK; return MPI_COMM_NULL; }
    if (standins[s].children[rank] == MPI_COMM_NULL) { *rc = mswk_err_peer_dead(); return MPI_COMM_NULL; }
    return standins[s].children[rank];
  }
  if (comm != MPI_COMM_NULL && (is_child || spawned_any) && mswk_comm_is_link(comm)) return comm;
  return MPI_COMM_NULL;
}

/* any_source_rank's answer when nothing is waiting (not -1: that is MPI_ANY_SOURCE in Open MPI) */
#define NOTHING_WAITING (-1000)

/* MPI_ANY_SOURCE on a stand-in of several children: the lowest rank with a message waiting
 * (polled; wait 0: NOTHING_WAITING when none). Dead children are passed over; when all are
 * dead, the peer-dead error. Any other communicator: *rank stays MPI_ANY_SOURCE. */
static int any_source_rank(MPI_Comm comm, int tag, int wait, int *rank) {
  int s = find_standin(comm);
  *rank = MPI_ANY_SOURCE;
  if (s < 0 || standins[s].n == 1) return MPI_SUCCESS;
  for (long sleep_ns = 20000;;) {
    int alive = 0;
    for (int r = 0; r < standins[s].n; r++) {
      if (standins[s].children[r] == MPI_COMM_NULL) continue;
      int found = 0;
      int rc = mswk_probe(MPI_ANY_SOURCE, tag, standins[s].children[r], 0, &found, MPI_STATUS_IGNORE);
      if (rc == mswk_err_peer_dead()) continue;
      if (rc != MPI_SUCCESS) return rc;
      alive++;
      if (found) { *rank = r; return MPI_SUCCESS; }
    }
    if (!alive) return mswk_err_peer_dead();
    if (!wait) { *rank = NOTHING_WAITING; return MPI_SUCCESS; }
    struct timespec ts = {0, sleep_ns};
    nanosleep(&ts, NULL);
    if (sleep_ns < 1000000) sleep_ns *= 2;
  }
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
  int rc, any;
  if (source == MPI_ANY_SOURCE) {
    if ((rc = any_source_rank(comm, tag, 1, &any)) != MPI_SUCCESS) return rc;
    if (any >= 0) source = any;
  }
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
  int rc, found = 0, any;
  if (source == MPI_ANY_SOURCE) {
    if ((rc = any_source_rank(comm, tag, wait, &any)) != MPI_SUCCESS) return rc;
    if (any == NOTHING_WAITING) { *flag = 0; return MPI_SUCCESS; }
    if (any >= 0) source = any;
  }
  MPI_Comm l = link_of(comm, source, &rc);
  if (rc != MPI_SUCCESS) return rc;
  if (l == MPI_COMM_NULL) return wait ? PMPI_Probe(source, tag, comm, status) : PMPI_Iprobe(source, tag, comm, flag, status);
  rc = mswk_probe(source == MPI_ANY_SOURCE ? MPI_ANY_SOURCE : 0, tag, l, wait, &found, status);
  if (flag) *flag = found;
  if (status != MPI_STATUS_IGNORE && rc == MPI_SUCCESS && found && find_standin(comm) >= 0) status->MPI_SOURCE = source == MPI_ANY_SOURCE ? 0 : source;
  return rc;
}

/* ---- MPI_Comm_connect / MPI_Comm_accept across failure domains ------------------------
 * Between a domain child and its spawning master (or any two processes of different mpiexecs
 * in a domain-split job) a plain connect/accept goes over Mswk links, as the Mswk calls do:
 * Open MPI 4.1's own connect across two mpiexecs of the job crashed the master's mpiexec here
 * (segfault in orte_rml_base_parse_uris), and it cannot be bounded by a peer's death. Each side
 * first tells the other its group size over the link the roots share. When one side is a group
 * of N > 1 (e.g. the workers of one spawn connecting as their world), the single process opens
 * a port, each other rank of the group meets it there with a link of its own and names its
 * rank: the single side gets a stand-in of N links in rank order (remote size N), each group
 * rank a link to the single process. Two groups of several processes are refused. */
#define TAG_GROUP 2147480001 /* internal tags on links: the group size, the extra port, a rank */
#define TAG_PORT_EXTRA 2147480002
#define TAG_RANK 2147480003

/* A message with an internal tag, within bound_ms (a peer using the Mswk calls never sends one). */
static int recv_bounded(MPI_Comm link, void *buf, int count, MPI_Datatype type, int tag, int bound_ms) {
  for (double until = mono_ms() + bound_ms;;) {
    int found = 0;
    int rc = mswk_probe(0, tag, link, 0, &found, MPI_STATUS_IGNORE);
    if (rc != MPI_SUCCESS) return rc;
    if (found) return mswk_recv(buf, count, type, 0, tag, link, MPI_STATUS_IGNORE);
    if (mono_ms() > until) {
      refuse("MPI_Comm_connect/accept across failure domains: the peer did not say its group size within %d ms "
             "(a peer that uses FJMPI_Mswk_connect/accept must be met with those calls too)", bound_ms);
      return MPI_ERR_OTHER;
    }
    struct timespec ts = {0, 1000000L};
    nanosleep(&ts, NULL);
  }
}

static int link_bound(void) {
  const char *e = getenv("JMSWK_MSWK_TIMEOUT_MS");
  int t = e && atoi(e) > 0 ? atoi(e) : 2000;
  return 2 * t + 10000;
}

/* The single side, after the roots met over link: learns the peer group's size and, for N > 1,
 * meets the others on a port of its own. *out: link (N 1) or a stand-in of N links. */
static int single_side(MPI_Comm link, MPI_Comm *out) {
  int one[2] = {1, 0}, peer[2];
  int rc = mswk_send(one, 2, MPI_INT, 0, TAG_GROUP, link);
  if (rc == MPI_SUCCESS) rc = recv_bounded(link, peer, 2, MPI_INT, TAG_GROUP, link_bound());
  if (rc != MPI_SUCCESS) { mswk_disconnect(&link); return rc; }
  int n = peer[0], root = peer[1];
  if (n == 1) { *out = link; return MPI_SUCCESS; }
  int slot;
  for (slot = 0; slot < MAXSTANDINS && standins[slot].used; slot++) {}
  if (slot == MAXSTANDINS || n < 1 || root < 0 || root >= n) { mswk_disconnect(&link); return MPI_ERR_INTERN; }
  char port[MPI_MAX_PORT_NAME];
  rc = PMPI_Open_port(MPI_INFO_NULL, port);
  if (rc == MPI_SUCCESS) rc = mswk_send(port, MPI_MAX_PORT_NAME, MPI_CHAR, 0, TAG_PORT_EXTRA, link);
  MPI_Comm *links = calloc((size_t)n, sizeof(MPI_Comm));
  for (int i = 0; i < n; i++) links[i] = MPI_COMM_NULL;
  links[root] = link;
  for (int i = 1; i < n && rc == MPI_SUCCESS; i++) {
    MPI_Info info;
    char bound[32];
    snprintf(bound, sizeof bound, "%d", link_bound());
    PMPI_Info_create(&info);
    PMPI_Info_set(info, "jmswk_timeout_ms", bound);
    MPI_Comm l = MPI_COMM_NULL;
    rc = mswk_accept(port, info, 0, MPI_COMM_SELF, &l, 1);
    PMPI_Info_free(&info);
    int r = -1;
    if (rc == MPI_SUCCESS) rc = recv_bounded(l, &r, 1, MPI_INT, TAG_RANK, link_bound());
    if (rc == MPI_SUCCESS && (r < 0 || r >= n || links[r] != MPI_COMM_NULL)) rc = MPI_ERR_RANK;
    if (rc == MPI_SUCCESS) links[r] = l;
    else if (l != MPI_COMM_NULL) mswk_disconnect(&l);
  }
  PMPI_Close_port(port);
  if (rc != MPI_SUCCESS) {
    for (int i = 0; i < n; i++) if (links[i] != MPI_COMM_NULL) mswk_disconnect(&links[i]);
    free(links);
    return rc;
  }
  *out = new_standin(slot, n, links, "jmswk group stand-in");
  return MPI_SUCCESS;
}

/* A group of several processes (comm), root's side: root met the single peer over link (or
 * failed with rc); every rank ends with a link of its own to that peer. Collective. */
static int group_side(int rc, MPI_Comm link, int root, MPI_Comm comm, MPI_Comm *out) {
  int rank, size;
  PMPI_Comm_rank(comm, &rank);
  PMPI_Comm_size(comm, &size);
  char port[MPI_MAX_PORT_NAME + 1] = "";
  int state = rc; /* root: MPI_SUCCESS, or the error every rank returns */
  if (rank == root && rc == MPI_SUCCESS) {
    int mine[2] = {size, root}, peer[2];
    rc = mswk_send(mine, 2, MPI_INT, 0, TAG_GROUP, link);
    if (rc == MPI_SUCCESS) rc = recv_bounded(link, peer, 2, MPI_INT, TAG_GROUP, link_bound());
    if (rc == MPI_SUCCESS && peer[0] != 1) {
      refuse("MPI_Comm_connect/accept between two groups of several processes (%d and %d) across failure domains "
             "is not supported; connect from one process (MPI_COMM_SELF) on one side", size, peer[0]);
      rc = MPI_ERR_OTHER;
    }
    if (rc == MPI_SUCCESS) rc = recv_bounded(link, port, MPI_MAX_PORT_NAME, MPI_CHAR, TAG_PORT_EXTRA, link_bound());
    port[MPI_MAX_PORT_NAME] = 0;
    state = rc;
    if (rc != MPI_SUCCESS) mswk_disconnect(&link);
  }
  PMPI_Bcast(&state, 1, MPI_INT, root, comm);
  if (state != MPI_SUCCESS) return state;
  PMPI_Bcast(port, MPI_MAX_PORT_NAME, MPI_CHAR, root, comm);
  if (rank == root) { *out = link; return MPI_SUCCESS; }
  MPI_Comm l = MPI_COMM_NULL;
  rc = mswk_connect(port, MPI_INFO_NULL, 0, MPI_COMM_SELF, &l, 1);
  if (rc == MPI_SUCCESS) rc = mswk_send(&rank, 1, MPI_INT, 0, TAG_RANK, l);
  if (rc != MPI_SUCCESS && l != MPI_COMM_NULL) mswk_disconnect(&l);
  if (rc == MPI_SUCCESS) *out = l;
  return rc;
}

static int across_domains(int connect, const char *port, MPI_Info info, int root, MPI_Comm comm, MPI_Comm *newcomm) {
  int size = 0, rank = 0;
  PMPI_Comm_size(comm, &size);
  PMPI_Comm_rank(comm, &rank);
  *newcomm = MPI_COMM_NULL;
  int rc = ensure_started();
  if (rc != MPI_SUCCESS) return rc;
  if (size == 1) {
    MPI_Comm c = MPI_COMM_NULL;
    rc = connect ? mswk_connect(port, info, root, comm, &c, 1) : mswk_accept(port, info, root, comm, &c, 1);
    if (rc != MPI_SUCCESS || !mswk_comm_is_link(c)) { *newcomm = c; return rc; } /* within one job: Open MPI's */
    return single_side(c, newcomm);
  }
  /* a group: the root decides (a port of another job's process, or for accept whoever comes) */
  int across = 1;
  if (connect) {
    if (rank == root) across = mswk_port_across_jobs(port);
    PMPI_Bcast(&across, 1, MPI_INT, root, comm);
    if (!across) return connect ? PMPI_Comm_connect(port, info, root, comm, newcomm) : PMPI_Comm_accept(port, info, root, comm, newcomm);
  }
  MPI_Comm link = MPI_COMM_NULL;
  if (rank == root) {
    rc = connect ? mswk_connect(port, info, 0, MPI_COMM_SELF, &link, 1) : mswk_accept(port, info, 0, MPI_COMM_SELF, &link, 1);
    if (rc == MPI_SUCCESS && !mswk_comm_is_link(link)) {
      refuse("MPI_Comm_accept over a group of %d processes in a domain-split job: the peer is in this process's own "
             "job; only peers of other failure domains can be met by a group here", size);
      PMPI_Comm_disconnect(&link);
      rc = MPI_ERR_OTHER;
    }
  }
  return group_side(rc, link, root, comm, newcomm);
}

HIDDEN_FN int domain_comm_connect(const char *port, MPI_Info info, int root, MPI_Comm comm, MPI_Comm *newcomm) {
  if (!(is_child || spawned_any)) return PMPI_Comm_connect(port, info, root, comm, newcomm);
  return across_domains(1, port, info, root, comm, newcomm);
}

HIDDEN_FN int domain_comm_accept(const char *port, MPI_Info info, int root, MPI_Comm comm, MPI_Comm *newcomm) {
  if (!(is_child || spawned_any)) return PMPI_Comm_accept(port, info, root, comm, newcomm);
  return across_domains(0, port, info, root, comm, newcomm);
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
API int MPI_Comm_connect(const char *port, MPI_Info info, int root, MPI_Comm comm, MPI_Comm *newcomm) {
  return domain_comm_connect(port, info, root, comm, newcomm);
}
API int MPI_Comm_accept(const char *port, MPI_Info info, int root, MPI_Comm comm, MPI_Comm *newcomm) {
  return domain_comm_accept(port, info, root, comm, newcomm);
}
API int MPI_Comm_free(MPI_Comm *comm) { return domain_comm_free(comm); }
API int MPI_Comm_remote_size(MPI_Comm comm, int *size) { return domain_comm_remote_size(comm, size); }
API int MPI_Comm_test_inter(MPI_Comm comm, int *flag) { return domain_comm_test_inter(comm, flag); }
API int MPI_Init_thread(int *argc, char ***argv, int required, int *provided) {
  return domain_init_thread(argc, argv, required, provided);
}
