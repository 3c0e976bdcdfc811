package insightsengine

import (
	"math"
	"net/netip"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Scalar functions, from "Boolean, comparison, numeric, datetime, and other
// functions",
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-operations-functions.html.
// Function names are matched without regard to case (the documents write
// BIN, isPresent and ispresent).

// funcDef describes a scalar function: its arity (max -1: any number), the
// argument positions that must be time periods, and its implementation.
type funcDef struct {
	min, max int
	periods  []int
	call     func(c *evalCtx, r *row, args []any) any
}

var funcs map[string]*funcDef

func init() {
	funcs = map[string]*funcDef{
		// Numeric.
		"abs":      {1, 1, nil, numeric1(math.Abs)},
		"ceil":     {1, 1, nil, numeric1(math.Ceil)},
		"floor":    {1, 1, nil, numeric1(math.Floor)},
		"log":      {1, 1, nil, numeric1(math.Log)},
		"sqrt":     {1, 1, nil, numeric1(math.Sqrt)},
		"greatest": {1, -1, nil, extreme(1)},
		"least":    {1, -1, nil, extreme(-1)},
		"round":    {1, 2, nil, fnRound},
		"tonumber": {1, 1, nil, numeric1(func(f float64) float64 { return f })},
		"todouble": {1, 1, nil, numeric1(func(f float64) float64 { return f })},
		"toint":    {1, 1, nil, toInteger(math.MinInt32, math.MaxInt32)},
		"tolong":   {1, 1, nil, toInteger(math.MinInt64, math.MaxInt64)},
		// Datetime (timefuncs.go).
		"bin":            {1, 1, []int{0}, fnBin},
		"datefloor":      {2, 2, []int{1}, fnDatefloor},
		"dateceil":       {2, 2, []int{1}, fnDateceil},
		"frommillis":     {1, 1, nil, fnFromMillis},
		"tomillis":       {1, 1, nil, fnToMillis},
		"now":            {0, 0, nil, fnNow},
		"querystarttime": {0, 0, nil, fnQueryStartTime},
		"queryendtime":   {0, 0, nil, fnQueryEndTime},
		// General.
		"ispresent": {1, 1, nil, func(_ *evalCtx, _ *row, a []any) any { return a[0] != nil }},
		"coalesce":  {1, -1, nil, fnCoalesce},
		"if":        {3, 3, nil, fnIf},
		"case":      {2, 21, nil, fnCase},
		"isnumeric": {1, 1, nil, fnIsNumeric},
		"unmask":    {1, 1, nil, func(_ *evalCtx, _ *row, a []any) any { return a[0] }},
		// JSON.
		"jsonparse":     {1, 1, nil, fnJSONParse},
		"jsonstringify": {1, 1, nil, fnJSONStringify},
		// IP address strings.
		"isvalidip":      {1, 1, nil, ipTest(func(a netip.Addr) bool { return true })},
		"isvalidipv4":    {1, 1, nil, ipTest(netip.Addr.Is4)},
		"isvalidipv6":    {1, 1, nil, ipTest(netip.Addr.Is6)},
		"isipinsubnet":   {2, 2, nil, inSubnet(0)},
		"isipv4insubnet": {2, 2, nil, inSubnet(4)},
		"isipv6insubnet": {2, 2, nil, inSubnet(6)},
	}
	for name, f := range stringFuncs {
		funcs[name] = f
	}
}

// unsupportedFuncs are documented functions this engine does not run.
var unsupportedFuncs = map[string]bool{
	"haversine": true, "parsedate": true, "formatdate": true, "strftime": true,
	"messagesize": true, "querytimerange": true, "jsonarraysize": true,
	"jsonarraycontains": true, "ipv4tonumber": true, "isprivateip": true,
	"ispublicip": true, "isreservedip": true, "urlencode": true, "urldecode": true,
	"base64encode": true, "base64decode": true, "split": true, "hextoascii": true,
	"hextodec": true, "dectohex": true, "rate": true, "histogram": true,
	"count_over_time": true, "sum_over_time": true, "md5": true, "sha256": true,
}

// resolveCall binds a call to its function and checks its arity.
func (p *parser) resolveCall(c *callExpr, name token) {
	if a, ok := aggs[c.name]; ok {
		c.agg = a
		if c.star && c.name != "count" {
			p.errAt(name.off, "only count takes *")
		}
		p.arity(c, name, a.min, a.max)
		return
	}
	f, ok := funcs[c.name]
	switch {
	case ok:
		c.fn = f
	case unsupportedFuncs[c.name]:
		p.unsupportedAt(name.off, "the function %s is not supported by ruleport's Logs Insights engine", name.text)
		return
	default:
		p.errAt(name.off, "unknown function %q", name.text)
		return
	}
	if c.star {
		p.errAt(name.off, "only count takes *")
	}
	p.arity(c, name, f.min, f.max)
	for _, i := range f.periods {
		if i < len(c.args) {
			if _, ok := c.args[i].(*periodLit); !ok {
				p.errAt(c.args[i].pos().off, "%s needs a time period such as 5m or 1h here", name.text)
			}
		}
	}
}

func (p *parser) arity(c *callExpr, name token, min, max int) {
	n := len(c.args)
	if c.star {
		n = 0
	}
	switch {
	case n < min && min == max:
		p.errAt(name.off, "%s takes %d arguments, found %d", name.text, min, n)
	case n < min:
		p.errAt(name.off, "%s takes at least %d arguments, found %d", name.text, min, n)
	case max >= 0 && n > max:
		p.errAt(name.off, "%s takes at most %d arguments, found %d", name.text, max, n)
	}
}

// numeric1 lifts a float function.
// Guess: a missing or non-numeric argument, or a result that is not a
// finite number (log of 0, square root of -1), gives null: the functions
// "return numeric results" and there is none.
func numeric1(f func(float64) float64) func(*evalCtx, *row, []any) any {
	return func(_ *evalCtx, _ *row, a []any) any {
		x, ok := toNumber(a[0])
		if !ok {
			return nil
		}
		y := f(x)
		if math.IsNaN(y) || math.IsInf(y, 0) {
			return nil
		}
		return y
	}
}

// extreme is greatest (sign 1) and least (sign -1).
// Guess: null and non-numeric arguments are skipped, as aggregates skip
// them; all of them missing gives null.
func extreme(sign float64) func(*evalCtx, *row, []any) any {
	return func(_ *evalCtx, _ *row, a []any) any {
		var best any
		for _, v := range a {
			x, ok := toNumber(v)
			if !ok {
				continue
			}
			if b, _ := best.(float64); best == nil || sign*(x-b) > 0 {
				best = x
			}
		}
		return best
	}
}

// fnRound rounds to d decimal places when d is given.
// Guess: halves round away from zero; the documents say only "rounds".
func fnRound(_ *evalCtx, _ *row, a []any) any {
	x, ok := toNumber(a[0])
	if !ok {
		return nil
	}
	if len(a) == 1 {
		return math.Round(x)
	}
	d, ok := toNumber(a[1])
	if !ok {
		return nil
	}
	scale := math.Pow(10, math.Trunc(d))
	r := math.Round(x*scale) / scale
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return nil
	}
	return r
}

