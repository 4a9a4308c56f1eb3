#!/usr/bin/env bash
# Fetches the Kafka broker jars pinned in tools/kafka-broker/pom.xml into the
# cache ${CRM_CACHE:-$HOME/.cache/crm-leads}/kafka-<version>/libs, once.
#
# Run it to fetch the jars: it prints the libs directory on standard output
# and its progress on standard error. Source it to get the functions only.

KAFKA_BROKER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../kafka-broker" && pwd)"
KAFKA_POM="${KAFKA_BROKER_DIR}/pom.xml"

# The broker version, read from the pom so that it is pinned in one place.
kafka_version() {
  sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "${KAFKA_POM}"
}

kafka_home() {
  echo "${CRM_CACHE:-${HOME}/.cache/crm-leads}/kafka-$(kafka_version)"
}

kafka_libs_dir() {
  echo "$(kafka_home)/libs"
}

# The marker holds the pom's checksum, so editing the pom fetches again.
kafka_pom_checksum() {
  sha256sum "${KAFKA_POM}" | cut -d' ' -f1
}

kafka_jars_complete() {
  local marker
  marker="$(kafka_home)/complete"
  [[ -f "${marker}" && "$(cat "${marker}")" == "$(kafka_pom_checksum)" ]]
}

# Copies the runtime jars into a scratch directory and moves it into place
# only when Maven succeeded, so an interrupted fetch leaves no half cache.
kafka_fetch_jars() {
  local home partial
  home="$(kafka_home)"
  partial="${home}/libs.partial"
  echo "Fetching Kafka $(kafka_version) jars into ${home}/libs" >&2
  rm -rf "${partial}"
  if ! mvn -B -q -f "${KAFKA_POM}" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="${partial}" \
    >"${home}/fetch.log" 2>&1; then
    cat "${home}/fetch.log" >&2
    echo "Fetching Kafka jars failed (log: ${home}/fetch.log)" >&2
    return 1
  fi
  rm -rf "${home}/libs"
  mv "${partial}" "${home}/libs"
  kafka_pom_checksum >"${home}/complete"
}

# Fetches the jars unless the cache is complete. A lock keeps two brokers
# starting at once from fetching into the same directory.
setup_kafka() {
  local home
  home="$(kafka_home)"
  mkdir -p "${home}"
  (
    flock 9
    if ! kafka_jars_complete; then
      kafka_fetch_jars
    fi
  ) 9>"${home}/lock"
  kafka_libs_dir
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  setup_kafka
fi
