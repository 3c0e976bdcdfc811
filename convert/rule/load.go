package rule

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"unicode/utf8"

	"github.com/ruleport/ruleport/convert"
	"gopkg.in/yaml.v3"
)

// MaxFileSize is the largest rule file Load reads, 4 MiB. Azure Resource
// Manager refuses templates over 4 MB ("Template limits",
// learn.microsoft.com/azure/azure-resource-manager/templates/best-practices),
// so no deployable ARM file is larger; a YAML rule is a few kilobytes (the
// largest of the 92 corpus rules is 7.5 KB, and the template CI caps the
// query at 10,000 characters and the description at 5,000). A bigger file
// is a wrong argument, and refusing it before parsing keeps memory bounded.
const MaxFileSize = 4 << 20

// Load reads the rules in one file: an Azure-Sentinel YAML rule, or an ARM
// template (a JSON object with "resources") holding one or more alertRules
// resources. It returns every rule it could read together with every
// problem it found, as go/parser does: structural problems (invalid YAML or
// JSON, wrong types, unknown or duplicate keys, missing keys inside nested
// objects) are errors, and the caller should not convert a file that has
// any. Rule-level checks (required fields, enums, limits) are Validate's.
func Load(file string, data []byte) ([]*Rule, convert.Diagnostics) {
	if d := checkInput(file, data); d != nil {
		return nil, convert.Diagnostics{d}
	}
	src := newSource(data)
	if looksLikeJSON(data) {
		if e := jsonSyntax(data); e != nil {
			return nil, convert.Diagnostics{e.diagnostic(file, src)}
		}
	}
	root, d := parseYAML(file, src, data)
	if d != nil {
		return nil, convert.Diagnostics{d}
	}
	dec := &decoder{file: file, src: src}
	if alias := findAlias(root); alias != nil {
		dec.errorf(alias, "YAML aliases (*%s) are not allowed in rule files: rules never need them, and expanding them can make a small file huge", alias.Value)
		return nil, dec.diags
	}
	if looksLikeJSON(data) {
		if !hasKeyFold(root, "resources") {
			dec.errorf(root, "JSON file is not an ARM template: it has no \"resources\" (a YAML rule must be written as YAML)")
			return nil, dec.diags
		}
		dec.arm = true
		rules := readARM(dec, root)
		dec.diags.Sort()
		return rules, dec.diags
	}
	r := readYAML(dec, root)
	dec.diags.Sort()
	return []*Rule{r}, dec.diags
}

// checkInput refuses what is not a rule file before any parser sees it:
// too big, empty, binary, or not UTF-8.
func checkInput(file string, data []byte) *convert.Diagnostic {
	switch {
	case len(data) > MaxFileSize:
		return convert.Errorf(file, convert.Pos{}, "file is %d bytes, more than the %d-byte limit for a rule file (ARM refuses templates over 4 MB)", len(data), MaxFileSize)
	case len(bytes.TrimSpace(data)) == 0:
		return convert.Errorf(file, convert.Pos{}, "empty file: no rule to read")
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		return convert.Errorf(file, convert.Pos{}, "file is UTF-16 text; rule files must be UTF-8")
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return convert.Errorf(file, offsetPos(data, i), "binary file (NUL byte): not a rule")
	}
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			i += size
		}
		return convert.Errorf(file, offsetPos(data, i), "invalid UTF-8 (byte 0x%02x): rule files must be UTF-8 text", data[i])
	}
	return nil
}

// offsetPos converts a byte offset to a line and byte column.
func offsetPos(data []byte, off int) convert.Pos {
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off - (bytes.LastIndexByte(data[:off], '\n') + 1) + 1
	return convert.Pos{Line: line, Col: col}
}

// looksLikeJSON reports whether the file starts like a JSON object.
func looksLikeJSON(data []byte) bool {
	t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	return len(t) > 0 && t[0] == '{'
}

// jsonSyntax reports a JSON syntax error, which encoding/json positions
// more precisely than the YAML parser would.
func jsonSyntax(data []byte) *jsonErr {
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	var v any
	err := dec.Decode(&v)
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return &jsonErr{off: int(se.Offset) - 1, msg: se.Error()} // Offset is just past the offending byte
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &jsonErr{off: len(data), msg: "unexpected end of file"}
	case err != nil:
		return &jsonErr{off: -1, msg: err.Error()}
	}
	if _, err := dec.Token(); err != io.EOF {
		return &jsonErr{off: int(dec.InputOffset()), msg: "text after the end of the JSON object"}
	}
	return nil
}