// toInteger is toInt (32-bit) and toLong (64-bit).
// Guess: a fraction truncates toward zero, a numeric string converts, out
// of range or non-numeric is null: the KQL toint decision in
// docs/ARCHITECTURE.md, so that a translation of toint can use toInt.
func toInteger(lo, hi float64) func(*evalCtx, *row, []any) any {
	return func(_ *evalCtx, _ *row, a []any) any {
		x, ok := toNumber(a[0])
		if !ok {
			return nil
		}
		x = math.Trunc(x)
		if x < lo || x > hi {
			return nil
		}
		return x
	}
}

// fnCoalesce "Returns the first non-null value from the list".
func fnCoalesce(_ *evalCtx, _ *row, a []any) any {
	for _, v := range a {
		if v != nil {
			return v
		}
	}
	return nil
}

func fnIf(_ *evalCtx, _ *row, a []any) any {
	if truthy(a[0]) {
		return a[1]
	}
	return a[2]
}

// fnCase returns the value after the first true condition, else the
// default when the argument count is odd, else null.
func fnCase(_ *evalCtx, _ *row, a []any) any {
	for i := 0; i+1 < len(a); i += 2 {
		if truthy(a[i]) {
			return a[i+1]
		}
	}
	if len(a)%2 == 1 {
		return a[len(a)-1]
	}
	return nil
}

