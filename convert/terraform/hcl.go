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
