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
HIDDEN_FN int mswk_probe(int source, int tag, MPI_Comm comm, int wait, int *flag, MPI_Status *status);
HIDDEN_FN int mswk_comm_is_link(MPI_Comm c);
HIDDEN_FN void mswk_comm_peer(MPI_Comm c, char *key);
HIDDEN_FN int mswk_peer_status(const char *key, int *unreachable);
HIDDEN_FN int mswk_err_peer_dead(void);
HIDDEN_FN int mswk_err_timeout(void);
HIDDEN_FN int mswk_port_across_jobs(const char *port);
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
/* Why the last spawn was refused ("" when it was not). */
HIDDEN_FN const char *mswk_domain_refusal(void);

/* What the interposed MPI_* calls do (the exported MPI_* in mswk_domain.c call these). The Java
 * binding's shim calls them directly, so its route never depends on which definition the
 * dynamic linker binds MPI_Send & co. to. */
HIDDEN_FN int domain_comm_spawn(const char *command, char *argv[], int maxprocs, MPI_Info info, int root,
                                MPI_Comm comm, MPI_Comm *intercomm, int errcodes[]);
HIDDEN_FN int domain_comm_spawn_multiple(int count, char *commands[], char **argvs[], const int maxprocs[],
                                         const MPI_Info infos[], int root, MPI_Comm comm, MPI_Comm *intercomm,
                                         int errcodes[]);
HIDDEN_FN int domain_comm_get_parent(MPI_Comm *parent);
HIDDEN_FN int domain_send(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm);
HIDDEN_FN int domain_recv(void *buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm,
                          MPI_Status *status);
/* wait 1: MPI_Probe; 0: MPI_Iprobe (flag set) */
HIDDEN_FN int domain_probe(int source, int tag, MPI_Comm comm, int wait, int *flag, MPI_Status *status);
HIDDEN_FN int domain_comm_disconnect(MPI_Comm *comm);
HIDDEN_FN int domain_comm_connect(const char *port, MPI_Info info, int root, MPI_Comm comm, MPI_Comm *newcomm);
HIDDEN_FN int domain_comm_accept(const char *port, MPI_Info info, int root, MPI_Comm comm, MPI_Comm *newcomm);
HIDDEN_FN int domain_comm_free(MPI_Comm *comm);
HIDDEN_FN int domain_comm_remote_size(MPI_Comm comm, int *size);
HIDDEN_FN int domain_comm_test_inter(MPI_Comm comm, int *flag);
HIDDEN_FN int domain_init_thread(int *argc, char ***argv, int required, int *provided);
#endif
