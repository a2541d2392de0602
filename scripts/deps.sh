# Sourced by scripts/run-fixtures and scripts/test: installs, with apt-get,
# the system packages vloop needs when they are missing.

# apt-get install PACKAGE... (after one apt-get update), as root or through sudo.
apt_install() {
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null || { echo "$0: need root (or sudo) to install $*" >&2; return 1; }
        sudo="sudo"
    fi
    if [ -z "${VLOOP_APT_UPDATED:-}" ]; then
        $sudo apt-get update -qq >&2 || return 1
        VLOOP_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >&2
}

# libsqlite3-dev: the system SQLite that GRDB builds against.
ensure_sqlite() {
    dpkg -s libsqlite3-dev >/dev/null 2>&1 && return 0
    echo "$0: installing libsqlite3-dev (SQLite for the run database)" >&2
    apt_install libsqlite3-dev || { echo "$0: could not install libsqlite3-dev; install it and try again" >&2; exit 2; }
}

# Chromium, for the test that opens the HTML report in a real browser.
# Missing and not installable is not an error: that test is then skipped.
ensure_chromium() {
    command -v chromium >/dev/null || command -v chromium-headless-shell >/dev/null && return 0
    echo "$0: installing chromium (the HTML report's browser test)" >&2
    apt_install chromium || echo "$0: could not install chromium; the browser test will be skipped" >&2
}
