package terraform

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// Parse parses a generated file with hclsyntax, which (unlike
// hclwrite.Format) rejects invalid syntax.
func Parse(name string, src []byte) (*hclsyntax.Body, error) {
	f, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	return f.Body.(*hclsyntax.Body), nil
}

// EvalContext is the context Verify evaluates attributes in: every
// var.<name> evaluates to the string "var.<name>" (so a reference can be
// compared like a value), and chomp() is Terraform's function of that
// name, which StringTokens uses.
func EvalContext(body *hclsyntax.Body) *hcl.EvalContext {
	vars := map[string]cty.Value{}
	for _, b := range body.Blocks {
		if b.Type == "variable" && len(b.Labels) == 1 {
			vars[b.Labels[0]] = cty.StringVal("var." + b.Labels[0])
		}
	}
	v := cty.EmptyObjectVal
	if len(vars) > 0 {
		v = cty.ObjectVal(vars)
	}
	return &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": v},
		Functions: map[string]function.Function{"chomp": stdlib.ChompFunc},
	}
}

// Verify parses src and checks that it holds exactly blocks (after any
// scaffolding blocks): same types and labels, every attribute evaluating
// to its Value byte for byte, no attribute or nested block more or less.
// A difference means ruleport wrote the file wrong; the error says where.
func Verify(name string, src []byte, blocks []*Block) error {
	body, err := Parse(name, src)
	if err != nil {
		return fmt.Errorf("generated file does not parse: %w", err)
	}
	ctx := EvalContext(body)
	for _, want := range blocks {
		got := findBlock(body.Blocks, want)
		if got == nil {
			return fmt.Errorf("%s: block %s is missing", name, blockName(want))
		}
		if err := verifyBlock(ctx, got, want, blockName(want)); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func findBlock(blocks hclsyntax.Blocks, want *Block) *hclsyntax.Block {
	for _, b := range blocks {
		if b.Type == want.Type && strings.Join(b.Labels, "\x00") == strings.Join(want.Labels, "\x00") {
			return b
		}
	}
	return nil
}

func blockName(b *Block) string {
	return strings.Join(append([]string{b.Type}, b.Labels...), ".")
}

func verifyBlock(ctx *hcl.EvalContext, got *hclsyntax.Block, want *Block, path string) error {
	if len(got.Body.Attributes) != len(want.Attrs) {
		return fmt.Errorf("%s: %d attributes, want %d", path, len(got.Body.Attributes), len(want.Attrs))
	}
	for _, a := range want.Attrs {
		ga, ok := got.Body.Attributes[a.Name]
		if !ok {
			return fmt.Errorf("%s.%s is missing", path, a.Name)
		}
		v, diags := ga.Expr.Value(ctx)
		if diags.HasErrors() {
			return fmt.Errorf("%s.%s does not evaluate: %s", path, a.Name, diags.Error())
		}
		if err := sameValue(v, a.Value); err != nil {
			return fmt.Errorf("%s.%s: %w", path, a.Name, err)
		}
	}
	if len(got.Body.Blocks) != len(want.Blocks) {
		return fmt.Errorf("%s: %d nested blocks, want %d", path, len(got.Body.Blocks), len(want.Blocks))
	}
	for i, w := range want.Blocks {
		g := got.Body.Blocks[i]
		p := fmt.Sprintf("%s.%s[%d]", path, w.Type, i)
		if g.Type != w.Type {
			return fmt.Errorf("%s: found block %s", p, g.Type)
		}
		if err := verifyBlock(ctx, g, w, p); err != nil {
			return err
		}
	}
	return nil
}

// sameValue compares what an attribute evaluated to with what it should
// be. A list literal evaluates to a tuple and an object literal to an
// object, so got is first converted to want's type.
func sameValue(got, want cty.Value) error {
	conv, err := convert.Convert(got, want.Type())
	if err != nil {
		return fmt.Errorf("evaluates to %s, want %s", got.Type().FriendlyName(), want.Type().FriendlyName())
	}
	if conv.RawEquals(want) {
		return nil
	}
	if want.Type() == cty.String && conv.IsKnown() && !conv.IsNull() {
		g, w := conv.AsString(), want.AsString()
		i := 0
		for i < len(g) && i < len(w) && g[i] == w[i] {
			i++
		}
		return fmt.Errorf("string differs at byte %d: got %q, want %q", i, clip(g, i), clip(w, i))
	}
	return fmt.Errorf("evaluates to %#v, want %#v", conv, want)
}

func clip(s string, at int) string {
	end := min(len(s), at+20)
	return s[at:end]
}
