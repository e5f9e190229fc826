/* See jmswk_shim.h for the ABI's rules. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <mpi.h>
#include "jmswk_handles.h"
#include "mswk_domain.h"

#define API __attribute__((visibility("default")))

/*
 * Open MPI dlopen()s its plugins and they need libmpi's symbols to be global.
 * A JVM loads this library with RTLD_LOCAL, so libmpi is reopened RTLD_GLOBAL
 * before anything else happens.
 */
__attribute__((constructor)) static void promote_libmpi_to_global(void) {
  Dl_info where;
  if (dladdr((void *)&MPI_Init, &where) && where.dli_fname != NULL) {
    dlopen(where.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
  }
}

static int returns_errors(MPI_Comm comm) {
  if (comm == MPI_COMM_NULL) return MPI_SUCCESS;
  return MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
}

static MPI_Datatype kind_type(int kind) {
  switch (kind) {
    case JMSWK_BYTE: return MPI_BYTE;
    case JMSWK_CHAR: return MPI_UINT16_T;   /* Java char: UTF-16 unit */
    case JMSWK_SHORT: return MPI_INT16_T;
    case JMSWK_INT: return MPI_INT32_T;
    case JMSWK_LONG: return MPI_INT64_T;
    case JMSWK_FLOAT: return MPI_FLOAT;
    case JMSWK_DOUBLE: return MPI_DOUBLE;
    case JMSWK_BOOLEAN: return MPI_UINT8_T; /* Java boolean[]: one byte each */
    default: return MPI_DATATYPE_NULL;
  }
}

static void put_status(const MPI_Status *s, MPI_Datatype type, int *out) {
  int count = 0, cancelled = 0;
  if (out == NULL) return;
  out[JMSWK_ST_SOURCE] = s->MPI_SOURCE;
  out[JMSWK_ST_TAG] = s->MPI_TAG;
  out[JMSWK_ST_ERROR] = s->MPI_ERROR;
  if (type != MPI_DATATYPE_NULL) MPI_Get_count(s, type, &count);
  out[JMSWK_ST_COUNT] = count;
  MPI_Test_cancelled(s, &cancelled);
  out[JMSWK_ST_CANCELLED] = cancelled;
}

/* ---- constants --------------------------------------------------------- */
API int jmswk_abi_version(void) { return JMSWK_ABI_VERSION; }
API jmswk_handle jmswk_comm_world(void) { return from_comm(MPI_COMM_WORLD); }
API jmswk_handle jmswk_comm_self(void) { return from_comm(MPI_COMM_SELF); }
API jmswk_handle jmswk_comm_null(void) { return from_comm(MPI_COMM_NULL); }
API jmswk_handle jmswk_info_null(void) { return from_info(MPI_INFO_NULL); }
API jmswk_handle jmswk_request_null(void) { return from_request(MPI_REQUEST_NULL); }
API jmswk_handle jmswk_datatype(int kind) { return from_type(kind_type(kind)); }
API int jmswk_any_source(void) { return MPI_ANY_SOURCE; }
API int jmswk_any_tag(void) { return MPI_ANY_TAG; }
API int jmswk_proc_null(void) { return MPI_PROC_NULL; }
API int jmswk_root(void) { return MPI_ROOT; }
API int jmswk_undefined(void) { return MPI_UNDEFINED; }
API int jmswk_max_port_name(void) { return MPI_MAX_PORT_NAME; }
API int jmswk_max_error_string(void) { return MPI_MAX_ERROR_STRING; }
API int jmswk_max_info_key(void) { return MPI_MAX_INFO_KEY; }
API int jmswk_max_info_val(void) { return MPI_MAX_INFO_VAL; }
API int jmswk_max_processor_name(void) { return MPI_MAX_PROCESSOR_NAME; }
API int jmswk_max_library_version(void) { return MPI_MAX_LIBRARY_VERSION_STRING; }

/* Error classes by a fixed index, because their values differ between MPIs.
 * The index order is the ABI (see ErrorClass.java). */
static const int error_classes[] = {
  MPI_SUCCESS, MPI_ERR_BUFFER, MPI_ERR_COUNT, MPI_ERR_TYPE, MPI_ERR_TAG,
  MPI_ERR_COMM, MPI_ERR_RANK, MPI_ERR_REQUEST, MPI_ERR_ROOT, MPI_ERR_GROUP,
  MPI_ERR_OP, MPI_ERR_TOPOLOGY, MPI_ERR_DIMS, MPI_ERR_ARG, MPI_ERR_UNKNOWN,
  MPI_ERR_TRUNCATE, MPI_ERR_OTHER, MPI_ERR_INTERN, MPI_ERR_IN_STATUS,
  MPI_ERR_PENDING, MPI_ERR_INFO, MPI_ERR_INFO_KEY, MPI_ERR_INFO_VALUE,
  MPI_ERR_INFO_NOKEY, MPI_ERR_NAME, MPI_ERR_NO_MEM, MPI_ERR_PORT,
  MPI_ERR_SERVICE, MPI_ERR_SPAWN, MPI_ERR_UNSUPPORTED_OPERATION,
  MPI_ERR_NOT_SAME, MPI_ERR_LASTCODE,
};
API int jmswk_error_class_count(void) { return (int)(sizeof error_classes / sizeof error_classes[0]); }
API int jmswk_error_class_value(int index) {
  if (index < 0 || index >= jmswk_error_class_count()) return -1;
  return error_classes[index];
}

/* ---- environment ------------------------------------------------------- */
API int jmswk_init_thread(int required, int *provided) {
  int rc = domain_init_thread(NULL, NULL, required, provided);
  if (rc != MPI_SUCCESS) return rc;
  returns_errors(MPI_COMM_WORLD);
  return returns_errors(MPI_COMM_SELF);
}
API int jmswk_thread_level(int which) {
  switch (which) {
    case 0: return MPI_THREAD_SINGLE;
    case 1: return MPI_THREAD_FUNNELED;
    case 2: return MPI_THREAD_SERIALIZED;
    default: return MPI_THREAD_MULTIPLE;
  }
}
API int jmswk_query_thread(int *provided) { return MPI_Query_thread(provided); }
API int jmswk_initialized(int *flag) { return MPI_Initialized(flag); }
API int jmswk_finalized(int *flag) { return MPI_Finalized(flag); }
API int jmswk_finalize(void) { return MPI_Finalize(); }
API int jmswk_abort(jmswk_handle comm, int code) { return MPI_Abort(to_comm(comm), code); }
API double jmswk_wtime(void) { return MPI_Wtime(); }
API int jmswk_error_string(int code, char *buf, int *len) { return MPI_Error_string(code, buf, len); }
API int jmswk_error_class(int code, int *cls) { return MPI_Error_class(code, cls); }
API int jmswk_processor_name(char *buf, int *len) { return MPI_Get_processor_name(buf, len); }
API int jmswk_library_version(char *buf, int *len) { return MPI_Get_library_version(buf, len); }

/* ---- communicators ----------------------------------------------------- */
API int jmswk_comm_rank(jmswk_handle c, int *rank) { return MPI_Comm_rank(to_comm(c), rank); }
API int jmswk_comm_size(jmswk_handle c, int *size) { return MPI_Comm_size(to_comm(c), size); }
API int jmswk_comm_remote_size(jmswk_handle c, int *size) { return domain_comm_remote_size(to_comm(c), size); }
API int jmswk_comm_test_inter(jmswk_handle c, int *flag) { return domain_comm_test_inter(to_comm(c), flag); }

API int jmswk_comm_dup(jmswk_handle c, jmswk_handle *out) {
  MPI_Comm n = MPI_COMM_NULL;
  int rc = MPI_Comm_dup(to_comm(c), &n);
  if (rc == MPI_SUCCESS) rc = returns_errors(n);
  *out = from_comm(n);
  return rc;
}
API int jmswk_comm_free(jmswk_handle *c) {
  MPI_Comm comm = to_comm(*c);
  int rc = domain_comm_free(&comm);
  *c = from_comm(comm);
  return rc;
}
API int jmswk_comm_disconnect(jmswk_handle *c) {
  MPI_Comm comm = to_comm(*c);
  int rc = domain_comm_disconnect(&comm);
  *c = from_comm(comm);
  return rc;
}
API int jmswk_comm_get_parent(jmswk_handle *out) {
  MPI_Comm parent = MPI_COMM_NULL;
  int rc = domain_comm_get_parent(&parent);
  if (rc == MPI_SUCCESS) rc = returns_errors(parent);
  *out = from_comm(parent);
  return rc;
}
/* MPI_UNIVERSE_SIZE of COMM_WORLD; *flag is 0 when the launcher did not set it. */
API int jmswk_universe_size(int *size, int *flag) {
  int *value = NULL;
  int rc = MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_UNIVERSE_SIZE, &value, flag);
  *size = (rc == MPI_SUCCESS && *flag) ? *value : 0;
  return rc;
}
API int jmswk_appnum(int *appnum, int *flag) {
  int *value = NULL;
  int rc = MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_APPNUM, &value, flag);
  *appnum = (rc == MPI_SUCCESS && *flag) ? *value : 0;
  return rc;
}
API int jmswk_barrier(jmswk_handle c) { return MPI_Barrier(to_comm(c)); }
API int jmswk_bcast(void *buf, int count, int kind, int root, jmswk_handle c) {
  return MPI_Bcast(buf, count, kind_type(kind), root, to_comm(c));
}

