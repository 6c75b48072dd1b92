package admin_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/twilio-stubs/userconversations/api"
	"github.com/twilio-stubs/userconversations/server/stubtest"
)

// The specs are served as the files in api/, byte for byte, and as JSON:
// the same documents. Without a token too: they are open, like the health
// check.
func TestSpecsAreServed(t *testing.T) {
	for _, admin := range []bool{true, false} {
		var stub *stubtest.Stub
		if admin {
			stub = newStub(t)
		} else {
			stub = stubtest.New(t)
		}
		for _, tt := range []struct {
			name string
			file []byte
		}{
			{"openapi", api.OpenAPI},
			{"admin", api.Admin},
			{"fixtures", api.Fixtures},
		} {
			got := send(t, http.MethodGet, stub.URL+"/_stub/"+tt.name+".yaml", nil, nil)
			if got.status != http.StatusOK || got.header.Get("Content-Type") != "application/yaml" {
				t.Fatalf("admin API on: %v: %s.yaml: %d %s", admin, tt.name, got.status, got.header.Get("Content-Type"))
			}
			if !bytes.Equal(got.body, tt.file) {
				t.Errorf("%s.yaml is not api/%s.yaml byte for byte", tt.name, tt.name)
			}
			got = send(t, http.MethodGet, stub.URL+"/_stub/"+tt.name+".json", nil, nil)
			if got.status != http.StatusOK || got.header.Get("Content-Type") != "application/json" {
				t.Fatalf("%s.json: %d %s", tt.name, got.status, got.header.Get("Content-Type"))
			}
			var fromJSON, fromYAML any
			if err := json.Unmarshal(got.body, &fromJSON); err != nil {
				t.Fatalf("%s.json: %v", tt.name, err)
			}
			if err := yaml.Unmarshal(tt.file, &fromYAML); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(fromJSON, fromYAML) {
				t.Errorf("%s.json is not the document of %s.yaml", tt.name, tt.name)
			}
		}
	}
}
