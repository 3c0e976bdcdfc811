package kqlengine

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/ruleport/ruleport/convert/kql"
)

// This file holds the string and dynamic functions.

var stringFuncs = map[string]fnSpec{
	"strlen":         {1, 1, buildStrlen},
	"tolower":        {1, 1, buildCaseFn(strings.ToLower)},
	"toupper":        {1, 1, buildCaseFn(strings.ToUpper)},
	"strcat":         {1, 64, buildStrcat},
	"strcat_delim":   {3, 65, buildStrcatDelim},
	"substring":      {2, 3, buildSubstring},
	"indexof":        {2, 5, buildIndexof},
	"indexof_regex":  {2, 2, buildIndexofRegex},
	"split":          {2, 3, buildSplit},
	"replace_string": {3, 3, buildReplaceString},
	"replace_regex":  {3, 3, buildReplaceRegex},
	"extract":        {3, 4, buildExtract},
	"array_length":   {1, 1, buildArrayLength},
	"pack":           {2, -1, buildPack},
	"bag_pack":       {2, -1, buildPack},
	"pack_array":     {1, -1, buildPackArray},
}

// utf16Len counts characters the way .NET strings do (UTF-16 code units),
// which is what Kusto's strlen and character positions count.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// byteOffset converts a UTF-16 position in s to a byte offset (clamped).
func byteOffset(s string, pos int) int {
	n := 0
	for i, r := range s {
		if n >= pos {
			return i
		}
		n += utf16.RuneLen(r)
	}
	return len(s)
}

func buildStrlen(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	if err := checkTypes(x, args, anyString); err != nil {
		return nil, err
	}
	s := asString(args[0])
	return c.derive(x.Pos(), TypeLong, func(r []any) any { return int64(utf16Len(s(r))) }, args...)
}

func buildCaseFn(f func(string) string) func(*compiler, *kql.CallExpr, []*expr) (*expr, error) {
	return func(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
		if err := checkTypes(x, args, anyString); err != nil {
			return nil, err
		}
		s := asString(args[0])
		return c.derive(x.Pos(), TypeString, func(r []any) any { return f(s(r)) }, args...)
	}
}

// buildStrcat is strcat(): the arguments converted with tostring() and
// joined (https://learn.microsoft.com/kusto/query/strcat-function).
func buildStrcat(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	eval := func(r []any) any {
		var b strings.Builder
		for _, a := range args {
			b.WriteString(toStringValue(a.eval(r)))
		}
		return b.String()
	}
	return c.derive(x.Pos(), TypeString, eval, args...)
}

func buildStrcatDelim(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	eval := func(r []any) any {
		parts := make([]string, len(args)-1)
		for i, a := range args[1:] {
			parts[i] = toStringValue(a.eval(r))
		}
		return strings.Join(parts, toStringValue(args[0].eval(r)))
	}
	return c.derive(x.Pos(), TypeString, eval, args...)
}

// buildSubstring is substring(s, start [, length]): positions count
// characters from 0; a negative start counts from the end (the doc's
// example substring("123456", -2, 2) is "56",
// https://learn.microsoft.com/kusto/query/substring-function).
func buildSubstring(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	if err := checkTypes(x, args, nil, anyInt, anyInt); err != nil && len(args) > 1 {
		return nil, err
	}
	s := asString(args[0])
	eval := func(r []any) any {
		src := s(r)
		n := utf16Len(src)
		start, ok := asInt64(args[1].eval(r))
		if !ok {
			return ""
		}
		if start < 0 {
			start += int64(n)
			if start < 0 {
				start = 0
			}
		}
		end := int64(n)
		if len(args) == 3 {
			l, ok := asInt64(args[2].eval(r))
			if !ok || l < 0 {
				return ""
			}
			if start+l < end {
				end = start + l
			}
		}
		if start >= end {
			return ""
		}
		return src[byteOffset(src, int(start)):byteOffset(src, int(end))]
	}
	return c.derive(x.Pos(), TypeString, eval, args...)
}

