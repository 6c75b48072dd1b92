package api_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/twilio-stubs/userconversations/api"
)

// The embedded specs are the files, byte for byte.
func TestEmbeddedSpecsAreTheFiles(t *testing.T) {
	for file, embedded := range map[string][]byte{
		"openapi.yaml":  api.OpenAPI,
		"admin.yaml":    api.Admin,
		"fixtures.yaml": api.Fixtures,
	} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(data, embedded) {
			t.Errorf("the embedded %s differs from the file", file)
		}
	}
}
