// Package templates holds ruleport's text/template scaffolding (the
// Terraform terraform block and variables today, reports later), embedded
// in the binary so generated files never depend on the working directory.
package templates

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"text/template"
)

//go:embed *.tmpl
var files embed.FS

// set parses every template once; a template that does not parse is a
// build-time mistake, caught by the package's tests.
var set = template.Must(template.New("").Funcs(template.FuncMap{"hcl": HCLString}).ParseFS(files, "*.tmpl"))

// Render executes the template file name (such as "terraform.tf.tmpl")
// with data.
func Render(name string, data any) ([]byte, error) {
	var b bytes.Buffer
	if err := set.ExecuteTemplate(&b, name, data); err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// HCLString writes s as an HCL quoted string literal. HCL's escapes are
// \n \r \t \" \\ and \uNNNN; "${" and "%{" would start a template
// sequence, so they are doubled ("$${", "%%{"), per the HCL native syntax
// specification (hashicorp/hcl, hclsyntax/spec.md, "Template Literals").
func HCLString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			b.WriteString(`\\`)
		case c == '"':
			b.WriteString(`\"`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, `\u%04x`, c)
		case (c == '$' || c == '%') && i+1 < len(s) && s[i+1] == '{':
			b.WriteByte(c)
			b.WriteByte(c)
			b.WriteByte('{')
			i += 2
			continue
		default:
			b.WriteByte(c)
		}
		i++
	}
	b.WriteByte('"')
	return b.String()
}
