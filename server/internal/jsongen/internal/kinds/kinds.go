// Package kinds holds a type of every kind jsongen meets, for its tests:
// json.gen.go is jsongen's output for Everything, and kinds_test.go holds
// it to encoding/json's.
package kinds

import (
	"strings"
	"time"
)

//go:generate go run ../.. -pkg . -types Everything,OptionalFirst -o json.gen.go

// Level is a named string, as oapi-codegen makes enums.
type Level string

// Upper has a MarshalJSON with a pointer receiver.
type Upper string

// MarshalJSON writes the string in upper case.
func (u *Upper) MarshalJSON() ([]byte, error) {
	return []byte(`"` + strings.ToUpper(string(*u)) + `"`), nil
}

// Date has a MarshalText, as oapi-codegen's types.Date does.
type Date struct{ time.Time }

// MarshalText writes the date only.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.Format(time.DateOnly)), nil }

// Inner is reached through Everything.
type Inner struct {
	Name  string   `json:"name"`
	Tags  []string `json:"tags,omitempty"`
	Items []Inner  `json:"items"`
}

// Everything has a field of each kind.
type Everything struct {
	Bool      bool           `json:"bool"`
	Int       int            `json:"int"`
	Int8      int8           `json:"int8"`
	Int64     int64          `json:"int64"`
	Uint      uint           `json:"uint"`
	Uint16    uint16         `json:"uint16"`
	Float     float64        `json:"float"`
	String    string         `json:"string"`
	Escaped   string         `json:"a<b&c>"`
	Level     Level          `json:"level"`
	Time      time.Time      `json:"time"`
	TimePtr   *time.Time     `json:"time_ptr"`
	StringPtr *string        `json:"string_ptr"`
	IntPtr    *int           `json:"int_ptr"`
	PtrPtr    **string       `json:"ptr_ptr"`
	Inner     Inner          `json:"inner"`
	InnerPtr  *Inner         `json:"inner_ptr"`
	Inners    []Inner        `json:"inners"`
	InnerPtrs []*Inner       `json:"inner_ptrs"`
	Strings   []string       `json:"strings"`
	Bytes     []byte         `json:"bytes"`
	Map       map[string]int `json:"map"`
	Any       any            `json:"any"`
	Upper     Upper          `json:"upper"`
	UpperPtr  *Upper         `json:"upper_ptr"`
	Date      Date           `json:"date"`
	NoTag     string         // no tag: encoding/json names it NoTag
	Skipped   string         `json:"-"`
	//lint:ignore U1000 encoding/json skips unexported fields, and so must jsongen
	unexported  string
	OmitString  string            `json:"omit_string,omitempty"`
	OmitInt     int               `json:"omit_int,omitempty"`
	OmitBool    bool              `json:"omit_bool,omitempty"`
	OmitFloat   float64           `json:"omit_float,omitempty"`
	OmitPtr     *string           `json:"omit_ptr,omitempty"`
	OmitSlice   []int             `json:"omit_slice,omitempty"`
	OmitMap     map[string]string `json:"omit_map,omitempty"`
	OmitStruct  Inner             `json:"omit_struct,omitempty"`
	OmitTimePtr *time.Time        `json:"omit_time_ptr,omitempty"`
}

// OptionalFirst starts with optional fields: the commas between them are
// decided as the object is written.
type OptionalFirst struct {
	A *string `json:"a,omitempty"`
	B *int    `json:"b,omitempty"`
	C string  `json:"c"`
	D *string `json:"d,omitempty"`
}
