#!/usr/bin/env bash
# Runs a deployment recipe's real arguments, as shipped in deploy/, against moto's S3 and STS, under the recipe's own
# restrictions where this machine allows: its own network namespace (unshare -n: 0.0.0.0 binds nothing outside, and
# its loopback device carries a pod-style address), a read-only root with only the state folder writable, and the
# recipe's unprivileged user. The baseline recipe runs while the watch recipe already waits for it; then /healthz and
# /metrics must answer 200 on the pod-style address (Kubernetes), localhost and 127.0.0.1, with a Host header that is
# not a loopback name. Prints what it did; exit code 1 on any failure. Called by scripts/check-deploy.sh.
# Usage (as root): scripts/check-recipes.sh kubernetes|systemd BINARY
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.." || exit 1
recipe=$1 binary=$(readlink -f "$2")
[ "$(id -u)" = 0 ] || { echo "needs root (unshare, mount, setpriv)"; exit 1; }
[ -x "$binary" ] || { echo "$binary is missing: build first"; exit 1; }

if [ -z "${FLOWSPIKE_RECIPE_WORK:-}" ]; then
  outer=$(mktemp -d -t flowspike-recipe.XXXXXX)
  rc=0
  FLOWSPIKE_RECIPE_WORK=$outer unshare --mount --net --propagation private "$0" "$@" || rc=$?
  rm -rf "$outer"
  exit "$rc"
fi

