#!/usr/bin/env bash
# Builds the real Pulumi engine and a local Kubernetes control plane from the Go module proxy, at
# the versions pinned by the wrapper modules under test/e2e/toolchain/ (go.mod + go.sum each):
#   pulumi                      the CLI (version stamped, so the Automation API can parse it)
#   pulumi-resource-kubernetes  the provider, its go:embed schema generated here
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kwok + kwokctl (the kubelet
#                               of fake nodes) and etcd: one module (test/e2e/toolchain/kubernetes),
#                               so one set of dependency versions and shared compilation
#   ../crds/  the CustomResourceDefinitions of the add-on kinds the manifests use (KEDA ScaledObject,
#             prometheus-operator ServiceMonitor and PrometheusRule), from those projects' Go modules, so the API
#             server can validate those objects too
# into $LLM_DEPLOY_CACHE/toolchain/<versions>/bin (default ~/.cache/llm-deploy). The Go module and
# build caches it uses live in $LLM_DEPLOY_CACHE/toolchain/go-{mod,build}, so `rm -rf` of that one
# folder is a cold start. Idempotent: a binary whose inputs are unchanged is not rebuilt.
#
#   test/e2e/toolchain.sh            build what is missing, then print the bin folder
#   test/e2e/toolchain.sh --bin-dir  print the bin folder only (builds nothing)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WRAPPERS=$HERE/toolchain
CACHE=${LLM_DEPLOY_CACHE:-$HOME/.cache/llm-deploy}/toolchain
LOGS=$CACHE/logs

# The provider plugin version @pulumi/kubernetes asks the engine for (its package.json version).
# The proxy serves no provider build of that release, so the newest code it does serve is
# installed under this version; the e2e test prints both.
KUBERNETES_PLUGIN_VERSION=4.34.2
PULUMI_PKG=github.com/pulumi/pulumi/pkg/v3
PULUMI_SDK=github.com/pulumi/pulumi/sdk/v3
K8S_PROVIDER=github.com/pulumi/pulumi-kubernetes/provider/v4
# kubectl and kwok share most of their packages with the control plane (client-go, apimachinery at
# the same versions in one module), so they cost little in the same build.
KUBE_COMMANDS=(k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager
  k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
  sigs.k8s.io/kwok/cmd/kwok sigs.k8s.io/kwok/cmd/kwokctl)
# The add-on CRDs at the versions the pinned charts install (infra/components/cluster-addons/
# charts.ts: keda 2.17.0; kube-prometheus-stack 70.4.2 ships prometheus-operator v0.81.0).
CRD_MODULES=("github.com/kedacore/keda/v2@v2.17.0 config/crd/bases/keda.sh_scaledobjects.yaml"
  "github.com/prometheus-operator/prometheus-operator@v0.81.0 example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml"
  "github.com/prometheus-operator/prometheus-operator@v0.81.0 example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml")

die() {
  echo "toolchain: $*" >&2
  exit 1
}

seconds() { date +%s; }

# The version a wrapper's go.mod pins for a module (a require line, `module version`).
pinned() {
  local version
  version=$(awk -v m="$2" '$1 == m && $2 ~ /^v/ { print $2; exit }
    $1 == "require" && $2 == m { print $3; exit }' "$WRAPPERS/$1/go.mod")
  [ -n "$version" ] || die "test/e2e/toolchain/$1/go.mod pins no version of $2"
  echo "$version"
}

# The first line of a go command's output that names what could not be had, else its last line.
first_error() {
  grep -m1 -E '@v[0-9][^ ]*: |: (reading|verifying|invalid|unknown revision|not found|404|403|410)' "$1" ||
    grep -m1 -E '^(go: |#|.*\.go:[0-9]+)' "$1" || tail -n1 "$1"
}

# Runs `go` in a wrapper folder with its output in a log; on failure, one line says why.
run_go() {
  local component=$1 log=$LOGS/$1.log
  shift
  if ! (cd "$WRAPPERS/$component" && nice -n 10 go "$@") >>"$log" 2>&1; then
    die "$component: go $1 failed: $(first_error "$log") (full log: $log)"
  fi
}

# A binary is rebuilt when its wrapper module, its flags or this Go changed.
stamp_of() {
  {
    cat "$WRAPPERS/$1"/go.mod "$WRAPPERS/$1"/go.sum "$WRAPPERS/$1"/*.go 2>/dev/null || true
    echo "$GO_VERSION -trimpath $2"
  } | sha256sum | cut -c1-16
}

# build <component> <ldflags> <outputs...> -- <go build arguments...>
build() {
  local component=$1 ldflags=$2 stamp started fresh=1 output
  shift 2
  local outputs=()
  while [ "$1" != "--" ]; do
    outputs+=("$1")
    shift
  done
  shift
  stamp=$(stamp_of "$component" "$ldflags")
  for output in "${outputs[@]}"; do
    [ -x "$BIN/$output" ] && [ "$(cat "$BIN/.$output.stamp" 2>/dev/null)" = "$stamp" ] || fresh=0
  done
  if [ $fresh = 1 ]; then
    echo "toolchain: ${outputs[*]}: cached"
    return
  fi
  started=$(seconds)
  : >"$LOGS/$component.log"
  echo "toolchain: ${outputs[*]}: downloading modules..."
  run_go "$component" mod download
  if [ "$component" = kubernetes-provider ]; then generate_provider_embeds; fi
  echo "toolchain: ${outputs[*]}: building..."
  run_go "$component" build -trimpath -ldflags "-s -w $ldflags" "$@"
  for output in "${outputs[@]}"; do echo "$stamp" >"$BIN/.$output.stamp"; done
  echo "toolchain: ${outputs[*]}: built in $(($(seconds) - started)) s"
}

# The provider's main.go embeds two files its release process generates; write them from the
# schema.json and terraform-mapping.json the module ships, the schema stamped with the version
# the engine will load it as.
generate_provider_embeds() {
  local dir
  dir=$(cd "$WRAPPERS/kubernetes-provider" && go list -m -f '{{.Dir}}' "$K8S_PROVIDER")/cmd/pulumi-resource-kubernetes
  [ -f "$dir/schema.json" ] ||
    die "kubernetes-provider: $K8S_PROVIDER@$PROVIDER_CODE ships no cmd/pulumi-resource-kubernetes/schema.json"
  command -v node >/dev/null || die "kubernetes-provider: node is needed to write the embedded schema"
  # shellcheck disable=SC2016 # JavaScript template literals, not shell expansions
  node -e '
    const fs = require("fs");
    const [dir, out, version] = process.argv.slice(1);
    const schema = JSON.parse(fs.readFileSync(`${dir}/schema.json`, "utf8"));
    schema.version = version;
    fs.writeFileSync(`${out}/schema-embed.json`, JSON.stringify(schema));
    const mapping = JSON.parse(fs.readFileSync(`${dir}/terraform-mapping.json`, "utf8"));
    fs.writeFileSync(`${out}/terraform-mapping-embed.json`, JSON.stringify(mapping));
  ' "$dir" "$WRAPPERS/kubernetes-provider" "$KUBERNETES_PLUGIN_VERSION"
}

fetch_crds() {
  local entry module file dir started fetched=0
  started=$(seconds)
  mkdir -p "$CRDS"
  for entry in "${CRD_MODULES[@]}"; do
    read -r module file <<<"$entry"
    [ -f "$CRDS/$(basename "$file")" ] && continue
    fetched=1
    # Outside any module: downloads (and checks against the checksum database) this module only.
    (cd "$CACHE" && go mod download -json "$module") >"$LOGS/crds.log" 2>&1 || true
    dir=$(sed -n 's/^\t"Dir": "\(.*\)",$/\1/p' "$LOGS/crds.log")
    if [ -z "$dir" ] || [ ! -f "$dir/$file" ]; then
      die "crds: could not get $module: $(sed -n 's/^\t"Error": "\(.*\)",*$/\1/p' "$LOGS/crds.log" | head -n1)"
    fi
    cp "$dir/$file" "$CRDS/"
  done
  if [ $fetched = 0 ]; then echo "toolchain: crds: cached"; else echo "toolchain: crds: fetched in $(($(seconds) - started)) s"; fi
}

build_all() {
  local kube_minor=${KUBE_VERSION#v*.} kube_ldflags="" package
  build pulumi "-X $PULUMI_SDK/go/common/version.Version=$PULUMI_VERSION" pulumi -- \
    -tags osusergo,grpcnotrace -o "$BIN/pulumi" "$PULUMI_PKG/cmd/pulumi"

  for package in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    kube_ldflags+=" -X $package.gitVersion=$KUBE_VERSION -X $package.gitMajor=1"
    kube_ldflags+=" -X $package.gitMinor=${kube_minor%%.*} -X $package.gitTreeState=clean"
  done
  kube_ldflags+=" -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${KUBE_VERSION#v}"
  build kubernetes "$kube_ldflags" kube-apiserver kube-controller-manager kube-scheduler kubectl \
    kwok kwokctl -- -o "$BIN/" "${KUBE_COMMANDS[@]}"

  build kubernetes-provider "-X $K8S_PROVIDER/pkg/version.Version=$KUBERNETES_PLUGIN_VERSION" \
    pulumi-resource-kubernetes -- -o "$BIN/pulumi-resource-kubernetes" .

  # A second go build in the same module: only etcd's own packages are left to compile. (`-o dir/`
  # would name the binary after its import path, server.)
  build kubernetes "" etcd -- -o "$BIN/etcd" go.etcd.io/etcd/server/v3

  fetch_crds
}

main() {
  PULUMI_VERSION=$(pinned pulumi $PULUMI_PKG)
  PROVIDER_CODE=$(pinned kubernetes-provider $K8S_PROVIDER)
  KUBE_VERSION=$(pinned kubernetes k8s.io/kubernetes)
  local etcd_version kwok_version
  etcd_version=$(pinned kubernetes go.etcd.io/etcd/server/v3)
  kwok_version=$(pinned kubernetes sigs.k8s.io/kwok)
  KEY="pulumi-$PULUMI_VERSION.kubernetes-$KUBERNETES_PLUGIN_VERSION-${PROVIDER_CODE##*-}.kube-$KUBE_VERSION.etcd-$etcd_version.kwok-$kwok_version"
  BIN=$CACHE/$KEY/bin
  CRDS=$CACHE/$KEY/crds

  if [ "${1:-}" = "--bin-dir" ]; then
    echo "$BIN"
    return
  fi
  [ $# -eq 0 ] || die "usage: $0 [--bin-dir]"

  command -v go >/dev/null || die "go is not installed (Go 1.26 or newer, with the module proxy reachable)"
  GO_VERSION=$(go env GOVERSION)
  case "$GO_VERSION" in go1.2[6-9]* | go1.[3-9]*) ;; *) die "Go 1.26 or newer is needed, found $GO_VERSION" ;; esac
  export GOTOOLCHAIN=local CGO_ENABLED=0 GOMODCACHE=$CACHE/go-mod GOCACHE=$CACHE/go-build
  export GOFLAGS="-mod=readonly -modcacherw -buildvcs=false"
  mkdir -p "$BIN" "$LOGS"

  echo "toolchain: $KEY"
  local started
  started=$(seconds)
  build_all
  echo "toolchain: ready in $(($(seconds) - started)) s: $BIN"
}

main "$@"
