package rule

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ruleport/ruleport/convert"
	"gopkg.in/yaml.v3"
)

// QueryPos maps a byte offset in Query to the line and column (in bytes)
// of the rule file where that byte is written. Through a YAML literal or
// folded block scalar the offset lands on the same character of the
// indented source line; through an ARM (JSON) string a character written
// as an escape ("\n", "\u00e9") maps to the backslash that starts it.
// Offsets past the end map just past the last character. A query the
// reader could not map character by character (a YAML quoted scalar
// folded over several lines) maps every offset to the start of its value.
func (r *Rule) QueryPos(offset int) convert.Pos {
	segs := r.query
	if len(segs) == 0 {
		return r.FieldPos("query")
	}
	// The last segment starting at or before offset.
	lo, hi := 0, len(segs)
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if segs[mid].off <= offset {
			lo = mid
		} else {
			hi = mid
		}
	}
	s := segs[lo]
	if offset < s.off {
		return s.pos
	}
	return convert.Pos{Line: s.pos.Line, Col: s.pos.Col + (offset-s.off)*s.step}
}

// querySeg says that Query bytes from off on are written from pos on: one
// column per byte when step is 1, all at pos when step is 0 (an escape).
type querySeg struct {
	off  int
	pos  convert.Pos
	step int
}

// source is a rule file's text, split into lines for position arithmetic.
type source struct {
	data      []byte
	lineStart []int // byte offset of the first byte of each line
}

func newSource(data []byte) *source {
	s := &source{data: data, lineStart: []int{0}}
	for i, c := range data {
		if c == '\n' {
			s.lineStart = append(s.lineStart, i+1)
		}
	}
	return s
}

// line returns line n (1-based) without its line break, or nil.
func (s *source) line(n int) []byte {
	if n < 1 || n > len(s.lineStart) {
		return nil
	}
	start, end := s.lineStart[n-1], len(s.data)
	if n < len(s.lineStart) {
		end = s.lineStart[n] - 1
	}
	return bytes.TrimSuffix(s.data[start:end], []byte("\r"))
}

// lines returns the number of lines.
func (s *source) lines() int { return len(s.lineStart) }

// pos converts a yaml.v3 mark (1-based line, 1-based column counted in
// characters, a leading byte-order mark not counted) to a convert.Pos
// whose column counts bytes, as convert.Pos promises.
func (s *source) pos(line, col int) convert.Pos {
	l := s.line(line)
	if line == 1 {
		if rest, ok := bytes.CutPrefix(l, []byte("\xef\xbb\xbf")); ok {
			return s.bytePos(line, rest, col, 3)
		}
	}
	return s.bytePos(line, l, col, 0)
}

func (s *source) bytePos(line int, l []byte, col, skip int) convert.Pos {
	b := 0
	for i := 1; i < col && b < len(l); i++ {
		_, size := utf8.DecodeRune(l[b:])
		b += size
	}
	if col > 1 && b >= len(l) { // past the line's text: keep counting
		b += col - 1 - utf8.RuneCount(l)
	}
	return convert.Pos{Line: line, Col: skip + b + 1}
}

// nodePos is the position of a yaml node in bytes.
func (s *source) nodePos(n *yaml.Node) convert.Pos { return s.pos(n.Line, n.Column) }

// querySegs builds the offset map for the scalar node n whose decoded
// value is q. It never fails: when the source cannot be followed
// character by character it maps the whole query to the node's start.
func querySegs(src *source, n *yaml.Node, q string) []querySeg {
	start := src.nodePos(n)
	fallback := []querySeg{{off: 0, pos: start, step: 0}}
	var segs []querySeg
	switch {
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		segs = alignLines(src, q, blockFragments(src, n.Line))
	case n.Style&yaml.DoubleQuotedStyle != 0, n.Style&yaml.SingleQuotedStyle != 0:
		segs = quotedSegs(src.line(n.Line), start, q)
	default: // plain, possibly over several lines
		segs = alignLines(src, q, plainFragments(src, start))
	}
	if segs == nil {
		return fallback
	}
	return segs
}

// fragment is a run of source text that appears verbatim in the value.
type fragment struct {
	pos  convert.Pos
	text string
}

// blockFragments returns the content lines of the block scalar whose
// indicator ("|", ">-") is on line header, each without the block's
// indentation. The indentation is the leading spaces of the first
// non-blank line, as YAML's auto-detection reads it; the block ends at the
// first non-blank line indented less.
func blockFragments(src *source, header int) []fragment {
	indent := -1
	var out []fragment
	for ln := header + 1; ln <= src.lines(); ln++ {
		l := src.line(ln)
		lead := len(l) - len(bytes.TrimLeft(l, " "))
		blank := len(bytes.TrimSpace(l)) == 0
		if indent < 0 && !blank {
			indent = lead
		}
		if blank {
			continue
		}
		if lead < indent {
			break
		}
		out = append(out, fragment{convert.Pos{Line: ln, Col: indent + 1}, string(l[indent:])})
	}
	return out
}

