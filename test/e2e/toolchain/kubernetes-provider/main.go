// The pulumi-resource-kubernetes entry point, as the provider module's own
// cmd/pulumi-resource-kubernetes/main.go has it: that file embeds two JSON files which the module
// does not ship (they are generated at release time), so a plain `go install` cannot build it.
// toolchain.sh writes them here from the schema.json and terraform-mapping.json the module does ship.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var pulumiSchema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