// jsonErr is a JSON syntax problem at byte offset off (-1: unknown).
type jsonErr struct {
	off int
	msg string
}

func (e *jsonErr) diagnostic(file string, src *source) *convert.Diagnostic {
	if e.off < 0 {
		return convert.Errorf(file, convert.Pos{}, "invalid JSON: %s", e.msg)
	}
	if bytes.HasPrefix(src.data, []byte("\xef\xbb\xbf")) {
		e.off += 3
	}
	return convert.Errorf(file, offsetPos(src.data, min(max(e.off, 0), len(src.data))), "invalid JSON: %s", e.msg)
}

// parseYAML parses the one YAML document of the file into a node tree.
// Decoding into yaml.Node never expands aliases, so an alias bomb costs
// the size of its text; findAlias then refuses it.
func parseYAML(file string, src *source, data []byte) (*yaml.Node, *convert.Diagnostic) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return nil, convert.Errorf(file, convert.Pos{}, "no rule in file: only comments or blank lines")
		}
		return nil, yamlError(file, src, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, convert.Errorf(file, src.nodePos(&extra), "a second YAML document: a rule file holds one rule")
	} else if err != io.EOF {
		return nil, yamlError(file, src, err)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return nil, convert.Errorf(file, src.nodePos(root), "a rule file must hold a mapping of fields, not %s", describe(root, false))
	}
	return root, nil
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError turns a yaml.v3 syntax error into a diagnostic. yaml.v3 reports
// only the line; the column is where the error is: for "mapping values
// are not allowed", the colon that starts the unexpected value (what
// libyaml marks), otherwise the line's first non-blank character.
func yamlError(file string, src *source, err error) *convert.Diagnostic {
	m := yamlLineRE.FindStringSubmatch(err.Error())
	if m == nil {
		msg := err.Error()
		if len(msg) > 6 && msg[:6] == "yaml: " {
			msg = msg[6:]
		}
		return convert.Errorf(file, convert.Pos{}, "invalid YAML: %s", msg)
	}
	line, _ := strconv.Atoi(m[1])
	l := src.line(line)
	col := len(l) - len(bytes.TrimLeft(l, " \t")) + 1
	if m[2] == "mapping values are not allowed in this context" {
		if c := valueColon(l); c > 0 {
			col = c
		}
	}
	return convert.Errorf(file, convert.Pos{Line: line, Col: col}, "invalid YAML: %s", m[2])
}

// valueColon returns the 1-based column of the first ':' on l that is
// followed by a space or the end of the line, outside quotes.
func valueColon(l []byte) int {
	var quote byte
	for i, c := range l {
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#' && (i == 0 || l[i-1] == ' '):
			return 0
		case c == ':' && (i+1 == len(l) || l[i+1] == ' ' || l[i+1] == '\t'):
			return i + 1
		}
	}
	return 0
}

// findAlias returns the first alias node in the tree, or nil.
func findAlias(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode {
		return n
	}
	for _, c := range n.Content {
		if a := findAlias(c); a != nil {
			return a
		}
	}
	return nil
}

func hasKeyFold(m *yaml.Node, key string) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if bytes.EqualFold([]byte(m.Content[i].Value), []byte(key)) {
			return true
		}
	}
	return false
}

// describe names what a node holds, for "must be a string, not ..."
// messages; arm selects JSON's words (object, array).
func describe(n *yaml.Node, arm bool) string {
	switch n.Kind {
	case yaml.MappingNode:
		if arm {
			return "an object"
		}
		return "a mapping"
	case yaml.SequenceNode:
		if arm {
			return "an array"
		}
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str":
			return fmt.Sprintf("a string (%q)", clipText(n.Value))
		case "!!int":
			return fmt.Sprintf("an integer (%s)", n.Value)
		case "!!float":
			return fmt.Sprintf("a number (%s)", n.Value)
		case "!!bool":
			return fmt.Sprintf("a boolean (%s)", n.Value)
		case "!!null":
			return "null"
		case "!!timestamp":
			return fmt.Sprintf("a date (%s)", n.Value)
		}
		return fmt.Sprintf("a %s value (%s)", n.ShortTag(), clipText(n.Value))
	}
	return "an empty document"
}

// clipText shortens a value quoted in a message to its first 40 bytes
// (on a character boundary).
func clipText(s string) string {
	if len(s) <= 40 {
		return s
	}
	cut := 40
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
