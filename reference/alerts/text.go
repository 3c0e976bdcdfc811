package alerts

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// WriteText prints the table for a terminal (`--format table`): a header,
// a rule, then one aligned line per row. Strings print bare, other values
// as in JSON. An empty table prints its header and "(no rows)".
func (t Table) WriteText(w io.Writer) error {
	cells := make([][]string, len(t.Rows)+1)
	cells[0] = t.Columns
	for i, row := range t.Rows {
		line := make([]string, len(t.Columns))
		for k := range t.Columns {
			var v any
			if k < len(row) {
				v = row[k]
			}
			line[k] = textCell(v)
		}
		cells[i+1] = line
	}
	width := make([]int, len(t.Columns))
	for _, line := range cells {
		for k, c := range line {
			width[k] = max(width[k], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	writeLine := func(line []string) {
		for k, c := range line {
			if k > 0 {
				b.WriteString("  ")
			}
			b.WriteString(c)
			if k < len(line)-1 {
				b.WriteString(strings.Repeat(" ", width[k]-utf8.RuneCountInString(c)))
			}
		}
		b.WriteByte('\n')
	}
	writeLine(cells[0])
	rule := make([]string, len(width))
	for k, n := range width {
		rule[k] = strings.Repeat("-", n)
	}
	writeLine(rule)
	for _, line := range cells[1:] {
		writeLine(line)
	}
	if len(t.Rows) == 0 {
		b.WriteString("(no rows)\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func textCell(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		// Control characters would break the alignment and could rewrite
		// a terminal: print them escaped.
		return strings.Trim(fmt.Sprintf("%q", v), `"`)
	}
	s := EncodeValue(v)
	return strings.Trim(s, `"`)
}