/* ---- point to point ---------------------------------------------------- */
API int jmswk_send(const void *buf, int count, int kind, int dest, int tag, jmswk_handle c) {
  return domain_send(buf, count, kind_type(kind), dest, tag, to_comm(c));
}
API int jmswk_recv(void *buf, int count, int kind, int source, int tag, jmswk_handle c, int *status) {
  MPI_Status s;
  int rc = domain_recv(buf, count, kind_type(kind), source, tag, to_comm(c), &s);
  put_status(&s, kind_type(kind), status);
  return rc;
}
API int jmswk_probe(int source, int tag, jmswk_handle c, int kind, int *status) {
  MPI_Status s;
  int rc = domain_probe(source, tag, to_comm(c), 1, NULL, &s);
  if (rc == MPI_SUCCESS) put_status(&s, kind_type(kind), status);
  return rc;
}
API int jmswk_iprobe(int source, int tag, jmswk_handle c, int kind, int *flag, int *status) {
  MPI_Status s;
  int rc = domain_probe(source, tag, to_comm(c), 0, flag, &s);
  if (rc == MPI_SUCCESS && *flag) put_status(&s, kind_type(kind), status);
  return rc;
}
API int jmswk_isend(const void *buf, int count, int kind, int dest, int tag, jmswk_handle c, jmswk_handle *req) {
  MPI_Request r = MPI_REQUEST_NULL;
  int rc = MPI_Isend(buf, count, kind_type(kind), dest, tag, to_comm(c), &r);
  *req = from_request(r);
  return rc;
}
API int jmswk_irecv(void *buf, int count, int kind, int source, int tag, jmswk_handle c, jmswk_handle *req) {
  MPI_Request r = MPI_REQUEST_NULL;
  int rc = MPI_Irecv(buf, count, kind_type(kind), source, tag, to_comm(c), &r);
  *req = from_request(r);
  return rc;
}
API int jmswk_test(jmswk_handle *req, int kind, int *flag, int *status) {
  MPI_Request r = to_request(*req);
  MPI_Status s;
  int rc = MPI_Test(&r, flag, &s);
  *req = from_request(r);
  if (rc == MPI_SUCCESS && *flag) put_status(&s, kind_type(kind), status);
  return rc;
}
API int jmswk_wait(jmswk_handle *req, int kind, int *status) {
  MPI_Request r = to_request(*req);
  MPI_Status s;
  int rc = MPI_Wait(&r, &s);
  *req = from_request(r);
  put_status(&s, kind_type(kind), status);
  return rc;
}
API int jmswk_cancel(jmswk_handle *req) {
  MPI_Request r = to_request(*req);
  return MPI_Cancel(&r);
}
API int jmswk_request_free(jmswk_handle *req) {
  MPI_Request r = to_request(*req);
  int rc = MPI_Request_free(&r);
  *req = from_request(r);
  return rc;
}

