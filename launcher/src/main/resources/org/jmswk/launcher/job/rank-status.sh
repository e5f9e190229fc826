# jmswk: runs one static process of a job's mpiexec and records how it ended
# (bash -c THIS jmswk-rank DIR PROGRAM ARGS...). The program runs in the foreground, so it keeps
# stdin and the default signal dispositions; Open MPI signals the whole process group, so its
# signals reach the program. The status (128+S for a signal S) goes to DIR/RANK, with the time
# it ended, and the recorder exits with it.
dir=$1
shift
rank=${OMPI_COMM_WORLD_RANK:-${PMIX_RANK:-x}}
# a trap (not an ignore, which the program would inherit) keeps the recorder alive to record
for sig in TERM INT HUP USR1 USR2; do trap : "$sig"; done
"$@"
status=$?
printf '%s %s\n' "$status" "$(date +%s.%N)" > "$dir/$rank" 2>/dev/null
exit "$status"
