package recording

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/yaml"

	fixturesgen "github.com/twilio-stubs/userconversations/gen/fixtures"
)

// Encode writes doc as YAML when name ends in .yaml or .yml, and as
// indented JSON otherwise: either is a --fixtures file.
func Encode(name string, doc fixturesgen.Fixtures) ([]byte, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml":
		return yaml.Marshal(doc)
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	return append(data, '\n'), err
}

// WriteFile writes doc to name atomically: to a temporary file beside it,
// synced, then renamed over it. A reader (or a crash) sees the old file or
// the new one, never half of one.
func WriteFile(name string, doc fixturesgen.Fixtures) error {
	data, err := Encode(name, doc)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return fmt.Errorf("recording: %w", err)
	}
	written := false
	defer func() {
		if !written {
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("recording: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("recording: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("recording: %w", err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("recording: %w", err)
	}
	written = true
	return nil
}
