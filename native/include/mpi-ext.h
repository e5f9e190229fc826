/*
 * Drop-in <mpi-ext.h> for the vendor's master-worker programs: Open MPI's own
 * extensions plus the jmswk FJMPI_Mswk_* calls. Put native/include first on
 * the include path (mpicc -I native/include ...) and link -ljmswk.
 *
 * MPI_Init/MPI_Finalize are routed to FJMPI_Mswk_init/FJMPI_Mswk_finalize,
 * which start and stop the liveness service the bounded Mswk calls rely on
 * (MPI_THREAD_FUNNELED: the service's thread never calls MPI). Define JMSWK_MSWK_NO_INIT_MACROS to keep the plain calls (then call
 * FJMPI_Mswk_init yourself, or jmswk_mswk_init after MPI_Init_thread).
 */
#ifndef JMSWK_MPI_EXT_H
#define JMSWK_MPI_EXT_H
#include <mpi.h>
#if defined(__has_include_next)
#  if __has_include_next(<mpi-ext.h>)
#    include_next <mpi-ext.h>
#  endif
#endif
#include "jmswk_mswk.h"
#ifndef JMSWK_MSWK_NO_INIT_MACROS
#  define MPI_Init(argc, argv) FJMPI_Mswk_init((argc), (argv))
#  define MPI_Finalize() FJMPI_Mswk_finalize()
#endif
#endif
