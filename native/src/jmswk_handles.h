/*
 * MPI handles <-> the int64 bits that cross the shim ABI (jmswk_shim.h's rule), shared by
 * jmswk_shim.c and mswk.c.
 */
#ifndef JMSWK_HANDLES_H
#define JMSWK_HANDLES_H
#include <mpi.h>
#include "jmswk_shim.h"

#define HANDLE_CONVERTERS(T, NAME)                                          \
  static inline T to_##NAME(jmswk_handle h) {                              \
    union { jmswk_handle h; T v; } u; u.h = h; return u.v;                 \
  }                                                                        \
  static inline jmswk_handle from_##NAME(T v) {                            \
    union { jmswk_handle h; T v; } u; u.h = 0; u.v = v; return u.h;        \
  }
HANDLE_CONVERTERS(MPI_Comm, comm)
HANDLE_CONVERTERS(MPI_Info, info)
HANDLE_CONVERTERS(MPI_Request, request)
HANDLE_CONVERTERS(MPI_Datatype, type)

_Static_assert(sizeof(MPI_Comm) <= sizeof(jmswk_handle), "MPI_Comm fits a handle");
_Static_assert(sizeof(MPI_Info) <= sizeof(jmswk_handle), "MPI_Info fits a handle");
_Static_assert(sizeof(MPI_Request) <= sizeof(jmswk_handle), "MPI_Request fits a handle");
_Static_assert(sizeof(MPI_Datatype) <= sizeof(jmswk_handle), "MPI_Datatype fits a handle");

#endif
