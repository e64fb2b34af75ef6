# Sourced by the scripts of tools/ that build a virtualenv of a peer (a
# program the tests run beside this project, with dependencies of its
# own), or install Debian packages, pinned by tools/constraints/.
#
#   pinned_venv VENV CONSTRAINTS REQUIREMENT...
#
# Makes sure VENV holds REQUIREMENT... installed under the pins of the
# file CONSTRAINTS, and builds it anew when it does not: the venv records
# the pins it was built with, so a cached one follows a refreshed file.
# With CONSTRAINTS empty, installs the newest releases (what
# tools/constraints/generate.sh freezes).
#
#   apt_install PACKAGE...
#
# Installs each Debian package that is not installed yet, at the version
# tools/constraints/apt.txt pins; where Debian no longer has it (stable
# updates replace a version), at the version it has, saying so.

_TOOLS_CONSTRAINTS=$(cd "$(dirname "${BASH_SOURCE[0]}")/../constraints" && pwd)

pinned_venv() {
    local venv=$1 constraints=$2 stamp
    shift 2
    stamp=$( { echo "$*"; [ -z "$constraints" ] || cat "$constraints"; } \
             | sha256sum | cut -d' ' -f1)
    if [ -f "$venv/pins.sha256" ] && [ "$(cat "$venv/pins.sha256")" = "$stamp" ]; then
        return 0
    fi
    echo "installing $* into $venv" >&2
    rm -rf "$venv"
    mkdir -p "$(dirname "$venv")"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q ${constraints:+-c "$constraints"} -U pip >&2
    "$venv/bin/pip" install -q ${constraints:+-c "$constraints"} "$@" >&2
    echo "$stamp" > "$venv/pins.sha256"
}

apt_install() {
    local package version missing=()
    for package in "$@"; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    apt-get update -qq
    local specs=()
    for package in "${missing[@]}"; do
        version=$(awk -F= -v p="$package" '$1 == p {print $2}' \
                  "$_TOOLS_CONSTRAINTS/apt.txt")
        if [ -n "$version" ] && apt-cache madison "$package" \
                | awk -F' [|] ' '{print $2}' | grep -qxF "$version"; then
            specs+=("$package=$version")
        else
            echo "$package ${version:-(not pinned)} is not available;" \
                 "installing Debian's current version (refresh the pins:" \
                 "tools/constraints/generate.sh apt)" >&2
            specs+=("$package")
        fi
    done
    # No init system here: keep the packages from starting their services.
    RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq "${specs[@]}" >/dev/null
}
