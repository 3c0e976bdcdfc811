package terraform

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// The schemas of the resources ruleport emits, in the shape of
// `terraform providers schema -json` (block, attributes, block_types,
// nesting_mode, min_items, max_items, attribute types as cty type JSON)
// plus "enum", the values a string attribute (or each element of a
// collection of strings) accepts. terraform validate needs the provider
// plugins, which cannot be downloaded here; these files are written from
// the providers' sources and docs (each names its sources) and checked by
// CheckSchema instead. Backends add a file per provider.
//
//go:embed schemas/*.json
var schemaFiles embed.FS

// Schema is one resource type's schema.
type Schema struct {
	Block BlockSchema `json:"block"`
}

// BlockSchema is the body of a resource or nested block.
type BlockSchema struct {
	Attributes map[string]*AttrSchema      `json:"attributes"`
	BlockTypes map[string]*NestedBlockType `json:"block_types"`
}

// AttrSchema is one argument.
type AttrSchema struct {
	Type     json.RawMessage `json:"type"`
	Required bool            `json:"required"`
	Optional bool            `json:"optional"`
	Computed bool            `json:"computed"`
	Enum     []string        `json:"enum"`

	ty cty.Type
}

// NestedBlockType is a nested block's schema and how many may appear.
type NestedBlockType struct {
	NestingMode string      `json:"nesting_mode"`
	Block       BlockSchema `json:"block"`
	MinItems    int         `json:"min_items"`
	MaxItems    int         `json:"max_items"` // 0: no limit
}

type schemaFile struct {
	Resources map[string]*Schema `json:"resource_schemas"`
}

// schemas holds every embedded resource schema by type.
var schemas = mustLoadSchemas()

// mustLoadSchemas loads the embedded schemas; a file that does not load is
// a mistake in the binary itself, which any test of the package shows.
func mustLoadSchemas() map[string]*Schema {
	out, err := loadSchemas(schemaFiles)
	if err != nil {
		panic(err)
	}
	return out
}

// loadSchemas reads every schemas/*.json of fsys. A resource type that two
// files define is an error: with one map per type, the later file would
// otherwise replace the earlier one's schema without a word, and the
// target whose file lost would be checked against another's idea of it.
func loadSchemas(fsys fs.FS) (map[string]*Schema, error) {
	out := map[string]*Schema{}
	from := map[string]string{} // resource type -> file defining it
	names, err := fs.ReadDir(fsys, "schemas")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		p := path.Join("schemas", n.Name())
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		var f schemaFile
		if err := json.Unmarshal(data, &f); err != nil {
			return nil, fmt.Errorf("%s: %v", p, err)
		}
		for _, typ := range sortedKeys(f.Resources) {
			if prev, ok := from[typ]; ok {
				return nil, fmt.Errorf("%s: resource type %s is already defined in %s", p, typ, prev)
			}
			s := f.Resources[typ]
			if err := s.Block.resolve(); err != nil {
				return nil, fmt.Errorf("%s: %s: %v", p, typ, err)
			}
			out[typ], from[typ] = s, p
		}
	}
	return out, nil
}

func (b *BlockSchema) resolve() error {
	for name, a := range b.Attributes {
		t, err := ctyjson.UnmarshalType(a.Type)
		if err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
		a.ty = t
	}
	for name, nb := range b.BlockTypes {
		if err := nb.Block.resolve(); err != nil {
			return fmt.Errorf("%s.%w", name, err)
		}
	}
	return nil
}

// ResourceSchema returns the embedded schema of a resource type.
func ResourceSchema(typ string) (*Schema, bool) {
	s, ok := schemas[typ]
	return s, ok
}

// Finding is a place where a file disagrees with a schema. Path is the
// argument's path inside its resource, blocks indexed by their position
// among blocks of the same type: "entity_mapping[1].field_mapping[0].identifier".
type Finding struct {
	Resource string // "type.name"
	Path     string
	Range    hcl.Range
	Msg      string
}

// String formats a finding as "file:range: resource: path: message".
func (f Finding) String() string {
	return fmt.Sprintf("%s: %s: %s: %s", f.Range, f.Resource, f.Path, f.Msg)
}

// resourceMeta are Terraform's meta-arguments, valid in any resource.
var resourceMeta = []string{"count", "for_each", "depends_on", "provider", "lifecycle"}

