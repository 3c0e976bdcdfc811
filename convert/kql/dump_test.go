package kql

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/ruleport/ruleport/internal/golden"
)

// dumpTree prints a tree for goldens: one node per line, indented, with
// every field but positions, so a golden shows the structure the parser
// built and nothing a reader has to count. Empty fields are left out.
func dumpTree(n any) string {
	var b strings.Builder
	dumpValue(&b, reflect.ValueOf(n), 0)
	return b.String()
}

var posType = reflect.TypeOf(Pos(0))

func dumpValue(b *strings.Builder, v reflect.Value, depth int) {
	indent := strings.Repeat("  ", depth)
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			b.WriteString(indent + "nil\n")
			return
		}
		dumpValue(b, v.Elem(), depth)
	case reflect.Struct:
		t := v.Type()
		var scalars []string
		type child struct {
			name string
			v    reflect.Value
		}
		var children []child
		for i := 0; i < t.NumField(); i++ {
			f, fv := t.Field(i), v.Field(i)
			_, stringer := fv.Interface().(fmt.Stringer)
			if f.Type == posType || fv.IsZero() && !stringer || f.Name == "Comments" {
				continue
			}
			switch fv.Kind() {
			case reflect.String, reflect.Bool, reflect.Int:
				scalars = append(scalars, fmt.Sprintf("%s=%q", f.Name, fmt.Sprint(fv.Interface())))
			default:
				children = append(children, child{f.Name, fv})
			}
		}
		b.WriteString(indent + t.Name())
		if len(scalars) > 0 {
			b.WriteString(" " + strings.Join(scalars, " "))
		}
		b.WriteByte('\n')
		for _, c := range children {
			if c.v.Kind() == reflect.Slice {
				b.WriteString(fmt.Sprintf("%s  %s:\n", indent, c.name))
				for j := 0; j < c.v.Len(); j++ {
					dumpValue(b, c.v.Index(j), depth+2)
				}
				continue
			}
			b.WriteString(fmt.Sprintf("%s  %s:\n", indent, c.name))
			dumpValue(b, c.v, depth+2)
		}
	default:
		b.WriteString(fmt.Sprintf("%s%v\n", indent, v.Interface()))
	}
}

// treeOpts compares trees without positions or comments.
var treeOpts = cmp.Options{cmpopts.IgnoreTypes(Pos(0)), cmpopts.IgnoreFields(Query{}, "Comments")}

// queryGolden runs f on each query of testdata/name, a golden archive
// of pairs "case.in" and "case.<suffix>" (internal/golden.Pairs), with
// the newline that ends the query's section taken off.
func queryGolden(t *testing.T, name, suffix string, f func(t *testing.T, in string) string) {
	t.Helper()
	golden.Pairs(t, "testdata/"+name, "in", suffix, func(t *testing.T, in txtar.File) string {
		return f(t, strings.TrimSuffix(string(in.Data), "\n"))
	})
}
