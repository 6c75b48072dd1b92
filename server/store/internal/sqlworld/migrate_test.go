package sqlworld_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/twilio-stubs/userconversations/server/store/internal/sqlworld"
)

func TestMigrations(t *testing.T) {
	file := func(sql string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(sql)} }
	tests := []struct {
		name    string
		files   fstest.MapFS
		want    []int  // versions
		wantErr string // "" means none
	}{
		{"in order", fstest.MapFS{"m/0002_more.sql": file("B"), "m/0001_initial.sql": file("A"), "m/README": file("")}, []int{1, 2}, ""},
		{"a gap", fstest.MapFS{"m/0001_initial.sql": file("A"), "m/0003_more.sql": file("C")}, nil, "0003_more.sql: want a name starting 0002_"},
		{"not starting at 1", fstest.MapFS{"m/0002_initial.sql": file("A")}, nil, "want a name starting 0001_"},
		{"no version", fstest.MapFS{"m/initial.sql": file("A")}, nil, "want a name starting 0001_"},
		{"none", fstest.MapFS{}, nil, "no migrations"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := sqlworld.Migrations(tt.files, "m")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Migrations: %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, m := range ms {
				got = append(got, m.Version)
			}
			if len(got) != len(tt.want) || got[0] != 1 || got[len(got)-1] != tt.want[len(tt.want)-1] || ms[0].SQL != "A" {
				t.Errorf("versions %v (first SQL %q), want %v", got, ms[0].SQL, tt.want)
			}
		})
	}
}
