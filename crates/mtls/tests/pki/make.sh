#!/bin/sh
# Regenerates the extra test PKI of the facade interop tests (tests/it/refusals.rs):
#   other-ca.pem/.key            a second, untrusted CA ("mtls other CA")
#   client-other-ca.pem/.key     a clientAuth certificate it issued ("test-client-other-ca")
# The trusted PKI lives in crates/mtls-testkit/vectors/pki (ca.pem, server-*, client-*).
# Needs OpenSSL 3. Run from anywhere: sh crates/mtls/tests/pki/make.sh
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout other-ca.key -out other-ca.pem -days 3650 -subj "/CN=mtls other CA" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign

openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout "$tmp/client.key" -out "$tmp/client.csr" -subj "/CN=test-client-other-ca"
printf "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n" > "$tmp/client.ext"
openssl x509 -req -in "$tmp/client.csr" -CA other-ca.pem -CAkey other-ca.key -CAcreateserial \
  -CAserial "$tmp/other-ca.srl" -out client-other-ca.pem -days 3650 -extfile "$tmp/client.ext"
# PKCS#8, like the keys of the main test PKI.
openssl pkcs8 -topk8 -nocrypt -in "$tmp/client.key" -out client-other-ca.key
