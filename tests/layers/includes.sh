#!/bin/sh
# The layers of src/ (Makefile.am) as the includes show them: each file
# includes only headers of its own layer and the layers below; curses only
# in src/ui, pthread only in the worker, wolfSSL only in the TLS and SASL
# modules, libinih only in the INI readers, libidn2 only in src/mail,
# libresolv only in net/dns.c.
# Fails naming each file and line that breaks a rule.
set -u
top=$(cd "${TESTS_SRCDIR:-$(dirname "$0")/..}/.." && pwd)
cd "$top/src" || exit 99

# The layers a layer may include, lowest first.
allowed() {
	case $1 in
	base) echo "base" ;;
	mail) echo "base mail" ;;
	net) echo "base mail net" ;;
	store) echo "base mail net store" ;;
	app) echo "base mail net store app" ;;
	cli) echo "base mail net store app cli" ;;
	ui) echo "base mail net store app ui" ;;
	main) echo "base mail net store app cli ui" ;;
	esac
}

bad=0
complain() {
	echo "FAIL: $*" >&2
	bad=$((bad + 1))
}

for f in */*.c */*.h main.c; do
	case $f in
	main.c) layer=main ;;
	*) layer=${f%%/*} ;;
	esac
	ok=$(allowed "$layer")
	[ -n "$ok" ] || { complain "$f: in no layer (add its folder to Makefile.am and tests/layers/includes.sh)"; continue; }
	grep -n '^[[:space:]]*#[[:space:]]*include' "$f" | while IFS= read -r line; do
		n=${line%%:*}
		inc=$(printf '%s' "$line" | sed -n 's/.*#[[:space:]]*include[[:space:]]*\([<"][^>"]*[>"]\).*/\1/p')
		case $inc in
		'"config.h"') ;;
		\"*/*\")
			l=${inc#\"}
			l=${l%%/*}
			case " $ok " in
			*" $l "*) ;;
			*) echo "$f:$n: $layer may not include $inc (layer $l is above it)" ;;
			esac
			;;
		\"*\") echo "$f:$n: include $inc with its layer folder (\"base/util.h\")" ;;
		'<curses.h>' | '<ncurses.h>' | '<term.h>' | '<ncursesw/'*)
			[ "$layer" = ui ] || echo "$f:$n: $inc outside src/ui (only the composer touches the terminal)" ;;
		'<pthread.h>')
			[ "$f" = net/worker.c ] || echo "$f:$n: $inc outside net/worker.c (only the worker knows threads)" ;;
		'<wolfssl/'*)
			case $f in net/tls.c | net/sasl.c) ;; *) echo "$f:$n: $inc outside net/tls.c and net/sasl.c (TLS and SCRAM's hashes)" ;; esac ;;
		'<ini.h>')
			case $f in store/profile*.c | ui/theme.c) ;; *) echo "$f:$n: $inc outside the INI readers" ;; esac ;;
		'<idn2.h>')
			case $f in mail/*) ;; *) echo "$f:$n: $inc outside src/mail" ;; esac ;;
		'<resolv.h>' | '<arpa/nameser.h>')
			[ "$f" = net/dns.c ] || echo "$f:$n: $inc outside net/dns.c (the one resolver module)" ;;
		esac
	done
done >"${TMPDIR:-/tmp}/missive-includes.$$"
if [ -s "${TMPDIR:-/tmp}/missive-includes.$$" ]; then
	sed 's/^/FAIL: /' "${TMPDIR:-/tmp}/missive-includes.$$" >&2
	bad=$(wc -l <"${TMPDIR:-/tmp}/missive-includes.$$")
fi
rm -f "${TMPDIR:-/tmp}/missive-includes.$$"
[ "$bad" -eq 0 ] || { echo "$bad forbidden include(s)" >&2; exit 1; }
echo "ok - every include respects the layers"
