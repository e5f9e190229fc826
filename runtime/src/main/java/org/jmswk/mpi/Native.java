package org.jmswk.mpi;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Method handles onto the shim (native/src/jmswk_shim.c). Handles are {@code long}s holding
 * the MPI handle's bits; every call returns the MPI error code.
 *
 * <p>Calls that never block are linked "critical" (cheaper transition). Calls that may block are
 * not: a blocked critical call would hold up garbage collection in other threads.
 */
final class Native {
  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIB = NativeLibrary.open();

  private Native() {}

  private static MethodHandle blocking(String name, MemoryLayout result, MemoryLayout... args) {
    return link(name, result, args, false);
  }

  private static MethodHandle quick(String name, MemoryLayout result, MemoryLayout... args) {
    return link(name, result, args, true);
  }

  private static MethodHandle link(String name, MemoryLayout result, MemoryLayout[] args, boolean quick) {
    var symbol = LIB.find(name).orElseThrow(() ->
        new IllegalStateException("libjmswk.so lacks " + name + ": rebuild the native module"));
    var descriptor = result == null ? FunctionDescriptor.ofVoid(args) : FunctionDescriptor.of(result, args);
    return quick
        ? LINKER.downcallHandle(symbol, descriptor, Linker.Option.critical(false))
        : LINKER.downcallHandle(symbol, descriptor);
  }

  private static final MemoryLayout I = JAVA_INT, L = JAVA_LONG, P = ADDRESS;

  // constants
  static final MethodHandle ABI_VERSION = quick("jmswk_abi_version", I);
  static final MethodHandle COMM_WORLD = quick("jmswk_comm_world", L);
  static final MethodHandle COMM_SELF = quick("jmswk_comm_self", L);
  static final MethodHandle COMM_NULL = quick("jmswk_comm_null", L);
  static final MethodHandle INFO_NULL = quick("jmswk_info_null", L);
  static final MethodHandle REQUEST_NULL = quick("jmswk_request_null", L);
  static final MethodHandle ANY_SOURCE = quick("jmswk_any_source", I);
  static final MethodHandle ANY_TAG = quick("jmswk_any_tag", I);
  static final MethodHandle PROC_NULL = quick("jmswk_proc_null", I);
  static final MethodHandle ROOT = quick("jmswk_root", I);
  static final MethodHandle UNDEFINED = quick("jmswk_undefined", I);
  static final MethodHandle MAX_PORT_NAME = quick("jmswk_max_port_name", I);
  static final MethodHandle MAX_ERROR_STRING = quick("jmswk_max_error_string", I);
  static final MethodHandle MAX_INFO_KEY = quick("jmswk_max_info_key", I);
  static final MethodHandle MAX_INFO_VAL = quick("jmswk_max_info_val", I);
  static final MethodHandle MAX_PROCESSOR_NAME = quick("jmswk_max_processor_name", I);
  static final MethodHandle MAX_LIBRARY_VERSION = quick("jmswk_max_library_version", I);
  static final MethodHandle ERROR_CLASS_COUNT = quick("jmswk_error_class_count", I);
  static final MethodHandle ERROR_CLASS_VALUE = quick("jmswk_error_class_value", I, I);
  static final MethodHandle THREAD_LEVEL = quick("jmswk_thread_level", I, I);
  static final MethodHandle DATATYPE = quick("jmswk_datatype", L, I);

  // environment
  static final MethodHandle INIT_THREAD = blocking("jmswk_init_thread", I, I, P);
  static final MethodHandle QUERY_THREAD = quick("jmswk_query_thread", I, P);
  static final MethodHandle INITIALIZED = quick("jmswk_initialized", I, P);
  static final MethodHandle FINALIZED = quick("jmswk_finalized", I, P);
  static final MethodHandle FINALIZE = blocking("jmswk_finalize", I);
  static final MethodHandle ABORT = blocking("jmswk_abort", I, L, I);
  static final MethodHandle WTIME = quick("jmswk_wtime", JAVA_DOUBLE);
  static final MethodHandle ERROR_STRING = quick("jmswk_error_string", I, I, P, P);
  static final MethodHandle ERROR_CLASS = quick("jmswk_error_class", I, I, P);
  static final MethodHandle PROCESSOR_NAME = quick("jmswk_processor_name", I, P, P);
  static final MethodHandle LIBRARY_VERSION = quick("jmswk_library_version", I, P, P);

