package plan

import (
	"strings"
)

// Helpers the emitters share because they are about the plan, not about
// a backend: how a step quotes its KQL, and how KQL folds letter case.

// Quote returns the KQL text of st as comment lines of a backend whose
// line comments start with marker ("--" in SQL, "#" in Logs Insights): the
// scan as "<marker> AWSCloudTrail", an operator as "<marker> | where ..."
// with its continuation lines under it, indented by the two spaces the
// pipe takes and without the indentation they share in the query, then a
// line naming the columns pruned at the step, if any. Every line ends with
// a newline; carriage returns and trailing blanks are dropped.
func Quote(st Step, marker string) string {
	info := st.Info()
	var b strings.Builder
	text := strings.ReplaceAll(info.Text, "\r", "")
	for i, l := range strings.Split(dedent(text), "\n") {
		prefix := marker + " | "
		if _, scan := st.(*Scan); scan {
			prefix = marker + " "
		} else if i > 0 {
			prefix = marker + "   "
		}
		b.WriteString(strings.TrimRight(prefix+l, " \t") + "\n")
	}
	if len(info.Pruned) > 0 {
		b.WriteString(marker + " not computed, never reaches the output: " + strings.Join(info.Pruned, ", ") + "\n")
	}
	return b.String()
}

// dedent removes the indentation the continuation lines of an operator
// share, so a multi-line operator quotes as written.
func dedent(s string) string {
	lines := strings.Split(s, "\n")
	common := -1
	for _, l := range lines[1:] {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " \t"))
		if common < 0 || n < common {
			common = n
		}
	}
	for i := 1; i < len(lines); i++ {
		if common > 0 && len(lines[i]) >= common {
			lines[i] = "  " + lines[i][common:]
		}
	}
	return strings.Join(lines, "\n")
}

// FoldASCII lower-cases the letters A-Z of s and nothing else: how KQL's
// case-insensitive operators (EqualsFold, StringMatch without
// CaseSensitive, InList with Fold) compare, "Case-insensitive operators
// are currently supported only for ASCII-text"
// (https://learn.microsoft.com/kusto/query/equals-operator).
func FoldASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// FoldClasses writes s as a regular expression that matches it with its
// ASCII letters in either case and nothing else folded: each letter as an
// explicit class of its two cases ([Rr]), every other rune as quote writes
// it. (?i) would fold by Unicode in RE2 and in Java (s would also match ſ,
// U+017F, and k the Kelvin sign), which KQL does not (FoldASCII).
func FoldClasses(s string, quote func(r rune) string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case 'a' <= r && r <= 'z':
			b.WriteString("[" + string(r-'a'+'A') + string(r) + "]")
		case 'A' <= r && r <= 'Z':
			b.WriteString("[" + string(r) + string(r-'A'+'a') + "]")
		default:
			b.WriteString(quote(r))
		}
	}
	return b.String()
}
