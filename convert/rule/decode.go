package rule

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ruleport/ruleport/convert"
	"gopkg.in/yaml.v3"
)

// decoder reads a yaml.Node tree (YAML, or JSON parsed as YAML) into a
// Rule, checking types and keys and recording where every value was
// written. It keeps going after a problem and collects every diagnostic.
type decoder struct {
	file  string
	src   *source
	arm   bool // ARM: keys match case-insensitively, JSON vocabulary
	diags convert.Diagnostics
	errs  int   // errors reported so far
	r     *Rule // the rule being filled, for positions
}

// maxErrors bounds the errors reported for one file, as compilers stop
// after a screenful: past it a file is not a rule anyway, and a 4 MiB
// file of wrong keys would otherwise make a 4 MiB report.
const maxErrors = 100

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	switch d.errs++; {
	case d.errs <= maxErrors:
		d.diags.Add(convert.Errorf(d.file, d.src.nodePos(n), format, args...))
	case d.errs == maxErrors+1:
		d.diags.Add(convert.Errorf(d.file, d.src.nodePos(n), "too many errors; stopping here"))
	}
}

// full reports whether no more errors will be reported.
func (d *decoder) full() bool { return d.errs > maxErrors }

func (d *decoder) warnf(n *yaml.Node, format string, args ...any) {
	d.diags.Add(convert.Warningf(d.file, d.src.nodePos(n), format, args...))
}

// record notes where the value at path (and its key, when it has one)
// was written.
func (d *decoder) record(path string, key, val *yaml.Node) {
	if d.r.pos == nil {
		d.r.pos, d.r.keyPos = map[string]convert.Pos{}, map[string]convert.Pos{}
	}
	d.r.pos[path] = d.src.nodePos(val)
	if key != nil {
		d.r.keyPos[path] = d.src.nodePos(key)
	}
}

// entry is one key of a mapping, under the name the caller knows it by.
type entry struct {
	name     string // the caller's spelling of the key
	key, val *yaml.Node
}

// fields returns the entries of mapping m whose keys are in known, in file
// order, reporting unknown keys (with a suggestion) and duplicate keys.
// Null values count as absent. ARM keys match case-insensitively, as ARM
// treats property names.
func (d *decoder) fields(m *yaml.Node, what string, known []string, hints map[string]string) []entry {
	var out []entry
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "%s: keys must be strings, not %s", what, describe(k, d.arm))
			continue
		}
		name := d.match(k.Value, known)
		if name == "" {
			d.unknown(k, what, known, hints)
			continue
		}
		if first, dup := seen[name]; dup {
			p := d.src.nodePos(first)
			d.errorf(k, "duplicate key %q in %s (first at %d:%d)", k.Value, what, p.Line, p.Col)
			continue
		}
		seen[name] = k
		if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null" {
			continue
		}
		out = append(out, entry{name, k, v})
	}
	return out
}

func (d *decoder) match(key string, known []string) string {
	for _, k := range known {
		if k == key || (d.arm && strings.EqualFold(k, key)) {
			return k
		}
	}
	return ""
}

func (d *decoder) unknown(k *yaml.Node, what string, known []string, hints map[string]string) {
	if d.full() {
		return // suggest is the costly part; skip it
	}
	if h, ok := hints[strings.ToLower(k.Value)]; ok {
		d.errorf(k, "unknown key %q in %s: %s", k.Value, what, h)
		return
	}
	if s := suggest(k.Value, known); s != "" {
		d.errorf(k, "unknown key %q in %s; did you mean %q?", k.Value, what, s)
		return
	}
	sorted := append([]string(nil), known...)
	sort.Strings(sorted)
	d.errorf(k, "unknown key %q in %s (known: %s)", k.Value, what, strings.Join(sorted, ", "))
}

