// Package terraform writes Terraform for ruleport's targets: the Sentinel
// alert rule resources now, the Athena and CloudWatch resources of other
// backends through the same parts. An emitter describes what it wants as
// Blocks whose attributes carry the values they must evaluate to; the
// package renders them (strings that span lines as heredocs), prefixes the
// scaffolding from templates/ (terraform block, variables), formats the
// file as terraform fmt would, parses it back with hclsyntax and checks
// that every attribute evaluates to exactly its value (Verify), then
// checks the resources against an embedded provider schema (CheckSchema).
// Nothing here does I/O; terraform itself only runs in tests.
package terraform

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/ruleport/ruleport/templates"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// Block is one HCL block to generate: `Type "Labels"... { Attrs Blocks }`.
type Block struct {
	Type   string
	Labels []string
	Attrs  []Attr
	Blocks []*Block
	// Source is the rule field the block comes from ("entityMappings[0]"),
	// so schema findings can point into the rule file.
	Source string
}

// Attr is one attribute. Value is what the attribute must evaluate to.
// When Ref is set the attribute is written as that reference (var.name)
// and Value is what Verify's context makes the reference evaluate to
// (the string "var.name").
type Attr struct {
	Name   string
	Value  cty.Value
	Ref    hcl.Traversal
	Source string // rule field path, as Block.Source
}

// Add appends an attribute holding v.
func (b *Block) Add(name string, v cty.Value, source string) {
	b.Attrs = append(b.Attrs, Attr{Name: name, Value: v, Source: source})
}

// AddVar appends an attribute referring to input variable varName.
func (b *Block) AddVar(name, varName string) {
	b.Attrs = append(b.Attrs, Attr{
		Name:  name,
		Ref:   hcl.Traversal{hcl.TraverseRoot{Name: "var"}, hcl.TraverseAttr{Name: varName}},
		Value: cty.StringVal("var." + varName),
	})
}

// Nest appends and returns a nested block.
func (b *Block) Nest(typ, source string) *Block {
	n := &Block{Type: typ, Source: source}
	b.Blocks = append(b.Blocks, n)
	return n
}

// Provider is one entry of required_providers.
type Provider struct {
	Name, Source, Version string
}

// Variable is one input variable of the generated module.
type Variable struct {
	Name, Description, Type string
}

// Scaffold is the part of a generated root module that every target's
// Terraform shares, rendered from templates/terraform.tf.tmpl.
type Scaffold struct {
	Providers []Provider
	Variables []Variable
}

// Render returns the formatted file: the scaffold, then the blocks. It
// ends with a newline and uses "\n" line breaks only.
func Render(s Scaffold, blocks []*Block) ([]byte, error) {
	head, err := templates.Render("terraform.tf.tmpl", s)
	if err != nil {
		return nil, err
	}
	f := hclwrite.NewEmptyFile()
	for _, b := range blocks {
		f.Body().AppendNewline()
		writeBlock(f.Body(), b)
	}
	src := append(head, f.Bytes()...)
	// hclwrite.Format ignores syntax errors; Verify parses the result.
	return hclwrite.Format(src), nil
}

func writeBlock(parent *hclwrite.Body, b *Block) {
	out := parent.AppendNewBlock(b.Type, b.Labels).Body()
	for _, a := range b.Attrs {
		switch {
		case a.Ref != nil:
			out.SetAttributeTraversal(a.Name, a.Ref)
		case a.Value.Type() == cty.String && a.Value.IsKnown() && !a.Value.IsNull():
			out.SetAttributeRaw(a.Name, StringTokens(a.Name, a.Value.AsString()))
		default:
			out.SetAttributeValue(a.Name, a.Value)
		}
	}
	for _, n := range b.Blocks {
		writeBlock(out, n)
	}
}

// StringTokens returns tokens for s: a heredoc when s spans lines, so a
// query reads as written, else a quoted string. hclwrite has no heredoc
// support; a heredoc is three tokens: "<<MARKER\n", the body, "MARKER".
// In a heredoc only "${" and "%{" need escaping ("$${", "%%{"); there are
// no backslash escapes (TARGETS.md §1). A heredoc's value always ends in
// a newline, so text without a final newline is wrapped in chomp(), which
// removes it again. Text with carriage returns is quoted instead: the file
// is written with "\n" line breaks, and a CR inside a heredoc would not
// survive terraform fmt.
func StringTokens(hint, s string) hclwrite.Tokens {
	if !strings.Contains(s, "\n") || strings.Contains(s, "\r") {
		return hclwrite.TokensForValue(cty.StringVal(s))
	}
	marker := heredocMarker(hint, s)
	body := strings.NewReplacer("${", "$${", "%{", "%%{").Replace(s)
	chomp := !strings.HasSuffix(body, "\n")
	if chomp {
		body += "\n"
	}
	toks := hclwrite.Tokens{
		{Type: hclsyntax.TokenOHeredoc, Bytes: []byte("<<" + marker + "\n")},
		{Type: hclsyntax.TokenStringLit, Bytes: []byte(body)},
		{Type: hclsyntax.TokenCHeredoc, Bytes: []byte(marker)},
	}
	if !chomp {
		return toks
	}
	out := hclwrite.Tokens{
		{Type: hclsyntax.TokenIdent, Bytes: []byte("chomp")},
		{Type: hclsyntax.TokenOParen, Bytes: []byte("(")},
	}
	out = append(out, toks...)
	// The closing marker must end its line before the parenthesis.
	out = append(out, &hclwrite.Token{Type: hclsyntax.TokenNewline, Bytes: []byte("\n")},
		&hclwrite.Token{Type: hclsyntax.TokenCParen, Bytes: []byte(")")})
	return out
}

// heredocMarker picks an upper-case marker from hint that no line of s
// equals once trimmed, since such a line would end the heredoc early.
func heredocMarker(hint, s string) string {
	base := strings.ToUpper(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, hint))
	if base == "" || base[0] >= '0' && base[0] <= '9' {
		base = "EOT" + base
	}
	lines := map[string]bool{}
	for _, l := range strings.Split(s, "\n") {
		lines[strings.TrimSpace(l)] = true
	}
	m := base
	for i := 1; lines[m]; i++ {
		m = fmt.Sprintf("%s_%d", base, i)
	}
	return m
}

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
