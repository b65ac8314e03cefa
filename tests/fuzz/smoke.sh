#!/bin/sh
# make check's fuzz smoke test (also `make fuzz-smoke`): builds every fuzz
# target with clang -fsanitize=fuzzer,address,undefined (make fuzz-build)
# and runs each for FUZZ_SECONDS (default 3) from its committed corpus,
# two at a time. Any crash, leak, sanitizer report or failed check fails
# the test; the input that did it is kept in the work folder, and the
# line to replay it is printed. New inputs go to a scratch folder, never
# into the source tree (tests/fuzz/README: long runs and minimising).
# Skipped, saying why, when configure found no clang with libFuzzer.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/lib/common.sh"

[ -n "${FUZZ_CC:-}" ] ||
	skip "no clang with libFuzzer (install the Debian package clang and run configure again)"
secs=${FUZZ_SECONDS:-3}
# A fixed seed, so two runs start alike; they still drift apart (a run
# is time-bounded and reads the corpus in the directory's order), so a
# find on another machine is a real find: replay it. 0: libFuzzer picks.
seed=${FUZZ_SEED:-1}
top_build=$(cd "$TESTS_BUILDDIR/.." && pwd)
bin=$TESTS_BUILDDIR/fuzz/clang
targets="reply session event address msg encode profile theme mailto textbuf parse json"

t0=$(date +%s)
# A make of its own: the one running the tests holds its jobserver.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -j"$(nproc 2>/dev/null || echo 2)" \
	-C "$top_build" fuzz-build >"$WORK/build.log" 2>&1 ||
	{ tail -n 30 "$WORK/build.log"; fail "the libFuzzer build failed"; }
t1=$(date +%s)
note "built the libFuzzer targets in $((t1 - t0)) s"

# run NAME: fuzzes one target for $secs seconds; its log in $WORK/NAME.log.
run() {
	mkdir -p "$WORK/new-$1"
	(cd "$WORK" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    "$bin/fuzz_$1" -seed="$seed" -max_total_time="$secs" -max_len=4096 -timeout=10 \
	    -rss_limit_mb=1500 -print_final_stats=1 -artifact_prefix="$WORK/$1-" \
	    "$WORK/new-$1" "$TESTS_SRCDIR/fuzz/corpus/$1" >"$WORK/$1.log" 2>&1)
	echo $? >"$WORK/$1.rc"
}

set -- $targets
while [ $# -gt 0 ]; do
	run "$1" &
	p1=$!
	if [ $# -gt 1 ]; then
		run "$2" &
		p2=$!
		wait "$p1" "$p2"
		shift 2
	else
		wait "$p1"
		shift
	fi
done

bad=
for t in $targets; do
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$WORK/$t.log")
	cov=$(grep -o 'cov: [0-9]*' "$WORK/$t.log" | tail -n 1 | cut -d' ' -f2)
	if [ "$(cat "$WORK/$t.rc")" != 0 ]; then
		echo "--- fuzz_$t failed: tail of $WORK/$t.log"
		tail -n 40 "$WORK/$t.log"
		for a in "$WORK/$t"-*; do
			[ -e "$a" ] && echo "replay: $bin/fuzz_$t $a (or tests/fuzz/fuzz_$t $a with gcc)"
		done
		bad="$bad $t"
		continue
	fi
	note "fuzz_$t: ${execs:-?} executions, edge coverage ${cov:-?}, $secs s"
done
[ -z "$bad" ] || fail "fuzzers failed:$bad"
pass "every fuzz target ran $secs s clean from seed $seed (build $((t1 - t0)) s, total $(($(date +%s) - t0)) s)"
