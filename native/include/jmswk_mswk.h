/*
 * jmswk Mswk calls: failure-isolating connect / accept / disconnect for
 * master-worker jobs (the vendor's FJMPI_Mswk_* drop-ins), implemented in
 * native/src/mswk.c and built into libjmswk.so.
 *
 * Same parameters and semantics as MPI_Comm_connect / MPI_Comm_accept /
 * MPI_Comm_disconnect, except that when the peer process is dead (or dies
 * during the call) the call returns an error code (class
 * FJMPI_Mswk_err_peer_dead()) within a bounded wait instead of hanging or
 * aborting. Liveness is checked outside MPI: every process keeps a TCP
 * heartbeat connection to each peer it exchanges with (see mswk.c).
 *
 * Requirements: both sides use the Mswk calls (they rendezvous over the
 * heartbeat connection before entering MPI); the liveness service started
 * (FJMPI_Mswk_init, which mpi-ext.h maps MPI_Init to, or jmswk_mswk_init);
 * MPI_THREAD_FUNNELED or more; on Open MPI 4.1 `mpirun --enable-recovery`
 * so that a dead worker does not end the job.
 *
 * Environment:
 *   JMSWK_MSWK_TIMEOUT_MS   silence after which a peer counts as dead
 *                           (default 2000; a killed process is seen at once,
 *                           by its TCP connection closing)
 *   JMSWK_MSWK_UNKNOWN_TIMEOUT_MS  bound for calls whose peer cannot be
 *                           identified (accept before any announcement;
 *                           per call: the info key "jmswk_timeout_ms";
 *                           default 60000; 0 = wait without bound)
 *   JMSWK_MSWK_ADDR         IPv4 address the heartbeat listener binds to
 *                           (default: this host's name's address, else 127.0.0.1)
 *   JMSWK_MSWK_ORPHAN_EXIT  1 (default): a spawned process exits (status 70)
 *                           when its parent's heartbeat is lost
 *   JMSWK_MSWK_PARENT       a port name of the parent, for a process that was
 *                           not spawned but started by an mpiexec of its own
 *                           (one failure domain per worker): it is linked and
 *                           watched like a spawner
 *   JMSWK_MSWK_EXCHANGE_TIMEOUT_S  if set (>0) and OMPI_MCA_pmix_base_exchange_timeout
 *                           is not, FJMPI_Mswk_init sets it: bounds a peer dying
 *                           inside the MPI rendezvous (also bounds spawn!)
 *   JMSWK_MSWK_LINK         1 (default): an exchange through the Java binding
 *                           between processes of different Open MPI jobs (a
 *                           worker started by an mpiexec of its own), each alone
 *                           in the call, goes over a TCP link and returns a local
 *                           stand-in communicator for the Mswk send/recv/disconnect
 *                           (mswk_link.h); 0: always an MPI intercommunicator
 *   JMSWK_MSWK_DEBUG        1: trace to stderr
 */
#ifndef JMSWK_MSWK_H
#define JMSWK_MSWK_H
#include <stdint.h>
#include <mpi.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- C drop-ins (vendor API) -------------------------------------------- */
int FJMPI_Mswk_connect(const char *port, MPI_Info info, int root, MPI_Comm comm, MPI_Comm *newcomm);
int FJMPI_Mswk_accept(const char *port, MPI_Info info, int root, MPI_Comm comm, MPI_Comm *newcomm);
int FJMPI_Mswk_disconnect(MPI_Comm *comm);

/* MPI_Init_thread(MPI_THREAD_FUNNELED) + liveness service start. */
int FJMPI_Mswk_init(int *argc, char ***argv);
/* Liveness service stop + MPI_Finalize. */
int FJMPI_Mswk_finalize(void);

/* Bounded point-to-point on a communicator from FJMPI_Mswk_connect/accept:
 * isend/irecv + test polling; the peer-dead error class when the peer dies. */
int FJMPI_Mswk_send(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm);
int FJMPI_Mswk_recv(void *buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm,
                    MPI_Status *status);

/* Error classes returned by the calls above (registered at init). */
int FJMPI_Mswk_err_peer_dead(void);
int FJMPI_Mswk_err_timeout(void);

/* Liveness view, usable at any time (no MPI traffic).
 * key: a port name (its owner is meant) or a process key ("jobid.vpid").
 * Returns 1 alive, 0 dead, -1 never seen. */
int FJMPI_Mswk_peer_state(const char *key);
/* 1 when the peer was declared dead because its host stopped answering (heartbeat
 * silence, connect timeout: a lost node or a cut network), 0 otherwise (alive, unknown,
 * or its process ended while its host answered: connection closed or refused). */
int FJMPI_Mswk_peer_unreachable(const char *key);
/* Next peer whose death was observed and not yet reported here: copies its
 * key into buf and returns 1; 0 when there is none. Never blocks. */
int FJMPI_Mswk_next_failed(char *buf, int len);
/* This process's key ("jobid.vpid" on Open MPI). */
const char *FJMPI_Mswk_self_key(void);

/* ---- shim ABI for Java (handles as int64_t bits, as in jmswk_shim.c) ----- */
int jmswk_mswk_init(void);       /* start the liveness service (MPI already initialized) */
int jmswk_mswk_shutdown(void);   /* stop it (before MPI_Finalize) */
int jmswk_mswk_connect(const char *port, int64_t info, int root, int64_t comm, int64_t *out);
int jmswk_mswk_accept(const char *port, int64_t info, int root, int64_t comm, int64_t *out);
int jmswk_mswk_disconnect(int64_t *comm);
int jmswk_mswk_send(const void *buf, int count, int64_t type, int dest, int tag, int64_t comm);
/* status: int[5] as jmswk_shim.h's JMSWK_ST_* (source, tag, error, count in type units, cancelled) */
int jmswk_mswk_recv(void *buf, int count, int64_t type, int source, int tag, int64_t comm, int *status);
int jmswk_mswk_err_peer_dead(void);
int jmswk_mswk_err_timeout(void);
int jmswk_mswk_peer_state(const char *key);
int jmswk_mswk_next_failed(char *buf, int len);
int jmswk_mswk_peer_unreachable(const char *key);
int jmswk_mswk_self_key(char *buf, int len);
/* counters, for tests: [0] peers seen, [1] peers dead, [2] calls ended
 * because the peer died, [3] reserved (0) */
int jmswk_mswk_stats(int64_t *out4);

#ifdef __cplusplus
}
#endif
#endif