func fnIsNumeric(_ *evalCtx, _ *row, a []any) any {
	_, ok := toNumber(a[0])
	_, isBool := a[0].(bool)
	return ok && !isBool
}

// fnJSONParse "Returns a map or list when the input is a string
// representation of JSON object or a JSON array. Returns an empty value, if
// the input is not one of the representation." Truncated or invalid JSON,
// a JSON scalar, and anything that is not a string give null.
func fnJSONParse(_ *evalCtx, _ *row, a []any) any {
	s, ok := a[0].(string)
	if !ok {
		return nil
	}
	v, ok := decodeJSON(s)
	if _, isJSON := v.(*jsonValue); !ok || !isJSON {
		return nil
	}
	return v
}

// fnJSONStringify "Returns a JSON string from a map or list data"; keys
// keep their order.
// Guess: anything else gives null, as jsonParse does for what it cannot
// read.
func fnJSONStringify(_ *evalCtx, _ *row, a []any) any {
	if !isStructure(a[0]) {
		return nil
	}
	return encodeJSON(a[0])
}

// parseIP accepts plain IPv4 and IPv6 text.
// Guess: an IPv6 zone (fe80::1%eth0) is not a valid address; the page's
// examples are plain addresses and CIDR blocks.
func parseIP(v any) (netip.Addr, bool) {
	s, ok := v.(string)
	if !ok {
		return netip.Addr{}, false
	}
	addr, err := netip.ParseAddr(s)
	if err != nil || addr.Zone() != "" {
		return netip.Addr{}, false
	}
	return addr, true
}

func ipTest(kind func(netip.Addr) bool) func(*evalCtx, *row, []any) any {
	return func(_ *evalCtx, _ *row, a []any) any {
		addr, ok := parseIP(a[0])
		return ok && kind(addr)
	}
}

// inSubnet tests an address against a CIDR subnet; family 4 or 6 also
// requires that family, 0 takes either (and the two must agree).
func inSubnet(family int) func(*evalCtx, *row, []any) any {
	return func(_ *evalCtx, _ *row, a []any) any {
		addr, ok := parseIP(a[0])
		s, _ := a[1].(string)
		prefix, err := netip.ParsePrefix(s)
		if !ok || err != nil {
			return false
		}
		if family == 4 && !addr.Is4() || family == 6 && !addr.Is6() {
			return false
		}
		return prefix.Contains(addr)
	}
}

// stringFuncs: "Use string functions in the fields and filter commands".
// Guess: a string function given a missing value (or a map or list,
// which the documents say count as null) returns null, except isempty and
// isblank, whose whole point is to answer 1 for a missing field.
var stringFuncs = map[string]*funcDef{
	"isempty":      {1, 1, nil, fnIsEmpty(false)},
	"isblank":      {1, 1, nil, fnIsEmpty(true)},
	"concat":       {1, -1, nil, fnConcat},
	"ltrim":        {1, 2, nil, trimmer(strings.TrimLeftFunc, strings.TrimLeft)},
	"rtrim":        {1, 2, nil, trimmer(strings.TrimRightFunc, strings.TrimRight)},
	"trim":         {1, 2, nil, trimmer(strings.TrimFunc, strings.Trim)},
	"strlen":       {1, 1, nil, text1(func(s string) any { return float64(utf8.RuneCountInString(s)) })},
	"toupper":      {1, 1, nil, text1(func(s string) any { return strings.ToUpper(s) })},
	"tolower":      {1, 1, nil, text1(func(s string) any { return strings.ToLower(s) })},
	"substr":       {2, 3, nil, fnSubstr},
	"replace":      {3, 3, nil, fnReplace},
	"regexreplace": {3, 3, nil, fnRegexReplace},
	"strcontains":  {2, 3, nil, fnStrcontains},
	"startswith":   {2, 2, nil, text2(strings.HasPrefix)},
	"endswith":     {2, 2, nil, text2(strings.HasSuffix)},
}

// fnIsEmpty: isempty "Returns 1 if the field is missing or is an empty
// string"; isblank also for "only white space".
func fnIsEmpty(blank bool) func(*evalCtx, *row, []any) any {
	return func(_ *evalCtx, _ *row, a []any) any {
		s, ok := toText(a[0])
		if !ok || s == "" || blank && strings.TrimSpace(s) == "" {
			return 1.0
		}
		return 0.0
	}
}

