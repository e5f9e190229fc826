#!/bin/bash
# Written by jmswk for this job (the job's bin/, first on its PATH): the job's mpiexec/mpirun.
# 1. A plain mpiexec (no process count or host list of its own) starts the job's static
#    processes: -n $JMSWK_MPIEXEC_PROCS is added (with --map-by $JMSWK_MPIEXEC_MAP_BY when set:
#    one per node when there are as many as nodes), while the job's hostfile still offers every
#    slot to MPI_UNIVERSE_SIZE.
# 2. Its exit status is what its static processes ended with (under Open MPI's recovery mode
#    mpirun exits 0 even when they failed): each is run under a recorder that writes its
#    status into the job directory; the first to end non-zero decides, 128+S for a signal S.
#    Processes spawned later are not wrapped, so workers that die never change it.
# 3. In a multi-node --mswk job every mpiexec joins the job's ompi-server (JMSWK_OMPI_SERVER),
#    so processes of separate mpiexecs (a failure domain per node) can connect; the first one
#    starts it (mkdir is the lock) and ends it.
# Arguments pass through untouched (no shell evaluation); signals reach the real mpiexec.
set -u
name=$(basename "$0")
here=$(cd "$(dirname "$0")" && pwd)
real=""
IFS=:
for d in $PATH; do
  [ "$d" = "$here" ] && continue
  if [ -x "$d/$name" ]; then real="$d/$name"; break; fi
done
unset IFS
[ -n "$real" ] || { echo "jmswk: no $name on PATH besides the job's wrapper" >&2; exit 127; }

# Options of Open MPI 4.1 (ORTE) and 5.x (PRRTE) that take one or two values; others are flags.
one_value=" app bind-to cartofile cf cpu-list cpu-set cpus-per-proc cpus-per-rank debugger
  default-hostfile hnp host H hostfile launch-agent machinefile map-by max-restarts max-vm-size
  n np c N npernode npersocket ompi-server output-filename path personality ppr prefix
  preload-files rank-by rankfile rf report-events report-pid report-uri stdin timeout wd wdir
  xml-file xterm am tune x add-hostfile add-host runtime-options rtos display output
  stream-buffering with-ft spawn-timeout dvm-uri forward-signals pset initial-errhandler
  memory-alloc-kinds gpu-support "
two_values=" mca gmca pmixmca prtemca omca "
# A process count or a placement of the caller's own: the script chose, nothing is added.
own_count=" n np c N npernode npersocket ppr pernode app host H hostfile machinefile
  default-hostfile rankfile rf "

recorder="$here/jmswk-rank"
ranks=""
if [ -n "${JMSWK_JOB_DIR:-}" ] && [ -r "$recorder" ]; then
  ranks=$(mktemp -d "$JMSWK_JOB_DIR/ranks.XXXXXX" 2>/dev/null) || ranks=""
