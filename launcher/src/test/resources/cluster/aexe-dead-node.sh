#!/bin/bash
# Test job for AexeClusterTest: serving agents on every node, then direct launches once the
# test has made node2 unresponsive (it creates $JMSWK_JOB_DIR/go after pausing node2).
#PJM -L node=3
#PJM -L elapse=3:00
set -u
JAVA=${JMSWK_JAVA:-java}
CP=${JMSWK_CLASSPATH:-/opt/jmswk/lib/jmswk.jar}
JMSWK=("$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CP" org.jmswk.launcher.Jmswk)
SERVERS=()
index=0
while read -r node _; do
  mpiexec --enable-recovery -n 1 --host "$node" "${JMSWK[@]}" agent --serve --node-index "$index" &
  SERVERS+=($!)
  index=$((index + 1))
done < "$JMSWK_JOB_DIR/hostfile"
until [ "$(ls "$JMSWK_JOB_DIR/agents" 2>/dev/null | grep -c '^node-[0-9]*$')" -ge 3 ]; do sleep 0.1; done
echo "agents ready"
until [ -e "$JMSWK_JOB_DIR/go" ]; do sleep 0.1; done
"${JMSWK[@]}" aexe --shape 3 --vcoord "(2)" --timeout 2 -- /bin/true; echo "aexe node2 exit $?"
"${JMSWK[@]}" aexe --shape 3 --vcoord "(2)" --timeout 2 -- /bin/true; echo "aexe node2 again exit $?"
"${JMSWK[@]}" aexe --shape 3 --vcoord "(1)" --timeout 10 -- /bin/true; echo "aexe node1 exit $?"
echo "broken: $(cat "$JMSWK_JOB_DIR/broken-nodes")"
kill "${SERVERS[@]}" 2>/dev/null
exit 0
