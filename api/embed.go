package api

import _ "embed" // the specs, byte for byte, for the stub to serve

// The specs as files, byte for byte: what the stub serves under
// /_stub/*.yaml. (The generated packages embed a re-serialized copy of each,
// for validation; that copy is not the file.)
var (
	//go:embed openapi.yaml
	OpenAPI []byte
	//go:embed admin.yaml
	Admin []byte
	//go:embed fixtures.yaml
	Fixtures []byte
)