fi
args=()
in_options=1
programs=0
counted=0
mapped=0
program_name=""
explicit=""
while [ $# -gt 0 ]; do
  a=$1
  shift
  if [ "$in_options" = 0 ]; then
    [ "$a" = ":" ] && in_options=1
    args+=("$a")
    continue
  fi
  case "$a" in
    :) args+=("$a"); continue ;;
    -h|--help|-help|-V|--version|-version) exec "$real" "${args[@]}" "$a" "$@" ;;
    -*)
      opt=${a#-}; opt=${opt#-}
      value_given=0
      case "$opt" in *=*) opt=${opt%%=*}; value_given=1 ;; esac
      [[ "$own_count" == *" $opt "* ]] && counted=1
      [[ " map-by rank-by bynode byslot bycore " == *" $opt "* ]] && mapped=1
      [[ "$opt" == map-by && ( "$a" == *ppr* || "${1:-}" == *ppr* ) ]] && counted=1
      case "$opt" in n|np|c) if [ "$value_given" = 1 ]; then explicit=${a#*=}; else explicit=${1:-}; fi ;; esac
      args+=("$a")
      if [ "$value_given" = 0 ]; then
        if [[ "$one_value" == *" $opt "* ]] && [ $# -ge 1 ]; then args+=("$1"); shift
        elif [[ "$two_values" == *" $opt "* ]] && [ $# -ge 2 ]; then args+=("$1" "$2"); shift 2
        fi
      fi
      ;;
    *)
      in_options=0
      programs=$((programs + 1))
      [ -n "$program_name" ] || program_name=$a
      [ -n "$ranks" ] && args+=(bash -c "$(cat "$recorder")" jmswk-rank "$ranks")
      args+=("$a")
      ;;
  esac
done
# nothing to start (e.g. --version handled above, or an error mpiexec will report)
[ "$programs" -gt 0 ] || exec "$real" "${args[@]}"

expected=""
[ "$programs" = 1 ] && [[ "$explicit" =~ ^[1-9][0-9]*$ ]] && expected=$explicit
if [ "$counted" = 0 ] && [ "$programs" = 1 ] && [ -n "${JMSWK_MPIEXEC_PROCS:-}" ]; then
  args=(-n "$JMSWK_MPIEXEC_PROCS" "${args[@]}")
  expected=$JMSWK_MPIEXEC_PROCS
  [ -n "${JMSWK_MPIEXEC_MAP_BY:-}" ] && [ "$mapped" = 0 ] && args=(--map-by "$JMSWK_MPIEXEC_MAP_BY" "${args[@]}")
fi

server=""
uri=${JMSWK_OMPI_SERVER:-}
if [ -n "$uri" ] && ! command -v ompi-server >/dev/null; then
  # Open MPI 5 (PRRTE) has no ompi-server: the job's processes stay in one mpiexec job, and
  # the runtime spawns its workers into it (TaskFarm takes an empty JMSWK_OMPI_SERVER as none;
  # the variable stays defined, as mca_base_env_list names it)
  export JMSWK_OMPI_SERVER=
  uri=""
fi
if [ -n "$uri" ] && [[ " ${args[*]} " != *" --ompi-server "* && " ${args[*]} " != *" -ompi-server "* ]]; then
  if mkdir "$uri.lock" 2>/dev/null; then
    rm -f "$uri"
    ompi-server --no-daemonize -r "$uri" </dev/null &
    server=$!
  fi
  i=0
  while [ ! -s "$uri" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  [ -s "$uri" ] || { echo "jmswk: no ompi-server URI in $uri after 10 s" >&2; exit 1; }
  args=(--ompi-server "file:$uri" "${args[@]}")
fi

# 4. With the domain spawn (a multi-node --mswk job, JMSWK_DOMAIN_SPAWN not 0) every spawned
#    process has an mpiexec of its own, so this one needs daemons only where its own processes
#    run: orte_no_vm is what Open MPI 4.1's --novm sets (4.1 ends a job when any of its daemons
#    is lost, and without it a daemon starts on every node of the hostfile). A value of the
#    job's own wins; Open MPI 5 has no such parameter and no ompi-server (uri is empty there).
if [ -n "$uri" ] && [ "${JMSWK_DOMAIN_SPAWN:-1}" != 0 ] && [ -z "${OMPI_MCA_orte_no_vm:-}" ]; then
  export OMPI_MCA_orte_no_vm=1
fi

"$real" "${args[@]}" <&0 &
launcher=$!
for sig in TERM INT HUP USR1 USR2; do trap "kill -$sig $launcher 2>/dev/null" "$sig"; done
while wait "$launcher"; launcher_status=$?; kill -0 "$launcher" 2>/dev/null; do :; done
wait "$launcher" 2>/dev/null
launcher_status=$?
if [ -n "$server" ]; then
  kill -TERM "$server" 2>/dev/null
  wait "$server" 2>/dev/null
  rm -rf "$uri" "$uri.lock"
fi
[ -n "$ranks" ] || exit "$launcher_status"

# The static processes' status: the first to end non-zero decides.
status=0
recorded=0
decisive=""
while read -r rank st when; do
  recorded=$((recorded + 1))
  if [ "$status" = 0 ] && [ "$st" != 0 ]; then status=$st; decisive=$rank; fi
done < <(for f in "$ranks"/*; do [ -f "$f" ] && printf '%s %s\n' "$(basename "$f")" "$(cat "$f")"; done \
  | sort -k3,3n -k1,1n)
rm -rf "$ranks"
if [ "$status" != 0 ]; then
  how="ended with status $status"
  if [ "$status" -gt 128 ] && [ "$status" -lt 193 ]; then
    how="$how (signal $((status - 128)), SIG$(kill -l "$((status - 128))" 2>/dev/null))"
  fi
  echo "[jmswk] $name: rank $decisive ($program_name) $how" >&2
  printf '%s rank %s (%s) %s\n' "$status" "$decisive" "$program_name" "$how" >> "$JMSWK_JOB_DIR/mpiexec-status" 2>/dev/null
  exit "$status"
fi
if [ "$recorded" = 0 ] || { [ -n "$expected" ] && [ "$recorded" -lt "$expected" ]; }; then
  # some static process never reported (not started, or killed with its node)
  [ "$launcher_status" != 0 ] && exit "$launcher_status"
  echo "[jmswk] $name: $recorded of ${expected:-its} static processes reported an exit status" >&2
  exit 1
fi
exit 0
