/*
 * Domain-split spawn (mswk_domain.c): in a multi-node `jmswk sub --mswk` job on Open MPI 4.1
 * (JMSWK_OMPI_SERVER set), MPI_Comm_spawn starts each child by an mpiexec of its own on a
 * worker node (a failure domain per child, as TaskFarm's NodeDomainStarter does) and hands
 * back stand-in communicators whose traffic goes over Mswk links. Internal to libjmswk.
 */
#ifndef JMSWK_MSWK_DOMAIN_H
#define JMSWK_MSWK_DOMAIN_H
#include <mpi.h>
#define HIDDEN_FN __attribute__((visibility("hidden")))

/* from mswk.c */
HIDDEN_FN int ensure_started(void);
HIDDEN_FN int mswk_connect(const char *port, MPI_Info info, int root, MPI_Comm comm, MPI_Comm *newcomm, int may_link);
HIDDEN_FN int mswk_accept(const char *port, MPI_Info info, int root, MPI_Comm comm, MPI_Comm *newcomm, int may_link);
HIDDEN_FN int mswk_disconnect(MPI_Comm *comm);
HIDDEN_FN int mswk_send(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm);
HIDDEN_FN int mswk_recv(void *buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm, MPI_Status *status);
HIDDEN_FN int mswk_comm_is_link(MPI_Comm c);
HIDDEN_FN void mswk_comm_peer(MPI_Comm c, char *key);
HIDDEN_FN int mswk_peer_status(const char *key, int *unreachable);
HIDDEN_FN int mswk_err_peer_dead(void);
HIDDEN_FN void mswk_expect(const char *port, const char *key);

/* from mswk_domain.c */
/* 1 when this process spawned domain children or is one: Mswk exchanges across jobs then go over
 * links for C callers too (their MPI_Send/MPI_Recv on the stand-ins are interposed). */
HIDDEN_FN int mswk_domain_active(void);
/* In a child started by a domain-split spawn: meets the parent (at the end of the liveness
 * service's start) so that MPI_Comm_get_parent has its stand-in. MPI_SUCCESS elsewhere. */
HIDDEN_FN int mswk_domain_child_start(void);
/* Waits (bounded) for the children's launchers to end, then ends what is left. */
HIDDEN_FN void mswk_domain_stop(void);
/* The spawn through the domains, or PMPI_Comm_spawn outside a domain-split job. */
HIDDEN_FN int mswk_domain_spawn(const char *command, char *argv[], int maxprocs, MPI_Info info, int root,
                                MPI_Comm comm, MPI_Comm *intercomm, int errcodes[]);
#endif
