/*
 * Links: the payload of a Mswk exchange between processes of two different MPI jobs (a master
 * and a worker started by an mpiexec of its own, one failure domain per worker) carried over a
 * TCP connection of its own instead of an MPI intercommunicator. Open MPI 4.1 cannot bound
 * MPI_Comm_connect/accept/disconnect across jobs when the peer dies inside them (the cross-job
 * PMIx connect and the context-id agreement wait for ever); a socket read or write can be
 * bounded. Internal to libjmswk (mswk.c); makes no MPI call.
 *
 * Every wait is bounded by the peer's death as the liveness service sees it
 * (mswk_link_peer_dead, in mswk.c) and, where the peer is alive but silent on the link, by the
 * bound given at creation.
 */
#ifndef JMSWK_MSWK_LINK_H
#define JMSWK_MSWK_LINK_H
#include <stddef.h>

enum { LINK_OK = 0, LINK_PEER_DEAD = 1, LINK_TIMEOUT = 2, LINK_BROKEN = 3, LINK_TRUNCATED = 4 };

typedef struct mswk_link mswk_link_t;

/* Defined in mswk.c: 1 when the liveness service has declared the process `key` dead. */
int mswk_link_peer_dead(const char *key);

/* Opens this process's link listener on IPv4 address `ip`; its "ip:port" goes to ep. 0 or -1. */
int mswk_link_listen(const char *ip, char *ep, size_t eplen);
void mswk_link_unlisten(void);

/* Acceptor: waits for the connection of process `key` for the exchange on `port`; other
 * connections are refused. bound_ms: how long an alive peer may take to connect. */
int mswk_link_accept(const char *key, const char *port, int bound_ms, mswk_link_t **out);
/* Connector: connects to the acceptor's link listener ep and names the exchange. */
int mswk_link_connect(const char *ep, const char *self_key, const char *peer_key, const char *port,
                      int bound_ms, mswk_link_t **out);

/* One message: tag and len bytes. */
int mswk_link_send(mswk_link_t *l, int tag, const void *buf, size_t len);
/* The first message whose tag is `tag` (any_tag: any), earlier non-matching ones kept for later
 * receives. Up to cap bytes go to buf; *len is the message's full length (LINK_TRUNCATED when it
 * exceeds cap), *tag_out its tag. */
int mswk_link_recv(mswk_link_t *l, int tag, int any_tag, void *buf, size_t cap, size_t *len, int *tag_out);

/* MPI_Probe / MPI_Iprobe on a link: *found 1 with the first matching message's length and tag
 * (it stays for the next receive). wait: block (bounded by the peer's liveness) until one is
 * here; else look once without blocking. */
int mswk_link_probe(mswk_link_t *l, int tag, int any_tag, int wait, int *found, size_t *len, int *tag_out);

/* Closes the connection and frees what the link holds. */
void mswk_link_free(mswk_link_t *l);

#endif
