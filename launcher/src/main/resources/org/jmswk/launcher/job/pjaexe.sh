#!/bin/sh
# Written by jmswk for this job: the vendor's pjaexe, as `jmswk aexe` (same options, exit codes
# and limits). A single command string is run by /bin/sh -c on the target node, as the vendor
# documents; the job's serving agents are started by the first call.
exec "${JMSWK_JAVA:-java}" --enable-native-access=ALL-UNNAMED -cp "${JMSWK_CLASSPATH:?not inside a jmswk job}" \
  org.jmswk.launcher.Jmswk aexe --sh --start-agents "$@"
