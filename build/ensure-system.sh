#!/usr/bin/env bash
# Makes sure the machine has what the tests and the demo use besides npm
# packages: Debian's Chromium (browser e2e), xmllint (ACTES XSD checks),
# pdfsig (PAdES checks), the sqlite3 CLI (benchmark baseline), openssl, Dovecot
# (a private IMAP server the ACTES mailbox tests start themselves), and a
# PostgreSQL answering on 127.0.0.1:5432 (hub tests run on both backends), and
# GDAL (ogrinfo, the cadastre import test's baseline).
# Idempotent and quiet when everything is already there.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v xmllint  >/dev/null 2>&1 || need+=(libxml2-utils)
command -v pdfsig   >/dev/null 2>&1 || need+=(poppler-utils)
command -v sqlite3  >/dev/null 2>&1 || need+=(sqlite3)
command -v openssl  >/dev/null 2>&1 || need+=(openssl)
# /usr/sbin is not on every PATH; the tests look there too.
{ command -v dovecot || [ -x /usr/sbin/dovecot ]; } >/dev/null 2>&1 || need+=(dovecot-imapd)
command -v pg_isready >/dev/null 2>&1 || need+=(postgresql)
# GDAL's EDIGEO driver: the independent baseline of the cadastre import test.
command -v ogrinfo  >/dev/null 2>&1 || need+=(gdal-bin)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-system: installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "ensure-system: missing ${need[*]}; install them (Debian: sudo apt-get install ${need[*]})" >&2
    exit 1
  fi
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "ensure-system: starting PostgreSQL"
  if [ "$(id -u)" = 0 ] && command -v pg_ctlcluster >/dev/null 2>&1; then
    ver=$(ls /etc/postgresql | sort -V | tail -n 1)
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
  fi
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  pg_isready -q -h 127.0.0.1 -p 5432 || { echo "ensure-system: PostgreSQL does not answer on 127.0.0.1:5432" >&2; exit 1; }
fi
