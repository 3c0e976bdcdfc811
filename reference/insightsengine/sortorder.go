package insightsengine

import (
	"strings"
	"time"
)

// naturalCompare orders two values the way the sort command does
// ascending, per https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Sort.html:
// "All non-number values come before all number values. Number values are
// values that include only numbers", and non-number values are split into
// runs of digits and runs of other characters, "non-numeric portions by
// their Unicode values, and ... numeric portions by their length first and
// then by their numerical value". The page's worked example is pinned in
// sortorder_test.go. Guesses: a missing value sorts before everything; a
// timestamp is the number of its epoch milliseconds; numbers equal in value
// ("01" and "1") fall back to their text, which the example's "01" before
// "1" needs; a digit run against another run compares by Unicode, as the
// example's "2345_" before "@" shows.
func naturalCompare(a, b any) int {
	if a == nil || b == nil {
		return boolRank(a != nil) - boolRank(b != nil)
	}
	x, aNum := sortNumber(a)
	y, bNum := sortNumber(b)
	switch {
	case aNum && bNum:
		if c := cmpFloat(x, y); c != 0 {
			return c
		}
		return strings.Compare(sortText(a), sortText(b))
	case aNum != bNum:
		return boolRank(aNum) - boolRank(bNum)
	}
	return compareChunks(sortText(a), sortText(b))
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func sortNumber(v any) (float64, bool) {
	switch v := v.(type) {
	case time.Time:
		return float64(v.UnixMilli()), true
	case float64, bool:
		return toNumber(v)
	case string:
		if isDigits(strings.TrimPrefix(v, "-")) {
			return toNumber(v)
		}
	}
	return 0, false
}

// isDigits reports whether s is one or more digits with at most one
// decimal point between them.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	dot := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
		case c == '.' && !dot && i > 0 && i < len(s)-1:
			dot = true
		default:
			return false
		}
	}
	return true
}

func sortText(v any) string {
	if s, ok := toText(v); ok {
		return s
	}
	return encodeJSON(v)
}

func compareChunks(a, b string) int {
	for a != "" && b != "" {
		ca, ra := nextChunk(a)
		cb, rb := nextChunk(b)
		if c := compareChunk(ca, cb); c != 0 {
			return c
		}
		a, b = ra, rb
	}
	return len(a) - len(b)
}

// nextChunk splits off the leading run of digits or of non-digits.
func nextChunk(s string) (chunk, rest string) {
	digits := isDigit(s[0])
	i := 1
	for i < len(s) && isDigit(s[i]) == digits {
		i++
	}
	return s[:i], s[i:]
}

func compareChunk(a, b string) int {
	if isDigit(a[0]) && isDigit(b[0]) {
		if len(a) != len(b) {
			return len(a) - len(b)
		}
	}
	return strings.Compare(a, b)
}
