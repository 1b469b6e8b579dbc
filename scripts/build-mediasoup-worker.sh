#!/usr/bin/env bash
# Builds mediasoup's C++ worker offline against Debian's system libraries.
#
# mediasoup's own postinstall downloads its worker or the worker's C++ dependencies, which
# cannot be reached here (see DESIGN.md), so it is denied in package.json and this script
# builds the worker instead: each Meson subproject the worker names is replaced by a small
# meson.build that declares the same variables from the matching Debian package. The result
# is cached per machine and per mediasoup version; printing its path is the script's output.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
src="$root/node_modules/mediasoup/worker"
version=$(node -p "require('$root/node_modules/mediasoup/package.json').version")
cache="${ROUNDTABLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/roundtable}/mediasoup-worker-$version"
bin="$cache/mediasoup-worker"

if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
# --cached-only: say where a built worker is, and build nothing (exit 1 when there is none).
if [ "${1:-}" = "--cached-only" ]; then exit 1; fi
[ -d "$src" ] || { echo "mediasoup is not installed: run npm ci first" >&2; exit 1; }

# Meson and Ninja come from Debian (packages meson and ninja-build, named in
# scripts/system-packages.sh), never from PyPI: a fresh machine may reach Debian's mirror
# and the npm registry only. The worker asks for Meson >= 1.1 but builds with bookworm's
# 1.0 (it uses nothing newer; checked on a fresh bookworm root), so the requirement is relaxed
# to 1.0 in the build's own copy of meson.build below.
command -v meson >/dev/null && command -v ninja >/dev/null \
  || { echo "Meson and Ninja are missing: apt-get install meson ninja-build" >&2; exit 1; }
meson_version=$(meson --version)
[ "$(printf '%s\n1.0.0\n' "$meson_version" | sort -V | head -1)" = "1.0.0" ] \
  || { echo "Meson $meson_version is too old: the worker needs 1.0 or newer" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$src" "$work/worker"
cd "$work/worker"
rm -f subprojects/*.wrap
sed -i "s/meson_version: '>= 1.1.0'/meson_version: '>= 1.0.0'/" meson.build

sub() { mkdir -p "subprojects/$1"; cat > "subprojects/$1/meson.build"; }
opts() { cat > "subprojects/$1/meson_options.txt"; }

sub openssl <<'M'
project('openssl', 'c')
openssl_dep = dependency('openssl')
libcrypto_lib = []
libssl_lib = []
M
sub nlohmann_json <<'M'
project('nlohmann_json', 'cpp')
nlohmann_json_dep = dependency('nlohmann_json')
M
sub libuv <<'M'
project('libuv', 'c')
libuv_dep = dependency('libuv')
libuv = []
M
opts libuv <<'M'
option('build_tests', type : 'boolean', value : false)
option('build_benchmarks', type : 'boolean', value : false)
M
sub libsrtp2 <<'M'
project('libsrtp2', 'c')
libsrtp2_dep = declare_dependency(
  dependencies: dependency('libsrtp2'),
  compile_args: ['-I/usr/include/srtp2'],
)
libsrtp2 = []
M
opts libsrtp2 <<'M'
option('crypto-library', type : 'string', value : 'openssl')
option('crypto-library-kdf', type : 'string', value : 'disabled')
option('tests', type : 'string', value : 'disabled')
M
sub usrsctp <<'M'
project('usrsctp', 'c')
usrsctp_dep = dependency('usrsctp')
usrsctp = []
M
opts usrsctp <<'M'
option('sctp_build_programs', type : 'boolean', value : false)
M
sub abseil-cpp <<'M'
project('abseil-cpp', 'cpp')
absl_container_dep = dependency('absl_flat_hash_map', 'absl_flat_hash_set', 'absl_btree', 'absl_inlined_vector')
absl_strings_dep = dependency('absl_strings')
absl_types_dep = dependency('absl_optional')
absl_container_lib = []
M
sub catch2 <<'M'
project('catch2', 'cpp')
catch2_dep = declare_dependency()
M

echo "building mediasoup-worker $version (a few minutes)…" >&2
meson setup build --buildtype=release -Db_ndebug=true >"$work/setup.log" 2>&1 \
  || { tail -40 "$work/setup.log" >&2; exit 1; }
ninja -C build mediasoup-worker >"$work/build.log" 2>&1 \
  || { grep -m20 -B2 -A10 'error' "$work/build.log" >&2; exit 1; }
mkdir -p "$cache"
cp build/mediasoup-worker "$bin.tmp" && mv "$bin.tmp" "$bin"
echo "$bin"
