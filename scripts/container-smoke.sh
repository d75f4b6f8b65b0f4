#!/usr/bin/env bash
# Builds the container image and runs it as Kubernetes' restricted profile would: read-only root
# filesystem, a tmpfs /tmp, no capabilities, no privilege escalation, the data folder as a volume.
# Passes once `pgtel serve` answers /livez and Docker reports the container healthy.
set -euo pipefail
cd "$(dirname "$0")/.."
image=pgtel-smoke:local
name="pgtel-smoke-$$"
volume="pgtel-smoke-data-$$"
cleanup() {
  docker rm -f "$name" >/dev/null 2>&1 || true
  docker volume rm "$volume" >/dev/null 2>&1 || true
}
trap cleanup EXIT

docker build --quiet --network host -t "$image" . >/dev/null
docker run --rm --read-only --cap-drop ALL --security-opt no-new-privileges "$image" --help | grep -q 'pgtel serve'
docker run -d --name "$name" --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges \
  --health-interval 2s -v "$volume:/data" "$image" >/dev/null
[ "$(docker inspect --format '{{.Config.User}}' "$name")" = "1000:1000" ]
for _ in $(seq 1 150); do
  status=$(docker inspect --format '{{.State.Health.Status}}' "$name")
  [ "$status" = healthy ] && break
  [ "$(docker inspect --format '{{.State.Running}}' "$name")" = true ] || { docker logs "$name"; exit 1; }
  sleep 2
done
[ "$status" = healthy ] || { docker logs "$name"; echo "container not healthy: $status"; exit 1; }
docker exec "$name" node -e "fetch('http://127.0.0.1:4318/readyz').then(r => process.exit(r.ok ? 0 : 1))"
echo "container image: built, runs read-only as uid 1000, healthy on /livez"
