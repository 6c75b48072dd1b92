package twilioapi

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
)

// formBinder fills a form body's generated type from the parsed form, as
// runtime.BindForm does, with the struct's fields read once, at start-up,
// rather than on every request (that was a twentieth of an update's CPU).
// It binds what the spec's form bodies hold: flat objects whose properties
// are strings or string enums, generated as pointers to them. A property
// of another shape fails newFormBinder, so that a spec change it does not
// cover stops the stub from starting, and every test with it.
type formBinder[T any] struct {
	fields []formField
}

type formField struct {
	name  string       // the form key: the property's name
	index int          // of the struct field
	elem  reflect.Type // what the field points to
}

func newFormBinder[T any]() (*formBinder[T], error) {
	t := reflect.TypeFor[T]()
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("form body %s is not a struct", t)
	}
	b := &formBinder[T]{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			return nil, fmt.Errorf("form body %s: field %s has no property name", t, f.Name)
		}
		if f.Type.Kind() != reflect.Pointer || f.Type.Elem().Kind() != reflect.String {
			return nil, fmt.Errorf("form body %s: property %s is a %s; only strings and string enums are bound", t, name, f.Type)
		}
		b.fields = append(b.fields, formField{name: name, index: i, elem: f.Type.Elem()})
	}
	return b, nil
}

// bind returns the body the form holds: a property sent, even empty, is
// set to its first value (the validation has refused repeated ones); one
// not sent stays nil.
func (b *formBinder[T]) bind(form url.Values) T {
	var out T
	v := reflect.ValueOf(&out).Elem()
	for _, f := range b.fields {
		values := form[f.name]
		if len(values) == 0 {
			continue
		}
		p := reflect.New(f.elem)
		p.Elem().SetString(values[0])
		v.Field(f.index).Set(p)
	}
	return out
}
