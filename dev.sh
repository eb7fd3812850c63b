#!/usr/bin/env bash
# zhuxue's one entry script. Each command installs what is missing (Debian 12, root or sudo).
#   ./dev.sh run    build, start a local zhuxue-server on loopback and open the client on a demo county
#   ./dev.sh test   build and run every test (sanitizer build of the non-GUI tests, then the full suite)
#   ./dev.sh build  only build (build/)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
JOBS=$(nproc 2>/dev/null || echo 2)

# Dependencies, all from Debian 12, one package per line (sorted) in packaging/deps/.
mapfile -t BUILD_DEPS < <(grep -v '^#' packaging/deps/build.txt | sed '/^$/d')
mapfile -t TEST_DEPS < <(grep -v '^#' packaging/deps/test.txt | sed '/^$/d')

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

install_missing() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "安装缺少的软件包 installing missing packages: ${missing[*]}"
    local SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Debian's libimgui is built with 16-bit ImWchar, so characters outside the BMP (生僻字 such as
# 𪚥 U+2A6A5 in names) cannot be drawn. We build ImGui ourselves from Debian's own source package
# with 32-bit ImWchar; CMake finds it in build-deps/imgui (fetched here, never at build time).
IMGUI_SRC="$ROOT/build-deps/imgui"
prepare_imgui_source() {
    [ -f "$IMGUI_SRC/imgui.cpp" ] && return 0
    local SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    if ! apt-get source --print-uris imgui >/dev/null 2>&1; then
        local codename
        codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
        say "添加 Debian 源码仓库 adding deb-src for $codename from this machine's apt sources (ImGui source package)"
        add_deb_src "$codename"
        $SUDO apt-get update -qq
    fi
    say "获取 ImGui 源码包 fetching Debian's imgui source package (32-bit ImWchar build)"
    local tmp="$ROOT/build-deps/imgui-download"
    rm -rf "$tmp" && mkdir -p "$tmp"
    (cd "$tmp" && apt-get source --download-only -qq imgui >/dev/null 2>&1 \
        && dpkg-source -x --skip-debianization ./imgui_*.dsc src >/dev/null 2>&1) ||
        { echo "无法获取 ImGui 源码包 could not fetch the imgui source package (apt-get source imgui)" >&2; exit 1; }
    rm -rf "$IMGUI_SRC" && mv "$tmp/src" "$IMGUI_SRC" && rm -rf "$tmp"
}

