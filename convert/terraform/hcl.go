// Package terraform writes Terraform for ruleport's targets: the Sentinel
// alert rule (sentinel.go), the scheduled Athena query (athena.go) and the
// CloudWatch Logs Insights query (cloudwatch.go), all through the same
// parts. An emitter describes what it wants as Blocks whose attributes
// carry the values they must evaluate to; the package renders them
// (strings that span lines as heredocs), prefixes the scaffolding from
// templates/ (terraform block, variables), formats the file as terraform
// fmt would, parses it back with hclsyntax and checks that every
// attribute evaluates to exactly its value (Verify), then checks the
// resources against the embedded provider schemas (CheckSchema). Nothing
// here does I/O; terraform itself only runs in tests.
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

// Attr is one attribute. Value is what the attribute must evaluate to in
// EvalContext. Expr, when set, is the HCL expression source written
// instead of Value's literal: a reference (var.x, or another resource's
// attribute), a template, a conditional, a jsonencode call; Value is then
// what it evaluates to there (var.x gives the string "var.x"). Meta marks
// a Terraform meta-argument (count, depends_on): it says how Terraform
// plans the resource, not what the resource holds, so Verify compares its
// expression text instead of a value.
type Attr struct {
	Name   string
	Value  cty.Value
	Expr   string
	Meta   bool
	Source string // rule field path, as Block.Source
}

// Add appends an attribute holding v.
func (b *Block) Add(name string, v cty.Value, source string) {
	b.Attrs = append(b.Attrs, Attr{Name: name, Value: v, Source: source})
}

// str appends a string attribute without a rule field behind it: the AWS
// targets record none, so their schema findings point at the rule's start.
func (b *Block) str(name, s string) {
	b.Add(name, cty.StringVal(s), "")
}

// AddVar appends an attribute referring to input variable varName.
func (b *Block) AddVar(name, varName string) {
	b.AddExpr(name, "var."+varName, cty.StringVal("var."+varName))
}

// AddExpr appends an attribute written as the HCL expression src, which
// must evaluate to v in EvalContext.
func (b *Block) AddExpr(name, src string, v cty.Value) {
	b.Attrs = append(b.Attrs, Attr{Name: name, Expr: src, Value: v})
}

// AddMeta appends the meta-argument name (count, depends_on) written as
// src.
func (b *Block) AddMeta(name, src string) {
	b.Attrs = append(b.Attrs, Attr{Name: name, Expr: src, Meta: true})
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

// Variable is one input variable of the generated module. Type is an HCL
// type expression (string, bool, list(string)); Default is HCL expression
// source ("\"primary\"", "false", "null"), "" for a variable without a
// default, which the user must then set.
type Variable struct {
	Name, Description, Type, Default string
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
		if err := writeBlock(f.Body(), b, blockName(b)); err != nil {
			return nil, err
		}
	}
	src := append(head, f.Bytes()...)
	// hclwrite.Format ignores syntax errors; Verify parses the result.
	return hclwrite.Format(src), nil
}

func writeBlock(parent *hclwrite.Body, b *Block, path string) error {
	out := parent.AppendNewBlock(b.Type, b.Labels).Body()
	for _, a := range b.Attrs {
		switch {
		case a.Expr != "":
			toks, err := exprTokens(a.Expr)
			if err != nil {
				return fmt.Errorf("%s.%s: %w", path, a.Name, err)
			}
			out.SetAttributeRaw(a.Name, toks)
		case a.Value.Type() == cty.String && a.Value.IsKnown() && !a.Value.IsNull():
			out.SetAttributeRaw(a.Name, StringTokens(a.Name, a.Value.AsString()))
		default:
			out.SetAttributeValue(a.Name, a.Value)
		}
	}
	for _, n := range b.Blocks {
		if err := writeBlock(out, n, path+"."+n.Type); err != nil {
			return err
		}
	}
	return nil
}

