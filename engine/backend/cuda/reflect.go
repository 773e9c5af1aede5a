package cuda

import (
	"reflect"
	"unsafe"
)

// reflectFuncs maps each func field of the struct api points to, by field
// name, to a pointer to that field (for binding C symbols to them). The
// fields are unexported, so the pointers are made with NewAt rather than
// Addr().Interface(), which refuses unexported fields.
func reflectFuncs(api any) map[string]any {
	v := reflect.ValueOf(api).Elem()
	out := map[string]any{}
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if f.Kind() == reflect.Func {
			out[v.Type().Field(i).Name] = reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Interface()
		}
	}
	return out
}
