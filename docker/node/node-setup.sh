#!/bin/bash
# Runs once at image build time: MCA parameters, environment for ssh-started daemons, sshd
# and the cluster's ssh key. Nothing here is a secret worth protecting beyond the private
# network: no container port is ever published and the key is made per image build.
set -euo pipefail

# --- MCA parameters --------------------------------------------------------------------------
# set_param FILE KEY VALUE: drop every existing line for KEY (Debian's file may pin lo), make
# sure the file ends in a newline (Debian's does not), then append KEY = VALUE.
set_param() {
  local file=$1 key=$2 value=$3
  mkdir -p "$(dirname "$file")"
  touch "$file"
  sed -i -E "/^[[:space:]]*${key}[[:space:]]*=/d" "$file"
  if [ -s "$file" ] && [ "$(tail -c1 "$file" | od -An -c | tr -d ' ')" != '\n' ]; then
    printf '\n' >> "$file"
  fi
  printf '%s = %s\n' "$key" "$value" >> "$file"
}
# The cluster network is the container's only interface besides lo: eth0.
IFACE=eth0
OMPI_CONF=/etc/openmpi/openmpi-mca-params.conf
set_param "$OMPI_CONF" btl_tcp_if_include "$IFACE"
set_param "$OMPI_CONF" oob_tcp_if_include "$IFACE"
# No single-copy (CMA) between processes of a container: it fails with errno 1 without
# CAP_SYS_PTRACE. 4.1 names it btl_vader_single_copy_mechanism; 5.x moved it to the smsc
# framework (cma is the only smsc component Debian builds).
PMIX_EXTRA=""
OMPI_MAJOR=$(mpirun --version 2>/dev/null | sed -nE 's/.*Open MPI\)? ?v?([0-9]+)\..*/\1/p' | head -1)
case "$OMPI_MAJOR" in
  4)
    set_param "$OMPI_CONF" btl "self,vader,tcp"
    set_param "$OMPI_CONF" btl_vader_single_copy_mechanism none
    # A vanished node leaves ORTE's daemon connection silent: without keepalive mpirun hangs
    # for hours; with it, that mpirun ends within about 11 s.
    set_param "$OMPI_CONF" oob_tcp_keepalive_time 5
    set_param "$OMPI_CONF" oob_tcp_keepalive_intvl 2
    set_param "$OMPI_CONF" oob_tcp_keepalive_probes 3
    ;;
  5|6)
    set_param "$OMPI_CONF" btl "self,sm,tcp"
    set_param "$OMPI_CONF" smsc "^cma"
    # PRRTE (the 5.x launcher, prterun/prted) reads its own file; prte_if_include is the name
    # oob_tcp_if_include is a synonym of there (checked with prte_info --all).
    set_param /etc/openmpi/prte-mca-params.conf prte_if_include "$IFACE"
    # PMIx 5's default data store (gds shmem2) made a spawn + connect/accept across nodes crash
    # a prted ("corrupted double-linked list") in most runs here; the hash store in about one
    # run of five (a launcher bug of PRRTE 3.0.x, docs/failure-isolation.md).
    PMIX_EXTRA="PMIX_MCA_gds=hash"
    ;;
  *) echo "node-setup: unknown Open MPI version: $(mpirun --version 2>&1 | head -1)" >&2; exit 1 ;;
esac

# One Java path on every flavour (the harness and the app image use it): /opt/jmswk/java.
mkdir -p /opt/jmswk
ln -sfn "$JAVA_HOME" /opt/jmswk/java

# --- environment for processes started over ssh (prted and what it starts) --------------------
# pam_env reads /etc/environment for every ssh session; Docker's ENV reaches only docker exec.
cat > /etc/environment <<ENVEOF
PATH=$PATH
JAVA_HOME=$JAVA_HOME
JMSWK_HOME=$JMSWK_HOME
JMSWK_NATIVE_LIB=$JMSWK_NATIVE_LIB
OMPI_ALLOW_RUN_AS_ROOT=1
OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
PRTE_ALLOW_RUN_AS_ROOT=1
PRTE_ALLOW_RUN_AS_ROOT_CONFIRM=1
LANG=C.UTF-8
$PMIX_EXTRA
ENVEOF

# --- sshd: key-only root login --------------------------------------------------------------
mkdir -p /run/sshd /etc/ssh/sshd_config.d
cat > /etc/ssh/sshd_config.d/jmswk.conf <<'SSHEOF'
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
MaxStartups 200:30:400
MaxSessions 200
LogLevel ERROR
SSHEOF
rm -f /etc/ssh/ssh_host_*
ssh-keygen -A >/dev/null

# --- the cluster key: made here, per image build; never in the repository -------------------
install -d -m 700 /root/.ssh
ssh-keygen -q -t ed25519 -N '' -C jmswk-cluster -f /root/.ssh/id_ed25519
cp /root/.ssh/id_ed25519.pub /root/.ssh/authorized_keys
chmod 600 /root/.ssh/authorized_keys
cat > /root/.ssh/config <<'CFGEOF'
Host *
  StrictHostKeyChecking no
  UserKnownHostsFile /dev/null
  LogLevel ERROR
  BatchMode yes
  ConnectTimeout 10
CFGEOF
chmod 600 /root/.ssh/config