/* ---- info -------------------------------------------------------------- */
API int jmswk_info_create(jmswk_handle *out) {
  MPI_Info i = MPI_INFO_NULL;
  int rc = MPI_Info_create(&i);
  *out = from_info(i);
  return rc;
}
API int jmswk_info_set(jmswk_handle i, const char *key, const char *value) {
  return MPI_Info_set(to_info(i), key, value);
}
API int jmswk_info_delete(jmswk_handle i, const char *key) { return MPI_Info_delete(to_info(i), key); }
API int jmswk_info_get(jmswk_handle i, const char *key, int buflen, char *value, int *flag) {
  int len = 0;
  int rc = MPI_Info_get_valuelen(to_info(i), key, &len, flag);
  if (rc != MPI_SUCCESS || !*flag) return rc;
  if (len >= buflen) return MPI_ERR_TRUNCATE;
  return MPI_Info_get(to_info(i), key, buflen - 1, value, flag);
}
API int jmswk_info_get_nkeys(jmswk_handle i, int *n) { return MPI_Info_get_nkeys(to_info(i), n); }
API int jmswk_info_get_nthkey(jmswk_handle i, int n, char *key) { return MPI_Info_get_nthkey(to_info(i), n, key); }
API int jmswk_info_free(jmswk_handle *i) {
  MPI_Info info = to_info(*i);
  int rc = MPI_Info_free(&info);
  *i = from_info(info);
  return rc;
}