// fnConcat joins its arguments.
// Guess: missing arguments count as empty strings, so one missing part
// does not blank the whole text; all of them missing gives null.
func fnConcat(_ *evalCtx, _ *row, a []any) any {
	var b strings.Builder
	some := false
	for _, v := range a {
		if s, ok := toText(v); ok {
			b.WriteString(s)
			some = true
		}
	}
	if !some {
		return nil
	}
	return b.String()
}

func text1(f func(string) any) func(*evalCtx, *row, []any) any {
	return func(_ *evalCtx, _ *row, a []any) any {
		s, ok := toText(a[0])
		if !ok {
			return nil
		}
		return f(s)
	}
}

func text2(f func(s, t string) bool) func(*evalCtx, *row, []any) any {
	return func(_ *evalCtx, _ *row, a []any) any {
		s, ok1 := toText(a[0])
		t, ok2 := toText(a[1])
		if !ok1 || !ok2 {
			return nil
		}
		return boolNumber(f(s, t))
	}
}

func boolNumber(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// trimmer: with one argument white space goes; with two, "it does not
// remove white space. Instead, it removes the characters in trimChars".
func trimmer(space func(string, func(rune) bool) string, chars func(string, string) string) func(*evalCtx, *row, []any) any {
	return func(_ *evalCtx, _ *row, a []any) any {
		s, ok := toText(a[0])
		if !ok {
			return nil
		}
		if len(a) == 1 {
			return space(s, unicode.IsSpace)
		}
		cut, ok := toText(a[1])
		if !ok {
			return nil
		}
		return chars(s, cut)
	}
}

// fnSubstr: substr("xyZfooxyZ",3, 3) returns "foo", so the start index
// counts from 0.
// Guess: indexes count Unicode code points, as strlen does; a negative
// start counts as 0; a start past the end or a negative length gives "".
func fnSubstr(_ *evalCtx, _ *row, a []any) any {
	s, ok := toText(a[0])
	start, ok2 := toNumber(a[1])
	if !ok || !ok2 {
		return nil
	}
	runes := []rune(s)
	start = math.Max(0, math.Trunc(start))
	if start > float64(len(runes)) {
		return ""
	}
	i, j := int(start), len(runes)
	if len(a) == 3 {
		n, ok := toNumber(a[2])
		if !ok {
			return nil
		}
		if n < 0 {
			return ""
		}
		if k := float64(i) + math.Trunc(n); k < float64(j) {
			j = int(k)
		}
	}
	return string(runes[i:j])
}

// fnReplace "Replaces all instances of searchValue".
// Guess: an empty searchValue replaces nothing; it has no instances.
func fnReplace(_ *evalCtx, _ *row, a []any) any {
	s, ok1 := toText(a[0])
	old, ok2 := toText(a[1])
	repl, ok3 := toText(a[2])
	if !ok1 || !ok2 || !ok3 {
		return nil
	}
	if old == "" {
		return s
	}
	return strings.ReplaceAll(s, old, repl)
}

// fnRegexReplace uses RE2, as documented.
// Guess: a pattern that does not compile gives null; the pattern is a
// string that may come from a field, so it cannot be a parse error.
func fnRegexReplace(_ *evalCtx, _ *row, a []any) any {
	s, ok1 := toText(a[0])
	pat, ok2 := toText(a[1])
	repl, ok3 := toText(a[2])
	if !ok1 || !ok2 || !ok3 {
		return nil
	}
	re, err := regexp.Compile(pat)
	if err != nil {
		return nil
	}
	return re.ReplaceAllString(s, repl)
}

// fnStrcontains returns 1 or 0; a true third argument makes the match
// case-insensitive.
func fnStrcontains(_ *evalCtx, _ *row, a []any) any {
	s, ok1 := toText(a[0])
	t, ok2 := toText(a[1])
	if !ok1 || !ok2 {
		return nil
	}
	if len(a) == 3 && truthy(a[2]) {
		s, t = strings.ToLower(s), strings.ToLower(t)
	}
	return boolNumber(strings.Contains(s, t))
}