// CheckSchema checks every resource block of a file against the embedded
// schemas: required arguments present, no unknown arguments or blocks,
// values of the right type, enum values allowed, and nested block counts
// within min_items and max_items. References to variables and to other
// resources' attributes are unknown values of any type (as they are to
// terraform validate) and pass the type and enum checks; whether they
// hold the right values is Verify's to check.
func CheckSchema(name string, src []byte) ([]Finding, error) {
	body, err := Parse(name, src)
	if err != nil {
		return nil, err
	}
	ctx := EvalContext(body, nil)
	vars := ctx.Variables["var"].AsValueMap()
	for k := range vars {
		vars[k] = cty.DynamicVal // any value of any type
	}
	ctx.Variables["var"] = objectVal(vars)
	for typ := range schemas {
		ctx.Variables[typ] = cty.DynamicVal // another resource's attributes
	}
	var out []Finding
	for _, b := range body.Blocks {
		if b.Type != "resource" || len(b.Labels) != 2 {
			continue
		}
		res := b.Labels[0] + "." + b.Labels[1]
		s, ok := schemas[b.Labels[0]]
		if !ok {
			out = append(out, Finding{res, "", b.TypeRange, fmt.Sprintf("no schema for resource type %s", b.Labels[0])})
			continue
		}
		c := &checker{ctx: ctx, res: res}
		c.body(b.Body, &s.Block, "", true)
		out = append(out, c.out...)
	}
	return out, nil
}

type checker struct {
	ctx *hcl.EvalContext
	res string
	out []Finding
}

func (c *checker) add(p string, r hcl.Range, format string, args ...any) {
	c.out = append(c.out, Finding{c.res, p, r, fmt.Sprintf(format, args...)})
}

func join(p, name string) string {
	if p == "" {
		return name
	}
	return p + "." + name
}

func (c *checker) body(body *hclsyntax.Body, s *BlockSchema, p string, top bool) {
	for _, name := range sortedKeys(body.Attributes) {
		a := body.Attributes[name]
		as, ok := s.Attributes[name]
		switch {
		case ok:
			c.attr(a, as, join(p, name))
		case top && slices.Contains(resourceMeta, name):
		case s.BlockTypes[name] != nil:
			c.add(join(p, name), a.NameRange, "%s is a block, not an argument: write %s { ... }", name, name)
		default:
			c.add(join(p, name), a.NameRange, "unknown argument %q", name)
		}
	}
	for _, name := range sortedKeys(s.Attributes) {
		if _, ok := body.Attributes[name]; s.Attributes[name].Required && !ok {
			c.add(join(p, name), body.SrcRange, "missing required argument %q", name)
		}
	}
	count := map[string]int{}
	for _, b := range body.Blocks {
		nb, ok := s.BlockTypes[b.Type]
		bp := fmt.Sprintf("%s[%d]", join(p, b.Type), count[b.Type])
		count[b.Type]++
		switch {
		case ok:
			c.body(b.Body, &nb.Block, bp, false)
		case top && b.Type == "lifecycle":
		default:
			c.add(bp, b.TypeRange, "unknown block type %q", b.Type)
		}
	}
	for _, name := range sortedKeys(s.BlockTypes) {
		nb := s.BlockTypes[name]
		n := count[name]
		if n < nb.MinItems {
			c.add(join(p, name), body.SrcRange, "%d %s blocks; at least %d required", n, name, nb.MinItems)
		}
		if nb.MaxItems > 0 && n > nb.MaxItems {
			c.add(join(p, name), body.SrcRange, "%d %s blocks; at most %d allowed", n, name, nb.MaxItems)
		}
	}
}

func (c *checker) attr(a *hclsyntax.Attribute, s *AttrSchema, p string) {
	v, diags := a.Expr.Value(c.ctx)
	if diags.HasErrors() {
		c.add(p, a.Expr.Range(), "does not evaluate: %s", diags.Error())
		return
	}
	cv, err := convert.Convert(v, s.ty)
	if err != nil {
		c.add(p, a.Expr.Range(), "wrong type: want %s, found %s", s.ty.FriendlyName(), v.Type().FriendlyName())
		return
	}
	if len(s.Enum) == 0 || !cv.IsWhollyKnown() || cv.IsNull() {
		return
	}
	var vals []cty.Value
	switch {
	case cv.Type() == cty.String:
		vals = []cty.Value{cv}
	case cv.CanIterateElements():
		for it := cv.ElementIterator(); it.Next(); {
			_, e := it.Element()
			vals = append(vals, e)
		}
	}
	for _, e := range vals {
		if e.Type() == cty.String && !slices.Contains(s.Enum, e.AsString()) {
			c.add(p, a.Expr.Range(), "value %q is not one of %s", e.AsString(), strings.Join(s.Enum, ", "))
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
