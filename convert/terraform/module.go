package terraform

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/rule"
)

// What every target's root module goes through, whatever it deploys: the
// blocks are rendered after the scaffold, the file is read back and must
// evaluate to exactly the blocks' values, and its resources must pass the
// embedded schemas. A file that fails any step is never returned.

// module is one target's root module before it is written.
type module struct {
	target   string // "sentinel-tf": names the target in diagnostics
	file     string // SentinelFile, AthenaFile, CloudWatchFile
	scaffold Scaffold
	blocks   []*Block
}

// emit renders m and checks it. A failed render or verification is
// ruleport's own mistake (an internal error at the rule); a schema finding
// is a value of the rule's that the provider would refuse, reported at the
// rule field it came from (Block.Source, Attr.Source; the rule's start
// where none is recorded).
func (m module) emit(r *rule.Rule) ([]convert.File, convert.Diagnostics) {
	src, err := Render(m.scaffold, m.blocks)
	if err != nil {
		return nil, convert.Diagnostics{internal(r, "rendering Terraform: %v", err)}
	}
	if err := Verify(m.file, src, m.blocks); err != nil {
		return nil, convert.Diagnostics{internal(r, "generated Terraform does not evaluate back to its values: %v", err)}
	}
	findings, err := CheckSchema(m.file, src)
	if err != nil {
		return nil, convert.Diagnostics{internal(r, "generated Terraform does not parse: %v", err)}
	}
	var diags convert.Diagnostics
	for _, f := range findings {
		b := m.resource(f.Resource)
		diags.Add(r.Errorf(sourceOf(b, f.Path), "%s: %s %s: %s", m.target, m.resourceName(b, f.Resource), f.Path, f.Msg))
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return []convert.File{{Name: m.file, Data: src}}, nil
}

// resource is the block of m that a finding's "type.name" is about, or nil.
func (m module) resource(typeName string) *Block {
	for _, b := range m.blocks {
		if b.Type == "resource" && strings.Join(b.Labels, ".") == typeName {
			return b
		}
	}
	return nil
}

// resourceName names a resource in a finding: by its type alone in a
// module of one block (the Sentinel rule, whose local name is only the
// rule's display name again), by type and name where there are several.
func (m module) resourceName(b *Block, typeName string) string {
	if len(m.blocks) == 1 && b != nil {
		return b.Labels[0]
	}
	return typeName
}

func internal(r *rule.Rule, format string, args ...any) *convert.Diagnostic {
	return convert.Errorf(r.File, r.Start(), "internal error: "+format, args...)
}

// unsupported is the diagnostic of a rule that target cannot deploy,
// at the rule field responsible (the rule's start when the field is
// absent).
func unsupported(r *rule.Rule, target, field, format string, args ...any) convert.Diagnostics {
	pos := r.FieldPos(field)
	if !pos.IsValid() {
		pos = r.Start()
	}
	return convert.Diagnostics{convert.Unsupportedf(r.File, pos, target+": "+format, args...)}
}

// sourceOf finds the rule field behind a schema finding's path
// ("entity_mapping[1].field_mapping[0].identifier") in b; "" when b is nil.
func sourceOf(b *Block, path string) string {
	if b == nil {
		return ""
	}
	source := b.Source
	for _, part := range strings.Split(path, ".") {
		name, idx := part, -1
		if i := strings.IndexByte(part, '['); i >= 0 {
			name = part[:i]
			fmt.Sscanf(part[i:], "[%d]", &idx)
		}
		if idx < 0 {
			for _, a := range b.Attrs {
				if a.Name == name {
					return a.Source
				}
			}
			return source
		}
		n := 0
		var next *Block
		for _, nb := range b.Blocks {
			if nb.Type == name {
				if n == idx {
					next = nb
				}
				n++
			}
		}
		if next == nil {
			return source
		}
		b, source = next, next.Source
	}
	return source
}

// LocalName turns a display name into a Terraform resource name:
// lower-case letters, digits and underscores, starting with a letter.
func LocalName(display string) string {
	var b strings.Builder
	under := false
	for _, c := range strings.ToLower(display) {
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		switch {
		case ok:
			b.WriteRune(c)
			under = false
		case !under && b.Len() > 0:
			b.WriteByte('_')
			under = true
		}
	}
	s := strings.TrimSuffix(b.String(), "_")
	if len(s) > 64 {
		s = strings.TrimSuffix(s[:64], "_")
	}
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		s = "rule_" + s
	}
	return strings.TrimSuffix(s, "_")
}

// clipText cuts s to at most max bytes, "..." included, without splitting
// a UTF-8 sequence.
func clipText(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max - 3
	for cut > 0 && s[cut]&0xc0 == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "..."
}

// clipRunes cuts s to at most max characters.
func clipRunes(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max])
}
