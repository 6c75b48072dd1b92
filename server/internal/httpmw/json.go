package httpmw

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

// jsonBuffers recycles encoding buffers; a list page is tens of KB. Bigger
// ones are left to the GC.
var jsonBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

const maxPooledJSON = 1 << 20

// WriteJSON answers status with the JSON that encode appends for v: the
// generated encoders of gen/conversationsserver, which write what
// encoding/json writes. Like echo's c.JSON, it ends the body with a
// newline and indents it by two spaces when the query has "pretty"; both
// forms come from the one encoding.
func WriteJSON[T any](c echo.Context, status int, v *T, encode func([]byte, *T) ([]byte, error)) error {
	bp := jsonBuffers.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= maxPooledJSON {
			jsonBuffers.Put(bp)
		}
	}()
	b, err := encode((*bp)[:0], v)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	*bp = b
	if pretty(c) {
		var indented bytes.Buffer
		if err := json.Indent(&indented, b, "", "  "); err != nil {
			return err
		}
		return c.Blob(status, echo.MIMEApplicationJSON, indented.Bytes())
	}
	return c.Blob(status, echo.MIMEApplicationJSON, b)
}

// pretty reports whether the query asks for an indented body. Parsing the
// query costs a map; most requests have none to parse.
func pretty(c echo.Context) bool {
	raw := c.Request().URL.RawQuery
	if !strings.Contains(raw, "pretty") && !strings.Contains(raw, "%") {
		return false
	}
	_, ok := c.QueryParams()["pretty"]
	return ok
}

// JSONSerializer is echo's JSON serializer as the stub configures it for
// whatever c.JSON writes (the admin API's answers): encoding/json writing
// '<', '>' and '&' as they are, as the Twilio API's generated encoders do.
type JSONSerializer struct{ echo.DefaultJSONSerializer }

// Serialize writes i as JSON, indented by indent when it is not "".
func (JSONSerializer) Serialize(c echo.Context, i any, indent string) error {
	enc := json.NewEncoder(c.Response())
	enc.SetEscapeHTML(false)
	if indent != "" {
		enc.SetIndent("", indent)
	}
	return enc.Encode(i)
}