// suggest returns the known key closest to key when it is a plausible
// typo: same letters in another case, or at most two edits away.
func suggest(key string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if strings.EqualFold(k, key) {
			return k
		}
		if dist := editDistance(strings.ToLower(k), strings.ToLower(key)); dist < bestDist {
			best, bestDist = k, dist
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// mapping checks that n is a mapping.
func (d *decoder) mapping(n *yaml.Node, what string) bool {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s must be %s, not %s", what, d.word("mapping"), describe(n, d.arm))
		return false
	}
	return true
}

// list checks that n is a sequence.
func (d *decoder) list(n *yaml.Node, what string) bool {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s must be %s, not %s", what, d.word("list"), describe(n, d.arm))
		return false
	}
	return true
}

func (d *decoder) word(w string) string {
	switch {
	case w == "mapping" && d.arm:
		return "an object"
	case w == "mapping":
		return "a mapping"
	case d.arm:
		return "an array"
	}
	return "a list"
}

// str reads a string value.
func (d *decoder) str(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		d.errorf(n, "%s must be a string, not %s", what, describe(n, d.arm))
		return "", false
	}
	return n.Value, true
}

// boolean reads a true/false value.
func (d *decoder) boolean(n *yaml.Node, what string) (bool, bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		d.errorf(n, "%s must be true or false, not %s", what, describe(n, d.arm))
		return false, false
	}
	v, err := strconv.ParseBool(strings.ToLower(n.Value))
	if err != nil { // YAML 1.1 spellings such as "yes" are strings in yaml.v3
		d.errorf(n, "%s must be true or false, not %q", what, n.Value)
		return false, false
	}
	return v, true
}

// integer reads a whole number that fits in 32 bits, the width of every
// integer property of an alert rule.
func (d *decoder) integer(n *yaml.Node, what string) (int, bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		d.errorf(n, "%s must be a whole number, not %s", what, describe(n, d.arm))
		return 0, false
	}
	v, err := strconv.ParseInt(n.Value, 0, 32)
	if err != nil {
		d.errorf(n, "%s: %s is out of range for a 32-bit integer", what, n.Value)
		return 0, false
	}
	return int(v), true
}

// duration reads a duration string: either spelling in YAML, ISO-8601
// only in ARM, which is what the API accepts.
func (d *decoder) duration(n *yaml.Node, what string) (time.Duration, bool) {
	s, ok := d.str(n, what)
	if !ok {
		return 0, false
	}
	if d.arm && !strings.HasPrefix(strings.ToUpper(s), "P") {
		d.errorf(n, "%s must be an ISO-8601 duration such as PT1H or P1D in ARM, not %q", what, s)
		return 0, false
	}
	v, err := ParseDuration(s)
	if err != nil {
		d.errorf(n, "%s: %v", what, err)
		return 0, false
	}
	return v, true
}

// strList reads a list of strings, recording each element at path[i].
func (d *decoder) strList(n *yaml.Node, path, what string) ([]string, bool) {
	if !d.list(n, what) {
		return nil, false
	}
	out := []string{}
	ok := true
	for i, e := range n.Content {
		s, good := d.str(e, fmt.Sprintf("%s[%d]", what, i))
		ok = ok && good
		if good {
			d.record(fmt.Sprintf("%s[%d]", path, i), nil, e)
			out = append(out, s)
		}
	}
	return out, ok
}

// require reports keys of object that must be present but are not.
func (d *decoder) require(object *yaml.Node, what string, got []entry, names ...string) {
	for _, name := range names {
		found := false
		for _, e := range got {
			found = found || e.name == name
		}
		if !found {
			d.errorf(object, "%s: missing %q", what, name)
		}
	}
}

// bare returns a copy of n without comments or source positions, for
// values kept whole (tags, metadata) and written out again later.
func bare(n *yaml.Node) *yaml.Node {
	c := &yaml.Node{Kind: n.Kind, Tag: n.Tag, Value: n.Value, Style: n.Style &^ (yaml.FlowStyle)}
	if n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		c.Style = 0
	}
	for _, e := range n.Content {
		c.Content = append(c.Content, bare(e))
	}
	return c
}
