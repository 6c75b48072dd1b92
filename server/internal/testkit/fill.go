package testkit

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"time"
)

// TrickyStrings exercise every escaping rule of encoding/json.
var TrickyStrings = []string{
	"",
	"plain",
	`quote " backslash \ slash /`,
	"<script>alert('x')</script> & co",
	"\x00\x01\x07\b\t\n\v\f\r\x1b\x1f\x7f",
	"line\u2028para\u2029end",
	"Zoë, 日本語, emoji 🎉",
	"bad utf-8: \xff\xfe, cut: \xe2\x82",
	`{"topic":"a<b","n":1}`,
	"https://stub.test/v1/Users/a%2Fb/Conversations?PageSize=50&Page=1&PageToken=PTabc_-",
}

// Fill sets every field reachable from v, a non-nil pointer, to random
// values drawn from rng: strings from TrickyStrings, times in odd zones and
// with fractions of a second, nil or set pointers, nil, empty or short
// slices and maps. Interfaces get a string or nil.
func Fill(rng *rand.Rand, v any) {
	fill(rng, reflect.ValueOf(v).Elem(), 0)
}

var timeType = reflect.TypeFor[time.Time]()

func fill(rng *rand.Rand, v reflect.Value, depth int) {
	if v.Type() == timeType {
		zone := time.FixedZone("", (rng.IntN(48)-24)*30*60)
		t := time.Date(1970+rng.IntN(100), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), rng.IntN(24), rng.IntN(60), rng.IntN(60), rng.IntN(3)*123456789, zone)
		v.Set(reflect.ValueOf(t))
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if depth > 4 || rng.IntN(4) == 0 {
			v.SetZero()
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		fill(rng, v.Elem(), depth+1)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(rng, v.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		switch n := rng.IntN(4); {
		case n == 0 || depth > 4:
			v.SetZero()
		default:
			v.Set(reflect.MakeSlice(v.Type(), n-1, n-1))
			for i := range v.Len() {
				fill(rng, v.Index(i), depth+1)
			}
		}
	case reflect.Map:
		if rng.IntN(3) == 0 || depth > 4 {
			v.SetZero()
			return
		}
		v.Set(reflect.MakeMap(v.Type()))
		for range rng.IntN(3) {
			key, value := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fill(rng, key, depth+1)
			fill(rng, value, depth+1)
			v.SetMapIndex(key, value)
		}
	case reflect.Interface:
		if rng.IntN(2) == 0 {
			v.SetZero()
		} else {
			v.Set(reflect.ValueOf(TrickyStrings[rng.IntN(len(TrickyStrings))]))
		}
	case reflect.String:
		v.SetString(TrickyStrings[rng.IntN(len(TrickyStrings))])
	case reflect.Bool:
		v.SetBool(rng.IntN(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		values := []int64{0, 1, -1, 42, -1 << (v.Type().Bits() - 1), 1<<(v.Type().Bits()-1) - 1}
		v.SetInt(values[rng.IntN(len(values))])
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		values := []uint64{0, 1, 42, 1<<v.Type().Bits() - 1}
		v.SetUint(values[rng.IntN(len(values))])
	case reflect.Float32, reflect.Float64:
		values := []float64{0, 1, -0.5, 1e21, 1e-7, 3.14159}
		v.SetFloat(values[rng.IntN(len(values))])
	}
}

// FillAll sets every field reachable from v, a non-nil pointer: every
// pointer to a new value, every slice and map to two items, strings,
// numbers and times to values that differ from field to field. Unlike
// Fill it leaves nothing nil, so that a test walking the result meets every
// field a type has, including ones added after the test was written.
func FillAll(v any) {
	n := 0
	fillAll(reflect.ValueOf(v).Elem(), &n, 0)
}

func fillAll(v reflect.Value, n *int, depth int) {
	*n++
	if v.Type() == timeType {
		v.Set(reflect.ValueOf(Epoch.Add(time.Duration(*n) * time.Second)))
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fillAll(v.Elem(), n, depth+1)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillAll(v.Field(i), n, depth+1)
			}
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range v.Len() {
			fillAll(v.Index(i), n, depth+1)
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		for range 2 {
			key, value := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fillAll(key, n, depth+1)
			fillAll(value, n, depth+1)
			v.SetMapIndex(key, value)
		}
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d", *n))
	case reflect.Bool:
		v.SetBool(*n%2 == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(*n % 100))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(*n % 100))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(*n))
	}
}

// Mutate changes every value reachable from v, a non-nil pointer, in
// place: through every pointer, into every slice and map. Whatever shares
// memory with v sees the change.
func Mutate(v any) {
	mutate(reflect.ValueOf(v).Elem())
}

func mutate(v reflect.Value) {
	if v.Type() == timeType {
		v.Set(reflect.ValueOf(v.Interface().(time.Time).Add(time.Hour)))
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			mutate(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				mutate(v.Field(i))
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			mutate(v.Index(i))
		}
	case reflect.Map:
		for _, key := range v.MapKeys() {
			value := reflect.New(v.Type().Elem()).Elem()
			value.Set(v.MapIndex(key))
			mutate(value)
			v.SetMapIndex(key, value)
		}
	case reflect.String:
		v.SetString(v.String() + "'")
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(v.Int() + 1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(v.Uint() + 1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(v.Float() + 1)
	}
}
