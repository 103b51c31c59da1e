#!/usr/bin/env bash
# Django 4.2 LTS and 5.2 LTS next to the system's 3.2, without touching the system: Debian's packages are fetched
# with apt-get download against a private source list and lists directory, unpacked with dpkg-deb -x under
# .cache/django/<version>, and run through .cache/django/<version>/python (the system Python 3 with PYTHONPATH set,
# so the system psycopg2 is used). Safe to run again: versions whose wrapper already imports the right Django are
# left alone, and apt is not asked anything then.
set -euo pipefail
cd "$(dirname "$0")/.."

cache="$PWD/.cache/django"
apt_dir="$cache/apt"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

# version → the packages it needs, as apt-get download names them (package/suite picks the suite).
# Django 4.2 runs with bookworm's own asgiref and sqlparse; 5.2 needs asgiref >= 3.8.1, which trixie has.
declare -A packages=(
  [4.2]="python3-django/bookworm-backports"
  [5.2]="python3-django/trixie-backports python3-asgiref/trixie python3-sqlparse/trixie"
)

wrapper_works() {
  local version=$1
  "$cache/$version/python" -c "import django, sys; sys.exit(django.get_version()[:3] != '$version')" 2>/dev/null
}

# Byte-compiled as Debian's own install does (py3compile in the package's postinst), which dpkg-deb -x skips:
# without it, every Python start with PYTHONDONTWRITEBYTECODE set compiles Django again (0.2 s of each plan).
byte_compile() {
  /usr/bin/python3 -m compileall -q -j0 "$cache/$1/root/usr/lib/python3/dist-packages" >/dev/null
}

missing=()
for version in 4.2 5.2; do
  if wrapper_works "$version"; then
    [ -d "$cache/$version/root/usr/lib/python3/dist-packages/django/__pycache__" ] || byte_compile "$version"
  else
    missing+=("$version")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# trixie's Release file is signed with the 13/trixie keys. bookworm's debian-archive-keyring ships them (with
# /usr/share/keyrings/debian-archive-trixie-*.gpg next to the merged keyring) in its later updates; an older
# keyring gets the current one from the system's own (bookworm) sources. No gpg needed for the check.
if [ ! -f /usr/share/keyrings/debian-archive-trixie-automatic.gpg ]; then
  echo "bootstrap: $keyring lacks the trixie keys; upgrading debian-archive-keyring"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debian-archive-keyring
fi

mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/debs" "$apt_dir/empty.d"
cat >"$apt_dir/sources.list" <<EOF
deb [signed-by=$keyring] $mirror bookworm-backports main
deb [signed-by=$keyring] $mirror trixie main
deb [signed-by=$keyring] $mirror trixie-backports main
EOF
apt_options=(
  -o "Dir::Etc::SourceList=$apt_dir/sources.list"
  -o "Dir::Etc::SourceParts=$apt_dir/empty.d"
  -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::Cache=$apt_dir/cache"
  -o "Dir::Etc::Preferences=/dev/null"
  -o "Dir::Etc::PreferencesParts=$apt_dir/empty.d"
  -o "APT::Sandbox::User=root"
)
echo "bootstrap: fetching Django ${missing[*]} from Debian (private apt lists in $apt_dir)"
apt-get update -qq "${apt_options[@]}"

for version in "${missing[@]}"; do
  target="$cache/$version"
  rm -rf "$target" "$apt_dir/debs/$version"
  mkdir -p "$target/root" "$apt_dir/debs/$version"
  # shellcheck disable=SC2086 # the package list is meant to split on spaces
  (cd "$apt_dir/debs/$version" && apt-get download -qq "${apt_options[@]}" ${packages[$version]})
  for deb in "$apt_dir/debs/$version"/*.deb; do
    dpkg-deb -x "$deb" "$target/root"
    echo "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)" >>"$target/packages.txt"
  done
  cat >"$target/python" <<'EOF'
#!/bin/sh
# The system Python 3 with this directory's Django (and its asgiref and sqlparse) ahead of the system's.
here=$(dirname "$(readlink -f "$0")")
PYTHONPATH="$here/root/usr/lib/python3/dist-packages${PYTHONPATH:+:$PYTHONPATH}" exec /usr/bin/python3 "$@"
EOF
  chmod +x "$target/python"
  byte_compile "$version"
  if ! wrapper_works "$version"; then
    echo "bootstrap: $target/python cannot import Django $version" >&2
    exit 1
  fi
  echo "bootstrap: Django $("$target/python" -c 'import django; print(django.get_version())') in $target ($(paste -sd, "$target/packages.txt" | sed 's/,/, /g'))"
done
