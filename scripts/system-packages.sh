# Sourced by setup.sh and demo.sh: the Debian packages video needs, and how to install missing
# packages. One list, so the demo and the test command can never disagree about what video needs.

# What building the mediasoup worker (town hall video) needs.
# Meson and Ninja too, from Debian: PyPI may be out of reach (scripts/build-mediasoup-worker.sh).
worker_packages=(pkg-config g++ make python3 meson ninja-build libssl-dev libuv1-dev libsrtp2-dev libusrsctp-dev libabsl-dev nlohmann-json3-dev)

# Prints those of the given packages that are not installed, space-separated.
missing_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  echo "${missing[*]}"
}

# Whether packages can be installed without asking anyone: as root, or with passwordless sudo.
can_install() { [ "$(id -u)" -eq 0 ] || sudo -n true 2>/dev/null; }

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Installs the given packages quietly; on failure prints apt's last lines and the log's path.
install_packages() {
  local log
  log=$(mktemp -t roundtable-apt.XXXXXX.log)
  if ! { sudo_if_needed apt-get update -qq && sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"; } >"$log" 2>&1; then
    tail -15 "$log" >&2
    echo "› installing $* failed (full log: $log)" >&2
    return 1
  fi
  rm -f "$log"
}
