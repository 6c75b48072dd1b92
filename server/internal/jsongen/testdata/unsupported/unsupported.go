// Package unsupported has types jsongen refuses to write code for.
package unsupported

// StringOption asks for the ,string option.
type StringOption struct {
	N int `json:"n,string"`
}

// Embedded has an embedded struct.
type Embedded struct {
	Base
	N int `json:"n"`
}

// Base is embedded.
type Base struct{ ID string }

// Enum is not a struct.
type Enum string