// buildIndexof is indexof(s, match [, start]): the character position of
// the first occurrence at or after start, -1 when absent; a negative start
// counts from the end; non-string arguments are cast to string
// (https://learn.microsoft.com/kusto/query/indexof-function). The length
// and occurrence arguments are not implemented.
func buildIndexof(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	if len(args) > 3 {
		return nil, unsupportedf(x.Pos(), "indexof() with a length or occurrence argument")
	}
	s, m := asString(args[0]), asString(args[1])
	if len(args) == 3 {
		if err := checkTypes(x, args, nil, nil, anyInt); err != nil {
			return nil, err
		}
	}
	eval := func(r []any) any {
		src, match := s(r), m(r)
		start := int64(0)
		if len(args) == 3 {
			v, ok := asInt64(args[2].eval(r))
			if !ok {
				return nil
			}
			if v < 0 {
				v += int64(utf16Len(src))
			}
			if v < 0 {
				return nil
			}
			start = v
		}
		if start > int64(utf16Len(src)) {
			return int64(-1)
		}
		off := byteOffset(src, int(start))
		k := strings.Index(src[off:], match)
		if k < 0 {
			return int64(-1)
		}
		return int64(utf16Len(src[:off+k]))
	}
	return c.derive(x.Pos(), TypeLong, eval, args...)
}

// constRegex compiles a regex argument that must be a constant (Kusto
// compiles the pattern once per query).
func constRegex(x *kql.CallExpr, i int, a *expr) (*regexp.Regexp, error) {
	if !a.konst {
		return nil, unsupportedf(x.Args[i].Pos(), "%s() with a pattern that is not a constant", x.Fun.Name)
	}
	re, err := regexp.Compile(toStringValue(a.val))
	if err != nil {
		return nil, errorf(x.Args[i].Pos(), "bad regular expression: %v", err)
	}
	return re, nil
}

// buildIndexofRegex is indexof_regex(s, regex): the character position of
// the first match, -1 when none
// (https://learn.microsoft.com/kusto/query/indexof-regex-function).
func buildIndexofRegex(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	re, err := constRegex(x, 1, args[1])
	if err != nil {
		return nil, err
	}
	s := asString(args[0])
	eval := func(r []any) any {
		src := s(r)
		loc := re.FindStringIndex(src)
		if loc == nil {
			return int64(-1)
		}
		return int64(utf16Len(src[:loc[0]]))
	}
	return c.derive(x.Pos(), TypeLong, eval, args...)
}

// buildSplit is split(s, delimiter [, index]): a dynamic array of the
// pieces; with an index, an array holding only that piece, or an empty
// array when there is none (https://learn.microsoft.com/kusto/query/split-function:
// split("aaa_bbb_ccc", "_", 1) is ["bbb"], split("", "_") is [""]).
// A negative index is not documented and is an error.
func buildSplit(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	if len(args) == 3 {
		if err := checkTypes(x, args, nil, nil, anyInt); err != nil {
			return nil, err
		}
	}
	s, d := asString(args[0]), asString(args[1])
	e := c.e
	eval := func(r []any) any {
		parts := splitString(s(r), d(r))
		if len(args) < 3 {
			return parts
		}
		i, ok := asInt64(args[2].eval(r))
		if !ok {
			return nil
		}
		if i < 0 {
			e.fail(unsupportedf(x.Args[2].Pos(), "split() with a negative index"))
			return nil
		}
		if i >= int64(len(parts)) {
			return []any{}
		}
		return []any{parts[i]}
	}
	return c.derive(x.Pos(), TypeDynamic, eval, args...)
}

// splitString splits s at every delimiter. An empty delimiter leaves s
// whole (Kusto documents no other reading).
func splitString(s, delim string) []any {
	if delim == "" {
		return []any{s}
	}
	parts := strings.Split(s, delim)
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out
}