// exprTokens parses HCL expression source into tokens; hclwrite has no
// other way to write an expression that is not a value or a traversal.
func exprTokens(src string) (hclwrite.Tokens, error) {
	f, diags := hclwrite.ParseConfig([]byte("x = "+src+"\n"), "expr.tf", hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	return f.Body().GetAttribute("x").Expr().BuildTokens(nil), nil
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

// EvalContext is the context generated files are evaluated in: every
// declared var.<name> evaluates to the string "var.<name>" (so a
// reference can be compared like a value); refs holds the attributes of
// other resources that expressions refer to, keyed
// "<type>.<name>.<attribute>" (what Terraform would know after apply);
// chomp and jsonencode are Terraform's functions of those names, which
// StringTokens and the AWS targets use.
func EvalContext(body *hclsyntax.Body, refs map[string]cty.Value) *hcl.EvalContext {
	vars := map[string]cty.Value{}
	for _, b := range body.Blocks {
		if b.Type == "variable" && len(b.Labels) == 1 {
			vars[b.Labels[0]] = cty.StringVal("var." + b.Labels[0])
		}
	}
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": objectVal(vars)},
		Functions: map[string]function.Function{"chomp": stdlib.ChompFunc, "jsonencode": stdlib.JSONEncodeFunc},
	}
	byType := map[string]map[string]map[string]cty.Value{}
	for key, v := range refs {
		parts := strings.SplitN(key, ".", 3)
		if len(parts) != 3 {
			panic(fmt.Sprintf("terraform: reference %q is not <type>.<name>.<attribute>", key))
		}
		typ, name := parts[0], parts[1]
		if byType[typ] == nil {
			byType[typ] = map[string]map[string]cty.Value{}
		}
		if byType[typ][name] == nil {
			byType[typ][name] = map[string]cty.Value{}
		}
		byType[typ][name][parts[2]] = v
	}
	for typ, names := range byType {
		objs := map[string]cty.Value{}
		for name, attrs := range names {
			objs[name] = cty.ObjectVal(attrs)
		}
		ctx.Variables[typ] = cty.ObjectVal(objs)
	}
	return ctx
}

// objectVal is cty.ObjectVal, which wants cty.EmptyObjectVal for no
// attributes.
func objectVal(m map[string]cty.Value) cty.Value {
	if len(m) == 0 {
		return cty.EmptyObjectVal
	}
	return cty.ObjectVal(m)
}

// resourceRefs is what a reference to a top-level attribute of one of
// blocks' resources evaluates to: the value the attribute must have. So
// an attribute that repeats another's (the schedule's input reading the
// named query's text) is checked against that value, not against itself.
func resourceRefs(blocks []*Block) map[string]cty.Value {
	refs := map[string]cty.Value{}
	for _, b := range blocks {
		if b.Type != "resource" || len(b.Labels) != 2 {
			continue
		}
		for _, a := range b.Attrs {
			if !a.Meta {
				refs[b.Labels[0]+"."+b.Labels[1]+"."+a.Name] = a.Value
			}
		}
	}
	return refs
}

// Verify parses src and checks that it holds exactly blocks (after any
// scaffolding blocks): same types and labels, every attribute evaluating
// to its Value byte for byte (a meta-argument: the same expression text),
// no attribute or nested block more or less. A difference means ruleport
// wrote the file wrong; the error says where.
func Verify(name string, src []byte, blocks []*Block) error {
	body, err := Parse(name, src)
	if err != nil {
		return fmt.Errorf("generated file does not parse: %w", err)
	}
	ctx := EvalContext(body, resourceRefs(blocks))
	for _, want := range blocks {
		got := findBlock(body.Blocks, want)
		if got == nil {
			return fmt.Errorf("%s: block %s is missing", name, blockName(want))
		}
		if err := verifyBlock(ctx, src, got, want, blockName(want)); err != nil {
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

func verifyBlock(ctx *hcl.EvalContext, src []byte, got *hclsyntax.Block, want *Block, path string) error {
	if len(got.Body.Attributes) != len(want.Attrs) {
		return fmt.Errorf("%s: %d attributes, want %d", path, len(got.Body.Attributes), len(want.Attrs))
	}
	for _, a := range want.Attrs {
		ga, ok := got.Body.Attributes[a.Name]
		if !ok {
			return fmt.Errorf("%s.%s is missing", path, a.Name)
		}
		if err := verifyAttr(ctx, src, ga, a, path+"."+a.Name); err != nil {
			return err
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
		if err := verifyBlock(ctx, src, g, w, p); err != nil {
			return err
		}
	}
	return nil
}

// verifyAttr checks one attribute, at path in the file.
func verifyAttr(ctx *hcl.EvalContext, src []byte, got *hclsyntax.Attribute, want Attr, path string) error {
	if want.Meta {
		text := strings.TrimSpace(string(got.Expr.Range().SliceBytes(src)))
		if text != want.Expr {
			return fmt.Errorf("%s is %q, want %q", path, text, want.Expr)
		}
		return nil
	}
	v, diags := got.Expr.Value(ctx)
	if diags.HasErrors() {
		return fmt.Errorf("%s does not evaluate: %s", path, diags.Error())
	}
	if err := sameValue(v, want.Value); err != nil {
		return fmt.Errorf("%s: %w", path, err)
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