# --- Inside the namespaces: everything the check writes is on a tmpfs that ends with them. ---
work=$FLOWSPIKE_RECIPE_WORK
mount -t tmpfs -o mode=755 tmpfs "$work"
watch_pid=""; moto_pid=""
cleanup() {
  [ -n "$watch_pid" ] && kill "$watch_pid" 2>/dev/null
  [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null
  wait 2>/dev/null
}
trap cleanup EXIT
pod=10.244.0.7
ip link set lo up
# The pod's address, on this namespace's own loopback device (a dummy device needs a kernel module).
ip addr add "$pod/32" dev lo

# moto on loopback, inside this namespace only.
python3 -m moto.server -H 127.0.0.1 -p 5000 >"$work/moto.log" 2>&1 & moto_pid=$!
for _ in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:5000/ && break; sleep 0.1; done
export AWS_ENDPOINT_URL=http://127.0.0.1:5000 AWS_EC2_METADATA_DISABLED=true

# A month of flow logs up to now, in the recipe's own bucket and prefix.
mkdir -p "$work/bin"
cp "$binary" "$work/bin/flowspike"
cp "$(dirname "$binary")"/*.so "$work/bin/" 2>/dev/null || true
bin="$work/bin/flowspike"
"$bin" synth --out "$work/data" --start now-32d --days 32 --hosts 5 --spike-from-day 31 --log-json >/dev/null 2>&1
if [ "$recipe" = kubernetes ]; then manifest=deploy/kubernetes/watch.yaml; else manifest=deploy/systemd/flowspike.env; fi
input=$(grep -oE 's3://[^ ]+/AWSLogs/' "$manifest" | head -1)
bucket=${input#s3://}; bucket=${bucket%%/*}
AWS_ACCESS_KEY_ID=setup AWS_SECRET_ACCESS_KEY=setup AWS_DEFAULT_REGION=us-east-1 aws s3 mb "s3://$bucket" >/dev/null
AWS_ACCESS_KEY_ID=setup AWS_SECRET_ACCESS_KEY=setup AWS_DEFAULT_REGION=us-east-1 \
  aws s3 cp --recursive --quiet "$work/data/AWSLogs" "$input"
echo "moto: $(grep -c 'PUT /' "$work/moto.log") objects in $input"

# The recipe's folders, on a root made read-only; only state (and cache) writable, owned by the recipe's user.
if [ "$recipe" = kubernetes ]; then
  uid=$(python3 -c "import yaml,sys; d=[o for o in yaml.safe_load_all(open('$manifest')) if o and o['kind']=='Deployment'][0]; print(d['spec']['template']['spec']['securityContext']['runAsUser'])")
  state=/var/lib/flowspike etc=/etc/flowspike cache=/var/cache/flowspike
else
  uid=61234 # a DynamicUser-style uid
  state=/var/lib/flowspike etc=/etc/flowspike cache=/var/cache/flowspike
fi
for d in state etc cache; do mkdir -p "$work/$d"; done
chown "$uid:$uid" "$work/state" "$work/cache"
if [ "$recipe" = kubernetes ]; then
  python3 - "$manifest" "$work/etc/flowspike.json" <<'EOF'
import sys, yaml
cm = [o for o in yaml.safe_load_all(open(sys.argv[1])) if o and o["kind"] == "ConfigMap"][0]
open(sys.argv[2], "w").write(cm["data"]["flowspike.json"])
EOF
  # IRSA, as EKS injects it: a web identity token file and the ServiceAccount's role.
  role=$(grep -oE 'arn:aws:iam::[0-9]+:role/[A-Za-z0-9_-]+' "$manifest" | head -1)
  echo "eyJhbGciOiJSUzI1NiJ9.recipe.sig" > "$work/etc/token"
  creds=(AWS_WEB_IDENTITY_TOKEN_FILE="$etc/token" AWS_ROLE_ARN="$role" AWS_ROLE_SESSION_NAME=flowspike)
else
  echo '{}' > "$work/etc/flowspike.json"
  # role_arn with a source profile, as the README advises for Security Lake.
  printf '[profile base]\naws_access_key_id = AKIABASE\naws_secret_access_key = base\n[profile reader]\n%s\n%s\n' \
    'role_arn = arn:aws:iam::111122223333:role/flowspike-reader' 'source_profile = base' > "$work/etc/aws-config"
  creds=(AWS_CONFIG_FILE="$etc/aws-config" AWS_PROFILE=reader)
fi
for d in "$state" "$etc" "$cache"; do mkdir -p "$d"; done
mount --bind "$work/state" "$state"
mount --bind "$work/cache" "$cache"
mount --bind "$work/etc" "$etc"
mount -o remount,bind,ro "$etc"
mount -o remount,bind,ro /
touch /flowspike-rw-probe 2>/dev/null && { echo "the root is still writable"; exit 1; }

# The arguments exactly as the recipe gives them.
if [ "$recipe" = kubernetes ]; then
  args_of() { python3 - "$1" "$2" <<'EOF'
import sys, yaml
for o in yaml.safe_load_all(open(sys.argv[1])):
    if o and o["kind"] == sys.argv[2]:
        c = o["spec"]["template"]["spec"]["containers"][0]
        print("\n".join(c["args"]))
        print("\n".join(f"ENV {e['name']}={e['value']}" for e in c.get("env", [])))
EOF
  }
  mapfile -t watch_args < <(args_of deploy/kubernetes/watch.yaml Deployment)
  mapfile -t base_args < <(args_of deploy/kubernetes/baseline-job.yaml Job)
else
  args_of() {
    sed -n '/^ExecStart=/,/[^\\]$/p' "$1" | sed 's/^ExecStart=[^ ]* //; s/\\$//' | tr -s ' \n' '\n\n' \
      | sed "s#%S#/var/lib#g; s#%E#/etc#g; s#%C#/var/cache#g; s#\${FLOWSPIKE_INPUT}#$input#" | grep -v '^$'
    grep -E '^[A-Z_]+=' deploy/systemd/flowspike.env | sed 's/^/ENV /'
  }
  mapfile -t watch_args < <(args_of deploy/systemd/flowspike-watch.service)
  mapfile -t base_args < <(args_of deploy/systemd/flowspike-baseline.service)
fi
split() { # ARGS... -> global cmd (arguments) and envs (ENV lines)
  cmd=(); envs=()
  local a
  for a in "$@"; do case "$a" in "ENV "*) envs+=("${a#ENV }") ;; *) cmd+=("$a") ;; esac; done
}
as_user() { setpriv --reuid="$uid" --regid="$uid" --clear-groups --no-new-privs "$@"; }

split "${watch_args[@]}"
echo "watch: uid $uid, ${cmd[*]}"
# setpriv and env exec: the pid is watch's own, so SIGTERM reaches it and wait reports its exit code.
setpriv --reuid="$uid" --regid="$uid" --clear-groups --no-new-privs env "${envs[@]}" "${creds[@]}" "$bin" "${cmd[@]}" \
  >"$work/watch.out" 2>"$work/watch.err" & watch_pid=$!
port=$(printf '%s\n' "${cmd[@]}" | grep -A1 -x -- --listen | tail -1); port=${port##*:}
addresses=(localhost 127.0.0.1); [ "$recipe" = kubernetes ] && addresses=("$pod" localhost 127.0.0.1)
health() { curl -s -H "Host: flowspike.example:$port" "http://$1:$port/healthz" || true; }
for _ in $(seq 100); do health 127.0.0.1 | grep -q . && break; sleep 0.2; done
body=$(health 127.0.0.1)
case "$body" in
  "degraded: waiting for a baseline"*) echo "watch before its baseline: $body" ;;
  *) echo "watch before its baseline did not say it waits: '$body'"; cat "$work/watch.err"; exit 1 ;;
esac

split "${base_args[@]}"
echo "baseline: ${cmd[*]}"
if ! as_user env "${envs[@]}" "${creds[@]}" "$bin" "${cmd[@]}" 2>"$work/baseline.err"; then
  echo "the baseline recipe failed:"; cat "$work/baseline.err"; exit 1
fi
tail -1 "$work/baseline.err"

for _ in $(seq 150); do [ "$(health 127.0.0.1)" = ok ] && break; sleep 0.2; done
for a in "${addresses[@]}"; do
  for path in healthz metrics; do
    code=$(curl -s -o "$work/body" -w '%{http_code}' -H "Host: flowspike.example:$port" "http://$a:$port/$path" ||
      true)
    [ "$code" = 200 ] || { echo "$a:$port/$path answered $code"; cat "$work/watch.err"; exit 1; }
  done
  echo "$a:$port: /healthz $(health "$a"), /metrics $(grep -c '^flowspike_' "$work/body") series"
done
grep -q 'service_name="flowspike"' "$work/body" || { echo "/metrics does not name the service flowspike"; exit 1; }
kill -TERM "$watch_pid"
wait "$watch_pid" || { echo "watch did not stop cleanly on SIGTERM"; cat "$work/watch.err"; exit 1; }
watch_pid=""
echo "watch stopped on SIGTERM: exit 0"