// buildReplaceString is replace_string(text, lookup, rewrite): every
// non-overlapping occurrence, left to right
// (https://learn.microsoft.com/kusto/query/replace-string-function).
func buildReplaceString(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	t, l, w := asString(args[0]), asString(args[1]), asString(args[2])
	eval := func(r []any) any {
		lookup := l(r)
		if lookup == "" {
			return t(r)
		}
		return strings.ReplaceAll(t(r), lookup, w(r))
	}
	return c.derive(x.Pos(), TypeString, eval, args...)
}

// buildReplaceRegex is replace_regex(source, regex, rewrite), where \1 in
// the rewrite names the first capture group
// (https://learn.microsoft.com/kusto/query/replace-regex-function).
func buildReplaceRegex(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	re, err := constRegex(x, 1, args[1])
	if err != nil {
		return nil, err
	}
	s, w := asString(args[0]), asString(args[2])
	eval := func(r []any) any { return re.ReplaceAllString(s(r), goTemplate(w(r))) }
	return c.derive(x.Pos(), TypeString, eval, args...)
}

// goTemplate turns Kusto's \N group references into Go's ${N} and escapes
// Go's $ so it stays literal.
func goTemplate(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '$':
			b.WriteString("$$")
		case s[i] == '\\' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			b.WriteString("${" + s[i+1:i+2] + "}")
			i++
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// buildExtract is extract(regex, group, source): the text of a capture
// group of the first match, "" when there is no match
// (https://learn.microsoft.com/kusto/query/extract-function). The optional
// type argument is not implemented.
func buildExtract(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	if len(args) == 4 {
		return nil, unsupportedf(x.Pos(), "extract() with a type argument")
	}
	re, err := constRegex(x, 0, args[0])
	if err != nil {
		return nil, err
	}
	if !args[1].konst || !args[1].t.integer() {
		return nil, unsupportedf(x.Args[1].Pos(), "extract() with a capture group that is not an integer constant")
	}
	g, _ := asInt64(args[1].val)
	if g < 0 || int(g) > re.NumSubexp() {
		return nil, errorf(x.Args[1].Pos(), "extract(): no capture group %d", g)
	}
	s := asString(args[2])
	eval := func(r []any) any {
		m := re.FindStringSubmatch(s(r))
		if m == nil {
			return ""
		}
		return m[g]
	}
	return c.derive(x.Pos(), TypeString, eval, args...)
}

// buildArrayLength is array_length(): the number of elements, null when
// the value is not an array (https://learn.microsoft.com/kusto/query/array-length-function).
func buildArrayLength(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	if args[0].t != TypeDynamic {
		return nil, errorf(x.Pos(), "array_length() needs a dynamic value, not %s", args[0].t)
	}
	return c.unaryFn(x, TypeLong, args[0], func(v any) any {
		if arr, ok := v.([]any); ok {
			return int64(len(arr))
		}
		return nil
	})
}

// buildPack is pack()/bag_pack(key1, value1, ...): a property bag with the
// keys in the order given (https://learn.microsoft.com/kusto/query/pack-function).
func buildPack(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	if len(args)%2 != 0 {
		return nil, errorf(x.Pos(), "%s() takes key/value pairs", x.Fun.Name)
	}
	for i := 0; i < len(args); i += 2 {
		if args[i].t != TypeString {
			return nil, errorf(x.Args[i].Pos(), "%s(): a key must be a string, not %s", x.Fun.Name, args[i].t)
		}
	}
	eval := func(r []any) any {
		b := newBag(len(args) / 2)
		for i := 0; i < len(args); i += 2 {
			b.Set(args[i].eval(r).(string), dynamicOf(args[i+1].eval(r)))
		}
		return b
	}
	return c.derive(x.Pos(), TypeDynamic, eval, args...)
}

// buildPackArray is pack_array(v1, ...): a dynamic array of the values.
func buildPackArray(c *compiler, x *kql.CallExpr, args []*expr) (*expr, error) {
	eval := func(r []any) any {
		arr := make([]any, len(args))
		for i, a := range args {
			arr[i] = dynamicOf(a.eval(r))
		}
		return arr
	}
	return c.derive(x.Pos(), TypeDynamic, eval, args...)
}

func itoa(n int) string { return strconv.Itoa(n) }
