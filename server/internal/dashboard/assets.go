package dashboard

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
)

// files are the page's template and its assets, embedded: the dashboard
// works offline and ships inside the one binary.
//
//go:embed web/page.html web/assets
var files embed.FS

// asset is one file of web/assets, as served.
type asset struct {
	contentType string
	body        []byte
}

// contentTypes are the media types of the assets by extension; the spec
// (GetDashboardAsset) declares the same three, and the pattern of the
// names allows these extensions only.
var contentTypes = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".svg": "image/svg+xml",
}

// loadAssets reads web/assets into memory, by file name.
func loadAssets() (map[string]asset, error) {
	entries, err := fs.ReadDir(files, "web/assets")
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, errors.New("web/assets: no files embedded")
	}
	out := make(map[string]asset, len(entries))
	for _, e := range entries {
		name := e.Name()
		contentType, ok := contentTypes[path.Ext(name)]
		if !ok || e.IsDir() {
			return nil, fmt.Errorf("web/assets/%s: not a .js, .css or .svg file", name)
		}
		body, err := files.ReadFile("web/assets/" + name)
		if err != nil {
			return nil, err
		}
		out[name] = asset{contentType: contentType, body: body}
	}
	return out, nil
}
