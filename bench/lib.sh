# bench/lib.sh — helpers the bench scripts share; sourced, not run.
#
# Sourcing it makes $out, a scratch folder removed when the script exits
# (with the smtp-sink that start_sink started, if any).

out="$(mktemp -d)"
sink_pid=""
cleanup() { [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null; rm -rf "$out"; }
trap cleanup EXIT

# ms prints the time in milliseconds.
ms() { echo $(($(date +%s%N) / 1000000)); }

# median reads numbers, one a line, and prints their median.
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# start_sink PORT starts Postfix's smtp-sink on 127.0.0.1:PORT for the
# rest of the script.
start_sink() {
	smtp-sink -u nobody 127.0.0.1:"$1" 1024 &
	sink_pid=$!
	sleep 0.5
}

# delivery_issue MEMBERS PORT generates the delivery reference issue (4
# reviews, small photos, MEMBERS members, the relay on PORT) in $out/ref.
delivery_issue() {
	go run ./bench/refissue -dir "$out/ref" -reviews 4 -words 300 -photo-width 400 -members "$1" -smtp-port "$2" >/dev/null
}
