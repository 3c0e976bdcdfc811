package kql

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/rogpeppe/go-internal/txtar"
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

// golden reads testdata/name, a txtar archive whose files come in pairs
// "case.in" and "case.<suffix>", runs f on each input and compares with
// the expected file. With UPDATE_GOLDEN=1 it rewrites the expected files
// from f's output instead; read the diff before committing.
func golden(t *testing.T, name, suffix string, f func(t *testing.T, in string) string) {
	t.Helper()
	path := "testdata/" + name
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	update := os.Getenv("UPDATE_GOLDEN") == "1"
	var out []txtar.File
	cases := 0
	for i := 0; i < len(ar.Files); i++ {
		file := ar.Files[i]
		base, ok := strings.CutSuffix(file.Name, ".in")
		if !ok {
			t.Fatalf("%s: %s: expected a .in file, then its .%s", path, file.Name, suffix)
		}
		want := ""
		if i+1 < len(ar.Files) && ar.Files[i+1].Name == base+"."+suffix {
			want = string(ar.Files[i+1].Data)
			i++
		}
		in := strings.TrimSuffix(string(file.Data), "\n")
		var got string
		t.Run(base, func(t *testing.T) {
			got = f(t, in)
			if !update {
				if d := cmp.Diff(want, got); d != "" {
					t.Errorf("%s (-want +got):\n%s", base, d)
				}
			}
		})
		cases++
		out = append(out, file, txtar.File{Name: base + "." + suffix, Data: []byte(got)})
	}
	if cases == 0 {
		t.Fatalf("%s holds no cases", path)
	}
	if update {
		ar.Files = out
		if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
