/*
 * jmswk shim: a uniform C ABI over the site's MPI for the Java binding.
 *
 * Every MPI handle crosses this ABI as an int64_t holding the handle's bits
 * (a pointer in Open MPI, an int in MPICH), so Java never depends on an MPI's
 * handle layout. Every call returns the MPI error code; results go through
 * out-parameters. Communicators made here return errors instead of aborting.
 */
#ifndef JMSWK_SHIM_H
#define JMSWK_SHIM_H
#include <stdint.h>

#define JMSWK_ABI_VERSION 1

typedef int64_t jmswk_handle;

/* Element kinds the binding moves (order is part of the ABI). */
enum jmswk_kind {
  JMSWK_BYTE = 0, JMSWK_CHAR, JMSWK_SHORT, JMSWK_INT, JMSWK_LONG,
  JMSWK_FLOAT, JMSWK_DOUBLE, JMSWK_BOOLEAN, JMSWK_KIND_COUNT
};

/* Status as the binding sees it: int[5]. */
enum { JMSWK_ST_SOURCE = 0, JMSWK_ST_TAG, JMSWK_ST_ERROR, JMSWK_ST_COUNT, JMSWK_ST_CANCELLED, JMSWK_ST_LEN };

#endif
