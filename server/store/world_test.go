package store_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/store"
)

// Clone shares no memory with the original, whatever fields World's types
// gain: the world is filled and mutated by reflection.
func TestWorldCloneSharesNothing(t *testing.T) {
	var original store.World
	testkit.FillAll(&original)
	// A reference copy that does not depend on Clone.
	data, err := json.Marshal(original)
	if err != nil {
		t.Fatal(err)
	}
	var want store.World
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}

	clone := original.Clone()
	if !reflect.DeepEqual(clone, original) {
		t.Fatal("the clone differs from the original")
	}
	testkit.Mutate(&clone)
	if reflect.DeepEqual(clone, original) {
		t.Fatal("Mutate changed nothing")
	}
	if !reflect.DeepEqual(original, want) {
		t.Fatal("changing the clone changed the original")
	}
}
