#!/bin/bash
# A non-MPI worker of job-direct.sh: reports its rank (PLE_VPID) and node.
echo "worker $PLE_VPID on $(hostname): $((PLE_VPID * PLE_VPID))"
