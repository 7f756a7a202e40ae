#!/usr/bin/env bash
# A local Kubernetes control plane on loopback, from the binaries toolchain.sh built: etcd,
# kube-apiserver, kube-controller-manager, kube-scheduler and the kwok controller (which plays the
# kubelet of fake nodes), started by `kwokctl --runtime binary` on free ports with generated
# certificates. Two nodes: a CPU node and a GPU node with one nvidia.com/gpu and the labels and
# taint that llm-deploy's on-prem target expects of GPU nodes by default.
#
#   test/e2e/cluster.sh start DIR   start it; DIR/kubeconfig reaches it (context kwok-e2e)
#   test/e2e/cluster.sh stop DIR    stop every process it started, by PID; nothing stays listening
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NAME=e2e
# infra/config/onprem.ts: DEFAULT_GPU_NODE_LABELS and DEFAULT_GPU_TAINTS (the e2e test checks
# that the GPU node below still carries exactly these).
GPU_LABEL_KEY=nvidia.com/gpu.present GPU_LABEL_VALUE=true GPU_TAINT_KEY=nvidia.com/gpu

die() {
  echo "cluster: $*" >&2
  exit 1
}

[ $# -eq 2 ] || die "usage: $0 start|stop DIR"
command=$1
DIR=$(mkdir -p "$2" && cd "$2" && pwd)
export KWOK_WORKDIR=$DIR/kwok
CLUSTER=$KWOK_WORKDIR/clusters/$NAME
KUBECONFIG_FILE=$DIR/kubeconfig

# kwokctl writes one PID file per component (without a trailing newline).
pids() {
  local file
  for file in "$CLUSTER"/pids/*.pid; do
    [ -f "$file" ] && echo "$(<"$file")"
  done
  return 0
}

# Running, and not a zombie waiting for its (re)parent to reap it.
alive() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ $state != Z* ]]
}

# TERM, then KILL after 15 s; then check that no process is left and no port is still bound.
stop() {
  local pid left=()
  for pid in $(pids); do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 30); do
    left=()
    for pid in $(pids); do alive "$pid" && left+=("$pid"); done
    [ ${#left[@]} -eq 0 ] && break
    sleep 0.5
  done
  for pid in "${left[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  sleep 0.5
  for pid in $(pids); do
    alive "$pid" && die "process $pid ($(cat /proc/"$pid"/comm 2>/dev/null)) is still running"
  done
  local port
  for port in $(ports); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port still answers"; fi
  done
  rm -f "$CLUSTER"/pids/*.pid
  echo "cluster: stopped; no process left, no port bound"
}

# Every port the cluster's components were given (kwokctl records them in its config).
ports() {
  grep -hoE '(Port|port): [0-9]+' "$CLUSTER/kwok.yaml" 2>/dev/null | grep -oE '[0-9]+$' | grep -v '^0$' | sort -u || true
}

nodes_yaml() {
  local name=$1 extra_labels=$2 taints=$3 gpus=$4
  cat <<EOF
apiVersion: v1
kind: Node
metadata:
  name: $name
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/arch: amd64
    kubernetes.io/hostname: $name
    kubernetes.io/os: linux
    type: kwok$extra_labels
spec:
  taints: $taints
status:
  allocatable: { cpu: "16", memory: 64Gi, pods: "110"$gpus }
  capacity: { cpu: "16", memory: 64Gi, pods: "110"$gpus }
  nodeInfo: { architecture: amd64, operatingSystem: linux, kubeletVersion: fake, kubeProxyVersion: fake }
---
EOF
}

# Whatever part of the cluster a failed start left running is stopped again.
stop_if_failed() {
  local status=$?
  if [ $status -ne 0 ]; then
    echo "cluster: start failed; stopping what started" >&2
    stop >&2 || true
  fi
}

start() {
  local bin started pid
  bin=$("$HERE/toolchain.sh" --bin-dir)
  for b in etcd kube-apiserver kube-controller-manager kube-scheduler kwok kwokctl kubectl; do
    [ -x "$bin/$b" ] || die "$bin/$b is missing: run test/e2e/toolchain.sh first"
  done
  for pid in $(pids); do alive "$pid" && die "a cluster already runs in $DIR (stop it first)"; done
  rm -rf "$KWOK_WORKDIR"
  started=$(date +%s)
  # Loopback only: other people's services share this machine and its ports.
  cat >"$DIR/kwokctl.yaml" <<EOF
kind: KwokctlConfiguration
apiVersion: config.kwok.x-k8s.io/v1alpha1
options:
  bindAddress: 127.0.0.1
EOF
  trap stop_if_failed EXIT
  "$bin/kwokctl" --config "$DIR/kwokctl.yaml" create cluster --name "$NAME" --runtime binary \
    --etcd-binary "$bin/etcd" --kube-apiserver-binary "$bin/kube-apiserver" \
    --kube-controller-manager-binary "$bin/kube-controller-manager" \
    --kube-scheduler-binary "$bin/kube-scheduler" --kwok-controller-binary "$bin/kwok" \
    --kubeconfig "$KUBECONFIG_FILE" --wait 3m >"$DIR/kwokctl.log" 2>&1 ||
    die "kwokctl create cluster failed: $(tail -n3 "$DIR/kwokctl.log" | tr '\n' ' ') (log: $DIR/kwokctl.log)"
  {
    nodes_yaml cpu-node "" "[]" ""
    nodes_yaml gpu-node $'\n'"    $GPU_LABEL_KEY: \"$GPU_LABEL_VALUE\"" \
      "[{ key: $GPU_TAINT_KEY, effect: NoSchedule }]" ', nvidia.com/gpu: "1"'
  } >"$DIR/nodes.yaml"
  local kubectl=("$bin/kubectl" --kubeconfig "$KUBECONFIG_FILE")
  "${kubectl[@]}" apply -f "$DIR/nodes.yaml" >/dev/null
  "${kubectl[@]}" wait --for=condition=Ready node/cpu-node node/gpu-node --timeout=120s >/dev/null
  # Pods need the default ServiceAccount that the controller manager creates.
  for _ in $(seq 60); do
    "${kubectl[@]}" -n default get serviceaccount default >/dev/null 2>&1 && break
    sleep 1
  done
  trap - EXIT
  local server
  server=$("${kubectl[@]}" get --raw /version | sed -n 's/.*"gitVersion": *"\([^"]*\)".*/\1/p')
  echo "cluster: ready in $(($(date +%s) - started)) s: Kubernetes $server at $(sed -n 's/^ *server: //p' "$KUBECONFIG_FILE" | head -n1), nodes cpu-node and gpu-node; KUBECONFIG=$KUBECONFIG_FILE"
}

case "$command" in
  start) start ;;
  stop) stop ;;
  *) die "usage: $0 start|stop DIR" ;;
esac