/* ---- dynamic processes ------------------------------------------------- */
API int jmswk_open_port(jmswk_handle info, char *port) { return MPI_Open_port(to_info(info), port); }
API int jmswk_close_port(const char *port) { return MPI_Close_port(port); }

API int jmswk_comm_accept(const char *port, jmswk_handle info, int root, jmswk_handle c, jmswk_handle *out) {
  MPI_Comm n = MPI_COMM_NULL;
  int rc = domain_comm_accept(port, to_info(info), root, to_comm(c), &n);
  if (rc == MPI_SUCCESS) rc = returns_errors(n);
  *out = from_comm(n);
  return rc;
}
API int jmswk_comm_connect(const char *port, jmswk_handle info, int root, jmswk_handle c, jmswk_handle *out) {
  MPI_Comm n = MPI_COMM_NULL;
  int rc = domain_comm_connect(port, to_info(info), root, to_comm(c), &n);
  if (rc == MPI_SUCCESS) rc = returns_errors(n);
  *out = from_comm(n);
  return rc;
}
/* argv is NULL-terminated, or NULL for MPI_ARGV_NULL; errcodes may be NULL. */
API int jmswk_comm_spawn(const char *command, char **argv, int maxprocs, jmswk_handle info,
                         int root, jmswk_handle c, jmswk_handle *out, int *errcodes) {
  MPI_Comm n = MPI_COMM_NULL;
  /* in a multi-node --mswk job a failure domain per child (mswk_domain.c), else Open MPI's spawn */
  int rc = domain_comm_spawn(command, argv ? argv : MPI_ARGV_NULL, maxprocs, to_info(info), root,
                          to_comm(c), &n, errcodes ? errcodes : MPI_ERRCODES_IGNORE);
  if (n != MPI_COMM_NULL) {
    int erc = returns_errors(n);
    if (rc == MPI_SUCCESS) rc = erc;
  }
  *out = from_comm(n);
  return rc;
}
/* Why the last spawn was refused in a multi-node --mswk job; "" when it was not. */
API int jmswk_spawn_refusal(char *buf, int len) {
  if (len > 0) snprintf(buf, (size_t)len, "%s", mswk_domain_refusal());
  return MPI_SUCCESS;
}
/* argvs[i] is NULL for MPI_ARGV_NULL; infos holds count handles. */
API int jmswk_comm_spawn_multiple(int count, char **commands, char ***argvs, const int *maxprocs,
                                  const jmswk_handle *infos, int root, jmswk_handle c,
                                  jmswk_handle *out, int *errcodes) {
  static char *no_args[] = { NULL };
  size_t slots = count > 0 ? (size_t)count : 1;
  MPI_Info *mpi_infos = malloc(sizeof(MPI_Info) * slots);
  char ***mpi_argvs = malloc(sizeof(char **) * slots);
  int rc;
  MPI_Comm n = MPI_COMM_NULL;
  if (mpi_infos == NULL || mpi_argvs == NULL) { free(mpi_infos); free(mpi_argvs); return MPI_ERR_NO_MEM; }
  for (int k = 0; k < count; k++) {
    mpi_infos[k] = to_info(infos[k]);
    /* MPI wants a real (possibly empty) argv for each command once argvs is given. */
    mpi_argvs[k] = (argvs != NULL && argvs[k] != NULL) ? argvs[k] : no_args;
  }
  rc = domain_comm_spawn_multiple(count, commands, mpi_argvs, (int *)maxprocs,
                               mpi_infos, root, to_comm(c), &n,
                               errcodes ? errcodes : MPI_ERRCODES_IGNORE);
  free(mpi_infos);
  free(mpi_argvs);
  if (n != MPI_COMM_NULL) {
    int erc = returns_errors(n);
    if (rc == MPI_SUCCESS) rc = erc;
  }
  *out = from_comm(n);
  return rc;
}
