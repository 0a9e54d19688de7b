#!/usr/bin/env bash
# Makes sure a Docker engine answers `docker info`, for the kind tier.
#
# - An engine that already answers is left alone (a laptop's Docker, GitHub's runners).
# - Otherwise, as root on Debian: install docker.io (+ iptables, jq), write the two settings these
#   sandboxed machines need into /etc/docker/daemon.json, and start dockerd in the background:
#     1. addresses: the bridge and every network Docker makes (kind's included) come from
#        10.213.0.0/24 and 10.214.0.0/16, the project's own test-host ranges;
#     2. a runtime wrapper (scripts/runc-capfit) that drops CAP_SYS_RESOURCE, which the machine's
#        capability bounding set lacks, from every container and exec (kind's nodes are privileged).
# - Exit 0 when an engine answers at the end; exit 3 with the reason otherwise, so callers can
#   skip the kind tier loudly instead of failing or passing.
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
log() { echo "[docker-engine] $*"; }
fail() { echo "[docker-engine] UNAVAILABLE: $*" >&2; exit 3; }

engine_answers() { docker info --format '{{.ServerVersion}}' >/dev/null 2>&1; }

# Containers on this engine may reach each other and the host, never anything beyond: forwarded
# traffic from a Docker bridge may only leave through another Docker bridge. Without this, a
# packet for an address no container has (a Service IP before kube-proxy has written its rules,
# say) follows the host's default route off the machine. DOCKER-USER is Docker's hook for such
# rules; the rules are added once and kept across engine restarts.
confine_egress() {
  local chain=FIELDGUIDE-NO-EGRESS
  iptables -n -L "$chain" >/dev/null 2>&1 || {
    iptables -N "$chain" &&
      iptables -A "$chain" -o docker0 -j RETURN &&
      iptables -A "$chain" -o br-+ -j RETURN &&
      iptables -A "$chain" -p tcp -j REJECT --reject-with tcp-reset &&
      iptables -A "$chain" -j REJECT --reject-with icmp-net-unreachable
  } || fail "could not create the iptables chain $chain"
  for bridge in docker0 br-+; do
    iptables -C DOCKER-USER -i "$bridge" -j "$chain" 2>/dev/null ||
      iptables -I DOCKER-USER -i "$bridge" -j "$chain" || fail "could not hook $chain into DOCKER-USER"
  done
}

if engine_answers; then
  # An engine this script set up earlier keeps its runtime wrapper current (it is read on every
  # container start, so no restart is needed); any other engine is not touched.
  if grep -qs fieldguide /etc/docker/daemon.json && ! cmp -s "$here/runc-capfit" /usr/local/lib/fieldguide/runc-capfit; then
    install -D -m 0755 "$here/runc-capfit" /usr/local/lib/fieldguide/runc-capfit && log "updated /usr/local/lib/fieldguide/runc-capfit"
  fi
  if grep -qs fieldguide /etc/docker/daemon.json; then confine_egress; fi
  log "engine already running: Docker $(docker info --format '{{.ServerVersion}}'), left as it is"
  exit 0
fi

[ "$(id -u)" = 0 ] || fail "no Docker engine answers and this script is not root, so it cannot install or start one"

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v iptables >/dev/null 2>&1 || need+=(iptables)
command -v jq >/dev/null 2>&1 || need+=(jq)
if [ "${#need[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || fail "no Docker engine and no apt-get to install ${need[*]}"
  log "apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null || fail "apt-get update failed"
  apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null || fail "apt-get install ${need[*]} failed"
fi

# The wrapper must be at a fixed path outside the clone: dockerd keeps using it after this
# clone is gone, and the next clone's engine config points at the same place.
install -D -m 0755 "$here/runc-capfit" /usr/local/lib/fieldguide/runc-capfit

mkdir -p /etc/docker
if [ -f /etc/docker/daemon.json ] && ! grep -q fieldguide /etc/docker/daemon.json; then
  fail "/etc/docker/daemon.json exists and was not written by this script; not overwriting it"
fi
cat > /etc/docker/daemon.json <<'JSON'
{
  "bip": "10.213.0.1/24",
  "default-address-pools": [{ "base": "10.214.0.0/16", "size": 24 }],
  "runtimes": { "capfit": { "path": "/usr/local/lib/fieldguide/runc-capfit" } },
  "default-runtime": "capfit",
  "labels": ["written-by=fieldguide scripts/docker-engine.sh"]
}
JSON

mkdir -p /var/log/fieldguide
log "starting dockerd (log: /var/log/fieldguide/dockerd.log)"
# A stale pid file from a killed engine stops the next one from starting.
if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then rm -f /var/run/docker.pid; fi
setsid dockerd >/var/log/fieldguide/dockerd.log 2>&1 </dev/null &

for _ in $(seq 1 60); do
  if engine_answers; then
    confine_egress
    log "engine up: Docker $(docker info --format '{{.ServerVersion}}'), cgroup v$(docker info --format '{{.CgroupVersion}}'), runtime $(docker info --format '{{.DefaultRuntime}}')"
    exit 0
  fi
  sleep 1
done
fail "dockerd did not answer within 60 s; last lines of its log: $(tail -n 5 /var/log/fieldguide/dockerd.log | tr '\n' ' ')"