// plainFragments returns the lines of a plain scalar starting at start:
// the rest of the first line, then following lines trimmed of the
// indentation and trailing spaces YAML drops when it folds them.
func plainFragments(src *source, start convert.Pos) []fragment {
	first := src.line(start.Line)
	if start.Col-1 > len(first) {
		return nil
	}
	out := []fragment{{start, strings.TrimRight(string(first[start.Col-1:]), " \t")}}
	for ln := start.Line + 1; ln <= src.lines(); ln++ {
		l := src.line(ln)
		text := strings.TrimSpace(string(l))
		if text == "" {
			continue
		}
		lead := len(l) - len(bytes.TrimLeft(l, " \t"))
		out = append(out, fragment{convert.Pos{Line: ln, Col: lead + 1}, text})
	}
	return out
}

// alignLines finds each fragment in q in order, allowing only the line
// separators YAML produces between them (newlines, and spaces where lines
// were folded). It stops at the end of q or at the first fragment it
// cannot place, mapping what remains to the last placed fragment.
func alignLines(src *source, q string, frags []fragment) []querySeg {
	var segs []querySeg
	c := 0
	for _, f := range frags {
		if c >= len(q) {
			break
		}
		// The fragment starts after zero or more separators; a literal
		// line may itself start with spaces, so try each start in turn.
		seps := len(q[c:]) - len(strings.TrimLeft(q[c:], "\n "))
		at := -1
		for k := 0; k <= seps; k++ {
			if strings.HasPrefix(q[c+k:], f.text) {
				at = c + k
				break
			}
		}
		if at < 0 {
			// Blank-looking text (spaces kept by a literal block) is
			// separator-like; anything else means we lost track.
			if strings.TrimSpace(f.text) == "" {
				continue
			}
			break
		}
		segs = append(segs, querySeg{off: at, pos: f.pos, step: 1})
		c = at + len(f.text)
	}
	return segs
}

// quotedSegs follows a double- or single-quoted scalar that starts (at its
// opening quote) at start on line l, decoding escapes as it goes, and
// checks the result against q. A scalar that goes on past the line, or
// does not decode to q, gets no map.
func quotedSegs(l []byte, start convert.Pos, q string) []querySeg {
	i := start.Col - 1
	if i >= len(l) || (l[i] != '"' && l[i] != '\'') {
		return nil
	}
	quote := l[i]
	i++
	var segs []querySeg
	var out strings.Builder
	for i < len(l) {
		c := l[i]
		col := i + 1
		switch {
		case c == quote && quote == '\'' && i+1 < len(l) && l[i+1] == '\'':
			segs = append(segs, querySeg{off: out.Len(), pos: convert.Pos{Line: start.Line, Col: col}, step: 0})
			out.WriteByte('\'')
			i += 2
		case c == quote:
			if out.String() != q {
				return nil
			}
			return segs
		case c == '\\' && quote == '"':
			r, size, ok := decodeEscape(l[i:])
			if !ok {
				return nil
			}
			segs = append(segs, querySeg{off: out.Len(), pos: convert.Pos{Line: start.Line, Col: col}, step: 0})
			out.WriteString(r)
			i += size
		default:
			j := i
			for j < len(l) && l[j] != quote && !(l[j] == '\\' && quote == '"') {
				j++
			}
			segs = append(segs, querySeg{off: out.Len(), pos: convert.Pos{Line: start.Line, Col: col}, step: 1})
			out.Write(l[i:j])
			i = j
		}
	}
	return nil // the scalar continues on the next line
}

// decodeEscape decodes the backslash escape at the start of b (JSON's
// escapes and YAML's double-quoted ones), returning the text it stands
// for and how many source bytes it took.
func decodeEscape(b []byte) (string, int, bool) {
	if len(b) < 2 {
		return "", 0, false
	}
	simple := map[byte]string{
		'"': "\"", '\\': "\\", '/': "/", 'b': "\b", 'f': "\f", 'n': "\n", 'r': "\r", 't': "\t",
		'0': "\x00", 'a': "\a", 'v': "\v", 'e': "\x1b", ' ': " ", '\t': "\t",
		'N': "\u0085", '_': "\u00a0", 'L': "\u2028", 'P': "\u2029",
	}
	if s, ok := simple[b[1]]; ok {
		return s, 2, true
	}
	width := map[byte]int{'x': 2, 'u': 4, 'U': 8}[b[1]]
	if width == 0 || len(b) < 2+width {
		return "", 0, false
	}
	v, err := strconv.ParseUint(string(b[2:2+width]), 16, 32)
	if err != nil {
		return "", 0, false
	}
	r, size := rune(v), 2+width
	// JSON writes characters beyond the BMP as a UTF-16 surrogate pair.
	if b[1] == 'u' && r >= 0xD800 && r < 0xDC00 && len(b) >= size+6 && b[size] == '\\' && b[size+1] == 'u' {
		lo, err := strconv.ParseUint(string(b[size+2:size+6]), 16, 32)
		if err == nil && lo >= 0xDC00 && lo < 0xE000 {
			return string((r-0xD800)<<10 + (rune(lo) - 0xDC00) + 0x10000), size + 6, true
		}
	}
	return string(r), size, true
}
