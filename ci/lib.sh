# Shared helpers for the ci/ scripts (sourced, not run).
JMSWK_PREFIX=${JMSWK_PREFIX:-/opt/jmswk}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"

_step_start=0
_now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
step() { _step_start=$(_now_ms); printf '==> %s\n' "$*"; }
done_step() { local ms=$(( $(_now_ms) - _step_start )); printf '    done in %d.%01d s\n' $((ms / 1000)) $((ms % 1000 / 100)); }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Prints the home of a JDK >= 25: JAVA_HOME first, then /usr/lib/jvm/*.
find_jdk25() {
  local candidates=() dir version
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for dir in /usr/lib/jvm/*; do candidates+=("$dir"); done
  for dir in "${candidates[@]}"; do
    [ -x "$dir/bin/javac" ] && [ -f "$dir/release" ] || continue
    version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$dir/release")
    if [ -n "$version" ] && [ "$version" -ge 25 ]; then echo "$dir"; return 0; fi
  done
  return 1
}

# Installs the Debian packages among "$@" that are missing (apt-get update once, only then).
apt_install_missing() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing packages ${missing[*]}: run as root (or install them)"
  echo "    installing: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
