#!/bin/sh
# Generates the test PKI into OUTDIR with openssl: two CAs and the leaf
# certificates the TLS tests need (good, wrong name, expired, self-signed,
# signed by an untrusted CA). Keys are EC P-256 (fast) and never committed.
# Idempotent and safe to run concurrently: the set is built in a private
# folder and renamed into place; a complete set is marked by OUTDIR/.complete.
#
# Usage: pki.sh OUTDIR
#
# Files in OUTDIR (each NAME has NAME.pem and NAME.key):
#   ca          test CA (trusted by the tests through --ca-file ca.pem)
#   localhost   leaf for DNS:localhost, IP:127.0.0.1, IP:::1, signed by ca
#   otherhost   leaf for DNS:other.example only, signed by ca
#   expired     leaf for localhost, valid 2020-01-01..2020-01-02, signed by ca
#   selfsigned  self-signed leaf for localhost (not a CA)
#   ca2         second CA, not trusted by the tests
#   untrusted   leaf for localhost signed by ca2
#   localhost-chain.pem   localhost leaf followed by ca (full chain)
set -eu

out=${1:?usage: pki.sh OUTDIR}
[ -f "$out/.complete" ] && exit 0

command -v openssl >/dev/null 2>&1 || {
	echo "pki.sh: openssl not found (apt-get install openssl)" >&2
	exit 1
}

parent=$(dirname "$out")
mkdir -p "$parent"
tmp=$(mktemp -d "$parent/.pki.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

subj_base="/O=missive test bed"

newkey() {	# NAME
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$tmp/$1.key" 2>/dev/null
	chmod 600 "$tmp/$1.key"
}

# Extension sections shared by every certificate.
cat >"$tmp/ext.cnf" <<'EOF'
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[leaf_localhost]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1

[leaf_other]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:other.example

[self_localhost]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
EOF

mkca() {	# NAME CN
	newkey "$1"
	openssl req -new -x509 -key "$tmp/$1.key" -out "$tmp/$1.pem" \
	    -days 3650 -subj "$subj_base/CN=$2" -sha256 \
	    -config "$tmp/ext.cnf" -extensions ca_ext 2>/dev/null
}

mkleaf() {	# NAME CN CA EXT
	newkey "$1"
	openssl req -new -key "$tmp/$1.key" -subj "$subj_base/CN=$2" \
	    -out "$tmp/$1.csr" 2>/dev/null
	openssl x509 -req -in "$tmp/$1.csr" -CA "$tmp/$3.pem" \
	    -CAkey "$tmp/$3.key" -CAcreateserial -days 3650 -sha256 \
	    -extfile "$tmp/ext.cnf" -extensions "$4" -out "$tmp/$1.pem" 2>/dev/null
	rm -f "$tmp/$1.csr"
}

mkca ca "missive test CA"
mkca ca2 "missive untrusted CA"
mkleaf localhost localhost ca leaf_localhost
mkleaf otherhost other.example ca leaf_other
mkleaf untrusted localhost ca2 leaf_localhost

newkey selfsigned
openssl req -new -x509 -key "$tmp/selfsigned.key" -out "$tmp/selfsigned.pem" \
    -days 3650 -subj "$subj_base/CN=localhost" -sha256 \
    -config "$tmp/ext.cnf" -extensions self_localhost 2>/dev/null

# The expired leaf: OpenSSL 3.0's "x509 -req" cannot set dates in the past,
# "ca" can (-startdate/-enddate).
newkey expired
openssl req -new -key "$tmp/expired.key" -subj "$subj_base/CN=localhost" \
    -out "$tmp/expired.csr" 2>/dev/null
mkdir "$tmp/cadb"
: >"$tmp/cadb/index.txt"
echo 1000 >"$tmp/cadb/serial"
cat >"$tmp/ca.cnf" <<EOF
[ca]
default_ca = test_ca
[test_ca]
dir = $tmp/cadb
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
certificate = $tmp/ca.pem
private_key = $tmp/ca.key
default_md = sha256
policy = any_policy
unique_subject = no
copy_extensions = none
[any_policy]
organizationName = optional
commonName = supplied
EOF
openssl ca -batch -config "$tmp/ca.cnf" -notext \
    -startdate 20200101000000Z -enddate 20200102000000Z \
    -extfile "$tmp/ext.cnf" -extensions leaf_localhost \
    -in "$tmp/expired.csr" -out "$tmp/expired.pem" 2>/dev/null
rm -rf "$tmp/cadb" "$tmp/ca.cnf" "$tmp/expired.csr"

cat "$tmp/localhost.pem" "$tmp/ca.pem" >"$tmp/localhost-chain.pem"
rm -f "$tmp"/*.srl "$tmp/ext.cnf"

# Sanity: the good leaf verifies, the expired one does not.
openssl verify -CAfile "$tmp/ca.pem" "$tmp/localhost.pem" >/dev/null
if openssl verify -CAfile "$tmp/ca.pem" "$tmp/expired.pem" >/dev/null 2>&1; then
	echo "pki.sh: expired certificate unexpectedly valid" >&2
	exit 1
fi

: >"$tmp/.complete"
chmod 755 "$tmp"
# rename(2) is atomic; when another run won the race, keep its set.
if mv -T "$tmp" "$out" 2>/dev/null; then
	trap - EXIT INT TERM
	exit 0
fi
if [ -f "$out/.complete" ]; then
	exit 0
fi
# OUTDIR exists but holds no complete set (e.g. created empty by a caller
# that put other files in it): copy ours in.
mkdir -p "$out"
cp "$tmp"/*.pem "$tmp"/*.key "$out"/
: >"$out/.complete"
exit 0
