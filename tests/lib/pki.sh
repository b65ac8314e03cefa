#!/bin/sh
# Generates the test PKI into OUTDIR with openssl: two CAs and the leaf
# certificates the TLS tests need (good, wrong name, wrong kind of name,
# wildcards, expired, self-signed, signed by an untrusted CA, weak keys)
# and Diffie-Hellman parameters. Keys are EC P-256 (fast) unless the name
# says otherwise, and never committed. Idempotent and safe to run
# concurrently: the set is built in a private folder and renamed into
# place; a complete set is marked by OUTDIR/.complete, which holds the
# version of the set (an older set is made again).
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
#   intermediate  an intermediate CA (CN=missive test intermediate), signed by ca
#   viaint      leaf for localhost (as localhost's names) signed by intermediate:
#               served alone, its issuer is missing from the chain
#   viaint-chain.pem      viaint followed by intermediate (what a server
#               should send)
# Every leaf below is signed by ca and has CN=localhost, so that a client
# that falls back to the subject's CN would take it for localhost:
#   dnsip       DNS:127.0.0.1, DNS:::1 only (addresses written as DNS names)
#   iponly      IP:127.0.0.1, IP:::1 only
#   cnonly      no subjectAltName at all
#   othertypes  URI:smtp://localhost, email:postmaster@localhost,
#               DNS:other.example (localhost only in names of other kinds)
#   wildcard    DNS:*.example.test
#   wildstar    DNS:*
#   wildtld     DNS:*.test (a wildcard over a public-suffix-like name)
#   wildpart    DNS:m*.example.test (not a whole label)
#   rsa2048     RSA 2048-bit key, DNS:localhost, IP:127.0.0.1, IP:::1
#   rsa1024     RSA 1024-bit key, the same names (too weak)
#   p384        EC P-384 key, the same names
#   p521        EC P-521 key, the same names (a field that is not whole bytes)
#   p224        EC P-224 key, the same names (too weak; TLS 1.2 only)
# dh2048.pem, dh1024.pem: finite-field DH parameters (RFC 7919 ffdhe2048;
# a 1024-bit group, too weak)
set -eu

PKI_VERSION=5
out=${1:?usage: pki.sh OUTDIR}
[ -f "$out/.complete" ] && [ "$(cat "$out/.complete")" = "$PKI_VERSION" ] && exit 0

command -v openssl >/dev/null 2>&1 || {
	echo "pki.sh: openssl not found (apt-get install openssl)" >&2
	exit 1
}

parent=$(dirname "$out")
mkdir -p "$parent"
tmp=$(mktemp -d "$parent/.pki.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

subj_base="/O=missive test bed"

newkey() {	# NAME [ALGORITHM OPTION]
	openssl genpkey -algorithm "${2:-EC}" \
	    -pkeyopt "${3:-ec_paramgen_curve:P-256}" -out "$tmp/$1.key" 2>/dev/null
	chmod 600 "$tmp/$1.key"
}

# Extension sections shared by every certificate.
cat >"$tmp/ext.cnf" <<'EOF'
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[inter_ext]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

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

[leaf_dnsip]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:127.0.0.1, DNS:::1

[leaf_iponly]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, IP:::1

[leaf_cnonly]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth

[leaf_othertypes]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = URI:smtp://localhost, email:postmaster@localhost, DNS:other.example

[leaf_wildcard]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:*.example.test

[leaf_wildstar]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:*

[leaf_wildtld]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:*.test

[leaf_wildpart]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:m*.example.test

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

mkleaf() {	# NAME CN CA EXT [ALGORITHM OPTION]
	newkey "$1" "${5:-EC}" "${6:-ec_paramgen_curve:P-256}"
	openssl req -new -key "$tmp/$1.key" -subj "$subj_base/CN=$2" \
	    -out "$tmp/$1.csr" 2>/dev/null
	openssl x509 -req -in "$tmp/$1.csr" -CA "$tmp/$3.pem" \
	    -CAkey "$tmp/$3.key" -CAcreateserial -days 3650 -sha256 \
	    -extfile "$tmp/ext.cnf" -extensions "$4" -out "$tmp/$1.pem" 2>/dev/null
	rm -f "$tmp/$1.csr"
}

mkca ca "missive test CA"
mkca ca2 "missive untrusted CA"
mkleaf intermediate "missive test intermediate" ca inter_ext
mkleaf viaint localhost intermediate leaf_localhost
mkleaf localhost localhost ca leaf_localhost
mkleaf otherhost other.example ca leaf_other
mkleaf untrusted localhost ca2 leaf_localhost
for kind in dnsip iponly cnonly othertypes wildcard wildstar wildtld wildpart; do
	mkleaf $kind localhost ca leaf_$kind
done
mkleaf rsa2048 localhost ca leaf_localhost RSA rsa_keygen_bits:2048
mkleaf rsa1024 localhost ca leaf_localhost RSA rsa_keygen_bits:1024
mkleaf p384 localhost ca leaf_localhost EC ec_paramgen_curve:P-384
mkleaf p521 localhost ca leaf_localhost EC ec_paramgen_curve:P-521
mkleaf p224 localhost ca leaf_localhost EC ec_paramgen_curve:P-224
openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 \
    -out "$tmp/dh2048.pem" 2>/dev/null
# Quick to make: DSA-style parameters (a prime with a 160-bit subgroup).
openssl dhparam -dsaparam -out "$tmp/dh1024.pem" 1024 2>/dev/null

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
cat "$tmp/viaint.pem" "$tmp/intermediate.pem" >"$tmp/viaint-chain.pem"
rm -f "$tmp"/*.srl "$tmp/ext.cnf"

# Sanity: the good leaf verifies, the expired one does not.
openssl verify -CAfile "$tmp/ca.pem" "$tmp/localhost.pem" >/dev/null
openssl verify -CAfile "$tmp/ca.pem" -untrusted "$tmp/intermediate.pem" \
    "$tmp/viaint.pem" >/dev/null
if openssl verify -CAfile "$tmp/ca.pem" "$tmp/expired.pem" >/dev/null 2>&1; then
	echo "pki.sh: expired certificate unexpectedly valid" >&2
	exit 1
fi

echo "$PKI_VERSION" >"$tmp/.complete"
chmod 755 "$tmp"
# rename(2) is atomic; when another run won the race, keep its set.
if mv -T "$tmp" "$out" 2>/dev/null; then
	trap - EXIT INT TERM
	exit 0
fi
if [ -f "$out/.complete" ] && [ "$(cat "$out/.complete")" = "$PKI_VERSION" ]; then
	exit 0
fi
# OUTDIR exists but holds no complete set of this version (created empty
# by a caller that put other files in it, or made by an older pki.sh):
# copy ours in.
mkdir -p "$out"
cp "$tmp"/*.pem "$tmp"/*.key "$out"/
echo "$PKI_VERSION" >"$out/.complete"
exit 0
