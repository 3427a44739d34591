#!/usr/bin/env bash
# Make sure the services that the test suite was asked to use are there.
# PostgreSQL: when ZHUANJIE_TEST_PG_URL is set and the server does not answer, try to start
# the local cluster (Debian's pg_ctlcluster). Under CI=true a server that stays down fails here.
set -u
if [ -n "${ZHUANJIE_TEST_PG_URL:-}" ]; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
      echo "starting PostgreSQL for the tests"
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
      for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    fi
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    if [ "${CI:-}" = "true" ]; then
      echo "PostgreSQL is not reachable on 127.0.0.1:5432 and CI=true" >&2; exit 1
    fi
    echo "warning: PostgreSQL is not reachable; its test variants will fail" >&2
  fi
fi
exit 0
