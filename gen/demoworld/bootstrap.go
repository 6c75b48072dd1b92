//go:build demogen

package demoworld

import "github.com/twilio-stubs/userconversations/server/store"

// World stands in for the generated one while demogen writes it: the
// generator parses demo.yaml and never calls it.
func World() store.World {
	panic("demoworld: built with the demogen tag, which leaves out the generated world")
}
