package athenaengine

import (
	"errors"
	"strings"
)

// javaReplacement turns the replacement string of Trino's regexp_replace,
// which follows java.util.regex.Matcher.appendReplacement ($g for group g,
// \x for a literal x), into RE2's rewrite syntax, which DuckDB's
// regexp_replace uses (\g for group g, \\ for a backslash, everything else
// literal). Not matched: Java reads as many digits after $ as still name a
// group ($12 is group 12 when the pattern has twelve); here one digit is
// read, so $12 is group 1 then "2". ${name} is refused: RE2 rewrites have no
// named groups.
func javaReplacement(r string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(r); i++ {
		switch c := r[i]; c {
		case '\\':
			if i+1 == len(r) {
				return "", errors.New("regexp_replace: character to be escaped is missing")
			}
			i++
			if r[i] == '\\' {
				b.WriteString(`\\`)
			} else {
				b.WriteByte(r[i])
			}
		case '$':
			if i+1 == len(r) || r[i+1] < '0' || r[i+1] > '9' {
				return "", errors.New("regexp_replace: illegal group reference (ruleport supports $0 to $9)")
			}
			i++
			b.WriteByte('\\')
			b.WriteByte(r[i])
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}