# A deb-src entry for each deb entry of the distribution's own suite, from the machine's apt
# configuration (deb822 .sources files and one-line .list files): the same mirror apt already
# uses, never an address written here, so it works wherever apt works.
add_deb_src() { # codename
    local codename=$1 SUDO="" dir=/etc/apt/sources.list.d
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    local stanzas="" lines="" f
    for f in "$dir"/*.sources; do
        [ -f "$f" ] || continue
        [ "$(basename "$f")" = zhuxue-deb-src.sources ] && continue
        stanzas+=$(deb822_to_src "$codename" <"$f")$'\n\n'
    done
    for f in /etc/apt/sources.list "$dir"/*.list; do
        [ -f "$f" ] || continue
        [ "$(basename "$f")" = zhuxue-deb-src.list ] && continue
        lines+=$(sed -n -E "s/^[[:space:]]*deb[[:space:]]+((\[[^]]*\][[:space:]]+)?[^[:space:]]+[[:space:]]+$codename[[:space:]].*)$/deb-src \1/p" "$f")$'\n'
    done
    [[ $stanzas == *Types:* ]] || stanzas=""
    [[ $lines == *deb-src* ]] || lines=""
    if [ -z "$stanzas" ] && [ -z "$lines" ]; then
        echo "apt 的软件源里没有 $codename 的条目，无法添加 deb-src；请在 /etc/apt/sources.list.d/ 里配置 Debian 软件源 / no deb entry for $codename in this machine's apt sources to add a deb-src entry from; configure Debian's archive in /etc/apt/sources.list.d/" >&2
        exit 1
    fi
    if [ -n "$stanzas" ]; then printf '%s' "$stanzas" | $SUDO tee "$dir/zhuxue-deb-src.sources" >/dev/null; fi
    if [ -n "$lines" ]; then printf '%s' "$lines" | $SUDO tee "$dir/zhuxue-deb-src.list" >/dev/null; fi
    return 0
}

# Reads one deb822 .sources file; prints a deb-src stanza for each enabled deb stanza that
# serves the codename's own suite.
deb822_to_src() { # codename < file
    local codename=$1 types="" uris="" suites="" comps="" signed="" enabled="yes" line key value
    emit() {
        if [[ " $types " == *" deb "* ]] && [[ " $suites " == *" $codename "* ]] &&
            [ "$enabled" != no ] && [ -n "$uris" ]; then
            printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: %s\n' "$uris" "$codename" "$comps"
            [ -n "$signed" ] && printf 'Signed-By: %s\n' "$signed"
            printf '\n'
        fi
        types="" uris="" suites="" comps="" signed="" enabled="yes"
    }
    while IFS= read -r line || [ -n "$line" ]; do
        case "$line" in
        '#'*) continue ;;
        '') emit; continue ;;
        esac
        key=${line%%:*}
        value=${line#*:}
        value=$(echo $value)
        case "${key,,}" in
        types) types=$value ;;
        uris) uris=$value ;;
        suites) suites=$value ;;
        components) comps=$value ;;
        signed-by) signed=$value ;;
        enabled) enabled=${value,,} ;;
        esac
    done
    emit
}

configure_and_build() { # dir, extra cmake args...
    local dir=$1; shift
    # ccache keeps compiled objects between checkouts on one machine, so a clean clone (CI's)
    # recompiles only what changed. Paths under the checkout are hashed relative to it, so
    # another checkout's objects match; the precompiled headers need the sloppiness below.
    export CCACHE_BASEDIR="$ROOT" CCACHE_NOHASHDIR=true \
        CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
    cmake -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache "$@" >/dev/null
    cmake --build "$dir" -j "$JOBS"
}

cmd_build() {
    install_missing "${BUILD_DEPS[@]}"
    prepare_imgui_source
    say "构建 building (build/)"
    configure_and_build "$ROOT/build"
}

# Runs ctest in a build directory, its output also kept in ctest.log there; returns its status.
run_ctest() { # dir, extra environment...
    local dir=$1; shift
    (cd "$dir" && env "$@" ctest --output-on-failure -j "$JOBS" 2>&1 | tee "$dir/ctest.log"; exit "${PIPESTATUS[0]}")
}

# The summary ctest printed at the end of a half: the pass line and the lists of failed or not
# run tests that follow it.
ctest_summary() { # dir
    sed -n '/tests passed, /,$p' "$1/ctest.log" 2>/dev/null | grep -v '^Errors while running CTest' ||
        echo "（没有运行 ctest / ctest did not run）"
}

cmd_test() {
    install_missing "${BUILD_DEPS[@]}" "${TEST_DEPS[@]}"
    prepare_imgui_source
    # Both halves always run, so one failure never hides the other half's results; the command
    # fails when either half failed.
    local asan=0 full=0
    say "AddressSanitizer + UBSan 构建，运行非界面测试 sanitizer build, non-GUI tests (build-asan/)"
    # Each test program is built once: unit, fuzz and integration tests here, under the
    # sanitizers; GUI, package and benchmark tests in the full build below.
    rm -f "$ROOT/build-asan/ctest.log" "$ROOT/build/ctest.log"
    if configure_and_build "$ROOT/build-asan" -DZHUXUE_SANITIZE=ON -DZHUXUE_BUILD_GUI=OFF \
        "-DZHUXUE_TEST_KINDS=unit;fuzz;integration"; then
        run_ctest "$ROOT/build-asan" ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
            LSAN_OPTIONS=suppressions="$ROOT/tests/sanitizer/lsan.supp":print_suppressions=0 \
            UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 || asan=$?
    else
        asan=1
        mkdir -p "$ROOT/build-asan" && echo "构建失败 the sanitizer build failed" >"$ROOT/build-asan/ctest.log"
    fi
    say "完整构建，运行界面、安装包和基准测试 full build: GUI, package and benchmark tests (build/)"
    if configure_and_build "$ROOT/build" "-DZHUXUE_TEST_KINDS=gui;package;bench"; then
        run_ctest "$ROOT/build" || full=$?
    else
        full=1
        mkdir -p "$ROOT/build" && echo "构建失败 the full build failed" >"$ROOT/build/ctest.log"
    fi
    say "结果 results: build-asan/ (unit, fuzz, integration)"
    ctest_summary "$ROOT/build-asan"
    say "结果 results: build/ (gui, package, bench)"
    ctest_summary "$ROOT/build"
    if [ "$asan" -ne 0 ] || [ "$full" -ne 0 ]; then
        echo "测试没有全部通过 not every test passed (build-asan: $asan, build: $full)" >&2
        exit 1
    fi
}

cmd_run() {
    install_missing "${BUILD_DEPS[@]}"
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
        echo "zhuxue: 没有可用的图形显示（DISPLAY 未设置），请在桌面会话中运行 no graphical display: run this in a desktop session" >&2
        exit 3
    fi
    cmd_build
    local data="${ZHUXUE_DEMO_DIR:-$HOME/.local/share/zhuxue-demo}"
    mkdir -p "$data/server" "$data/device"
    local port_file="$data/server/port"
    # A fixed port: the device keeps the server address it enrolled with.
    local port="${ZHUXUE_DEMO_PORT:-8720}"
    rm -f "$port_file"
    say "启动本机同步服务器 starting zhuxue-server on 127.0.0.1:$port"
    "$ROOT/build/bin/zhuxue-server" serve --listen 127.0.0.1 --port "$port" --port-file "$port_file" \
        --data-dir "$data/server" >"$data/server/server.log" 2>&1 &
    local server_pid=$!
    trap 'kill $server_pid 2>/dev/null || true' EXIT
    for _ in $(seq 100); do [ -s "$port_file" ] && break; sleep 0.1; done
    [ -s "$port_file" ] || { echo "zhuxue-server 没有启动（端口 $port 可能已被占用，可设 ZHUXUE_DEMO_PORT 换一个）did not start (port $port may be in use; set ZHUXUE_DEMO_PORT); see $data/server/server.log" >&2; exit 1; }
    local url="http://127.0.0.1:$(cat "$port_file")"
    if [ "$(cat "$data/device/.demo-enrolled" 2>/dev/null)" != "$url" ]; then
        say "把演示设备登记到服务器 enrolling the demo device with $url"
        local code
        code="$("$ROOT/build/bin/zhuxue-server" enroll --data-dir "$data/server" --county 420527 \
            --name "演示设备 demo device" --url "$url" 2>/dev/null)"
        "$ROOT/build/bin/zhuxue-cli" --data-dir "$data/device" enroll "$url" "$code" &&
            echo "$url" >"$data/device/.demo-enrolled"
    fi
    if "$ROOT/build/bin/zhuxue-cli" --help | grep -q gen-demo; then
        if [ ! -e "$data/device/.demo-loaded" ]; then
            say "生成演示县数据 generating a demo county"
            "$ROOT/build/bin/zhuxue-cli" --data-dir "$data/device" gen-demo --students 2000
            touch "$data/device/.demo-loaded"
        fi
    fi
    say "打开客户端 opening the client ($url)"
    "$ROOT/build/bin/zhuxue" --data-dir "$data/device" --server "$url"
}

case "${1:-}" in
    run) cmd_run ;;
    test) cmd_test ;;
    build) cmd_build ;;
    *) echo "用法 usage: ./dev.sh run | test | build" >&2; exit 2 ;;
esac
