#!/usr/bin/env bash
# Readers, the wire desk and an editor at once: does the site keep up, and do new stories show at once?
#
#     benchmarks/load.sh                      # a new demo site in a temporary folder
#     DATA_DIR=/path/to/site benchmarks/load.sh
#
# Starts `newsdesk serve` (2 workers, page cache on) and `newsdesk worker` on
# a demo site whose wire desk polls the demo outlets the site serves itself.
# For DURATION seconds (60) wrk loads the home page and an article, half the
# CONNECTIONS (200) each, while benchmarks/publisher.py publishes a story
# every PUBLISH_EVERY seconds (5) and times how long until the home page and
# the section page show it.
#
# Prints requests/s and p99 per URL, socket errors, non-2xx responses and
# each publication's delay. Exits 1 when there was any socket error or
# non-2xx response, or a story took longer than MAX_DELAY seconds (1.0) to
# appear. Every process it starts is stopped when it ends, Ctrl-C included.

set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON=.venv/bin/python
NEWSDESK=.venv/bin/newsdesk
DURATION=${DURATION:-60}
CONNECTIONS=${CONNECTIONS:-200}
PUBLISH_EVERY=${PUBLISH_EVERY:-5}
MAX_DELAY=${MAX_DELAY:-1.0}
PORT=${PORT:-$($PYTHON -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
BASE="http://127.0.0.1:$PORT"

for tool in wrk curl; do
    command -v "$tool" >/dev/null || { echo "$tool is needed (Debian: apt-get install $tool)." >&2; exit 2; }
done

WORK=$(mktemp -d -t newsdesk-load-XXXXXX)
GROUPS_STARTED=()  # the servers, each a session of its own
JOBS=()  # wrk and the publisher

stop_all() {
    local group job
    for job in "${JOBS[@]}"; do
        kill -TERM "$job" 2>/dev/null || true
    done
    for group in "${GROUPS_STARTED[@]}"; do
        kill -TERM -- "-$group" 2>/dev/null || true
    done
    # Up to 15 s to stop on their own, then whatever is left is killed.
    for _ in $(seq 30); do
        local alive=0
        for group in "${GROUPS_STARTED[@]}"; do
            kill -0 -- "-$group" 2>/dev/null && alive=1
        done
        [ "$alive" = 0 ] && break
        sleep 0.5
    done
    for group in "${GROUPS_STARTED[@]}"; do
        kill -KILL -- "-$group" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# start NAME COMMAND...: runs it in a session of its own, so that stopping
# the session stops the server's workers too.
start() {
    local name=$1
    shift
    setsid "$@" >"$WORK/$name.log" 2>&1 </dev/null &
    GROUPS_STARTED+=("$!")
}

export NEWSDESK_DATA_DIR=${DATA_DIR:-$WORK/site}
export NEWSDESK_SECURE_COOKIES=0
export NEWSDESK_ADMIN_PASSWORD=${NEWSDESK_ADMIN_PASSWORD:-correct-horse-battery}
export NEWSDESK_LOG_LEVEL=WARNING
# The demo outlets are served by the site itself; its wire desk may read this one address.
export NEWSDESK_DEMO_OUTLETS=1
export NEWSDESK_BASE_URL=$BASE
export NEWSDESK_FETCH_ALLOWED_ADDRESSES=127.0.0.1:$PORT

echo "Setting up the site in $NEWSDESK_DATA_DIR (a minute or two for a new one)…"
$NEWSDESK setup >"$WORK/setup.log" 2>&1 || { cat "$WORK/setup.log" >&2; exit 2; }
# The demo's pictures resized now, as the worker of a running site has long
# done: the load measures readers and publishing, not a new site's first minute.
$NEWSDESK renditions >>"$WORK/setup.log" 2>&1 || { cat "$WORK/setup.log" >&2; exit 2; }

start serve $NEWSDESK serve --host 127.0.0.1 --port "$PORT" --workers 2 --no-access-log
start worker $NEWSDESK worker
for _ in $(seq 180); do
    curl -fso /dev/null "$BASE/robots.txt" && break
    sleep 0.5
done
curl -fso /dev/null "$BASE/robots.txt" || { echo "The server did not start:" >&2; tail "$WORK/serve.log" >&2; exit 2; }

# The first story the home page links to (a /section/story/ path).
ARTICLE=$(curl -fs "$BASE/" | grep -oE 'href="/[a-z0-9-]+/[a-z0-9-]+/"' | grep -vE '"/(authors|tags)/' \
    | head -1 | cut -d'"' -f2)
[ -n "$ARTICLE" ] || { echo "No story is linked from the home page." >&2; exit 2; }
for path in / "$ARTICLE"; do
    curl -fso /dev/null "$BASE$path"
done

# site_python CODE: runs CODE in the site's Django environment, prints its last line.
site_python() {
    $NEWSDESK shell --no-imports -c "$1" 2>/dev/null | tail -1
}

started=$(date +%s)
# Every source is due now, so the worker polls them while the readers come (a new site's are already due).
polls_before=$(site_python 'from django.utils import timezone
from newsdesk.wire.models import Poll, Source
Source.objects.filter(enabled=True).update(next_poll_at=timezone.now())
print(Poll.objects.count())')
echo "Loading $BASE/ and $BASE$ARTICLE for $DURATION s at $CONNECTIONS connections, publishing every $PUBLISH_EVERY s…"
half=$((CONNECTIONS / 2))
wrk -t1 -c"$half" -d"${DURATION}s" --timeout 10s --latency "$BASE/" >"$WORK/wrk-home.txt" 2>&1 &
JOBS+=("$!")
wrk -t1 -c"$half" -d"${DURATION}s" --timeout 10s --latency "$BASE$ARTICLE" >"$WORK/wrk-article.txt" 2>&1 &
JOBS+=("$!")
sleep 2
# In the background and waited for, so that a signal stops the run at once.
$PYTHON benchmarks/publisher.py --base "$BASE" --every "$PUBLISH_EVERY" --duration "$((DURATION - 2 - PUBLISH_EVERY))" \
    --max-delay "$MAX_DELAY" >"$WORK/publisher.txt" 2>&1 &
publisher=$!
JOBS+=("$publisher")
publisher_status=0
wait "$publisher" || publisher_status=$?
wait "${JOBS[@]}" || true
polls_after=$(site_python 'from newsdesk.wire.models import Poll; print(Poll.objects.count())')

failed=0
echo
echo "| URL | requests/s | p50 | p99 | socket errors | non-2xx |"
echo "| --- | ---: | ---: | ---: | --- | ---: |"
for name in home article; do
    file="$WORK/wrk-$name.txt"
    rps=$(awk '/Requests\/sec:/ {print $2}' "$file")
    p50=$(awk '$1 == "50%" {print $2}' "$file")
    p99=$(awk '$1 == "99%" {print $2}' "$file")
    socket=$(grep -oE 'Socket errors: .*' "$file" | sed 's/Socket errors: //' || true)
    non2xx=$(awk -F': ' '/Non-2xx or 3xx responses/ {print $2}' "$file")
    url=$([ "$name" = home ] && echo / || echo "$ARTICLE")
    echo "| $name \`$url\` | ${rps:-0} | ${p50:--} | ${p99:--} | ${socket:-none} | ${non2xx:-0} |"
    if [ -z "$rps" ] || [ -n "$socket" ] || [ "${non2xx:-0}" != 0 ]; then
        failed=1
    fi
done
echo
cat "$WORK/publisher.txt"
echo "Wire desk polls during the run: $((${polls_after:-0} - ${polls_before:-0}))" \
    "($(( $(date +%s) - started )) s in all)."
echo "Load average (1, 5, 15 min) at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores."
if [ "$publisher_status" != 0 ]; then
    echo "MISS: a story took longer than ${MAX_DELAY} s to appear (or publishing failed)."
    failed=1
fi
if [ "$failed" = 0 ]; then
    echo "PASS: no socket errors, no non-2xx responses, every story visible within ${MAX_DELAY} s."
else
    echo "MISS: see above."
fi
exit "$failed"