  // communicators
  static final MethodHandle COMM_RANK = quick("jmswk_comm_rank", I, L, P);
  static final MethodHandle COMM_SIZE = quick("jmswk_comm_size", I, L, P);
  static final MethodHandle COMM_REMOTE_SIZE = quick("jmswk_comm_remote_size", I, L, P);
  static final MethodHandle COMM_TEST_INTER = quick("jmswk_comm_test_inter", I, L, P);
  static final MethodHandle COMM_DUP = blocking("jmswk_comm_dup", I, L, P);
  static final MethodHandle COMM_FREE = blocking("jmswk_comm_free", I, P);
  static final MethodHandle COMM_DISCONNECT = blocking("jmswk_comm_disconnect", I, P);
  static final MethodHandle COMM_GET_PARENT = quick("jmswk_comm_get_parent", I, P);
  static final MethodHandle UNIVERSE_SIZE = quick("jmswk_universe_size", I, P, P);
  static final MethodHandle APPNUM = quick("jmswk_appnum", I, P, P);
  static final MethodHandle BARRIER = blocking("jmswk_barrier", I, L);
  static final MethodHandle BCAST = blocking("jmswk_bcast", I, P, I, I, I, L);

  // point to point
  static final MethodHandle SEND = blocking("jmswk_send", I, P, I, I, I, I, L);
  static final MethodHandle RECV = blocking("jmswk_recv", I, P, I, I, I, I, L, P);
  static final MethodHandle PROBE = blocking("jmswk_probe", I, I, I, L, I, P);
  static final MethodHandle IPROBE = quick("jmswk_iprobe", I, I, I, L, I, P, P);
  static final MethodHandle ISEND = quick("jmswk_isend", I, P, I, I, I, I, L, P);
  static final MethodHandle IRECV = quick("jmswk_irecv", I, P, I, I, I, I, L, P);
  static final MethodHandle TEST = quick("jmswk_test", I, P, I, P, P);
  static final MethodHandle WAIT = blocking("jmswk_wait", I, P, I, P);
  static final MethodHandle CANCEL = quick("jmswk_cancel", I, P);
  static final MethodHandle REQUEST_FREE = quick("jmswk_request_free", I, P);

  // info
  static final MethodHandle INFO_CREATE = quick("jmswk_info_create", I, P);
  static final MethodHandle INFO_SET = quick("jmswk_info_set", I, L, P, P);
  static final MethodHandle INFO_DELETE = quick("jmswk_info_delete", I, L, P);
  static final MethodHandle INFO_GET = quick("jmswk_info_get", I, L, P, I, P, P);
  static final MethodHandle INFO_GET_NKEYS = quick("jmswk_info_get_nkeys", I, L, P);
  static final MethodHandle INFO_GET_NTHKEY = quick("jmswk_info_get_nthkey", I, L, I, P);
  static final MethodHandle INFO_FREE = quick("jmswk_info_free", I, P);

  // dynamic processes
  static final MethodHandle OPEN_PORT = blocking("jmswk_open_port", I, L, P);
  static final MethodHandle CLOSE_PORT = blocking("jmswk_close_port", I, P);
  static final MethodHandle COMM_ACCEPT = blocking("jmswk_comm_accept", I, P, L, I, L, P);
  static final MethodHandle COMM_CONNECT = blocking("jmswk_comm_connect", I, P, L, I, L, P);
  static final MethodHandle COMM_SPAWN = blocking("jmswk_comm_spawn", I, P, P, I, L, I, L, P, P);
  static final MethodHandle SPAWN_REFUSAL = quick("jmswk_spawn_refusal", I, P, I);
  static final MethodHandle COMM_SPAWN_MULTIPLE =
      blocking("jmswk_comm_spawn_multiple", I, I, P, P, P, P, I, L, P, P);

  // Mswk failure-isolating calls (native/src/mswk.c)
  static final MethodHandle MSWK_INIT = blocking("jmswk_mswk_init", I);
  static final MethodHandle MSWK_SHUTDOWN = blocking("jmswk_mswk_shutdown", I);
  static final MethodHandle MSWK_CONNECT = blocking("jmswk_mswk_connect", I, P, L, I, L, P);
  static final MethodHandle MSWK_ACCEPT = blocking("jmswk_mswk_accept", I, P, L, I, L, P);
  static final MethodHandle MSWK_DISCONNECT = blocking("jmswk_mswk_disconnect", I, P);
  static final MethodHandle MSWK_SEND = blocking("jmswk_mswk_send", I, P, I, L, I, I, L);
  static final MethodHandle MSWK_RECV = blocking("jmswk_mswk_recv", I, P, I, L, I, I, L, P);
  static final MethodHandle MSWK_ERR_PEER_DEAD = quick("jmswk_mswk_err_peer_dead", I);
  static final MethodHandle MSWK_ERR_TIMEOUT = quick("jmswk_mswk_err_timeout", I);
  static final MethodHandle MSWK_PEER_STATE = quick("jmswk_mswk_peer_state", I, P);
  static final MethodHandle MSWK_NEXT_FAILED = quick("jmswk_mswk_next_failed", I, P, I);
  static final MethodHandle MSWK_PEER_UNREACHABLE = quick("jmswk_mswk_peer_unreachable", I, P);
  static final MethodHandle MSWK_SELF_KEY = quick("jmswk_mswk_self_key", I, P, I);
}
