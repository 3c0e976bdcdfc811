package conformance

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"
)

// corpusGen makes CloudTrail records for any rule: it reads the rule's
// query for the event names, event sources, string literals and JSON
// member names it mentions, and builds records around them, so that a
// rule's conditions hold on some records and fail on others. Identities
// come from the seed generator (recordgen_test.go); the odd shapes that
// only the seed test tolerates per engine (numbers as text, key case,
// sub-millisecond times) are left out.
type corpusGen struct {
	r        *rand.Rand
	seed     *recordGen // identities and group-key fields
	names    []string   // event names the query mentions
	sources  []string   // event sources it mentions
	literals []string   // every string literal
	numbers  []string   // number literals
	keys     []string   // member names read from JSON values
	// compared holds, by name, the literals the query compares a column
	// or member of that name with (Effect =~ "Allow", Action contains
	// "iam:Create"): a member of that name takes them often, one or all
	// of them, so that the conditions of rules that expand policy
	// statements (mv-expand) can all hold on one element.
	compared map[string][]string
	// emptied names the members the query tests with isempty, isnotempty,
	// isnull or isnotnull: a full object leaves them out half the time,
	// so that a test for their absence can hold.
	emptied map[string]bool
	base    time.Time
}

var (
	stringLit  = regexp.MustCompile(`@?"((?:[^"\\]|\\.)*)"|@?'((?:[^'\\]|\\.)*)'`)
	memberRef  = regexp.MustCompile(`\.([A-Za-z_][A-Za-z0-9_]*)()`)
	bracketRef = regexp.MustCompile(`\[\s*"([^"]+)"\s*\]()|\[\s*'([^']+)'\s*\]`)
	numberLit  = regexp.MustCompile(`\b[0-9]+(\.[0-9]+)?\b`)
	comparison = regexp.MustCompile(`\b([A-Za-z_][A-Za-z0-9_]*)\s*(?:==|=~|!=|!~|<>|contains|has|startswith|endswith)\s*` +
		`(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')`)
	apiName = regexp.MustCompile(`^[A-Z][A-Za-z0-9]+$`)
	// inList is "x in (...)" and its relatives: x is compared with every
	// literal of the list.
	inList = regexp.MustCompile(`\b([A-Za-z_][A-Za-z0-9_]*)\s*(?:!?in~?|has_any|has_all)\s*\(([^()]*)\)`)
	// assigned is "x = <expression>" up to the end of the assignment: the
	// literals x is compared with are also those of the last member the
	// expression reads (type = parse_json(Grant).Grantee.["xsi:type"]).
	assigned = regexp.MustCompile(`\b([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([^=,\n|][^,\n|]*)`)
	lastRef  = regexp.MustCompile(`(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*["']([^"']+)["']\s*\])[^.\[]*$`)
	emptyFn  = regexp.MustCompile(`\b(?:isempty|isnotempty|isnull|isnotnull)\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)`)
)

// newCorpusGen reads query and seeds the generator.
func newCorpusGen(seed uint64, query string) *corpusGen {
	g := &corpusGen{
		r:    rand.New(rand.NewPCG(seed, seed*0x2545f4914f6cdd1d+1)),
		seed: newRecordGen(seed, genConfig{}),
		base: corpusNow.AddDate(0, 0, -1),
	}
	g.seed.p = &persona{cores: []int{1}}
	set := map[string]bool{}
	for _, m := range stringLit.FindAllStringSubmatch(query, -1) {
		s := m[1] + m[2]
		if set[s] {
			continue
		}
		set[s] = true
		g.literals = append(g.literals, s)
		switch {
		case strings.HasSuffix(s, ".amazonaws.com"):
			g.sources = append(g.sources, s)
		case apiName.MatchString(s):
			g.names = append(g.names, s)
		}
	}
	code := stringLit.ReplaceAllString(query, `""`)
	keys := map[string]bool{}
	// Dotted members from the code without its literals; bracketed ones
	// (["accountIdsToAdd"]) from the query as written.
	refs := append(memberRef.FindAllStringSubmatch(code, -1), bracketRef.FindAllStringSubmatch(query, -1)...)
	for _, m := range refs {
		k := strings.Join(m[1:], "")
		if k != "" && !keys[k] {
			keys[k] = true
			g.keys = append(g.keys, k)
		}
	}
	g.compared = map[string][]string{}
	for _, m := range comparison.FindAllStringSubmatch(query, -1) {
		if lit := m[2] + m[3]; !slices.Contains(g.compared[m[1]], lit) {
			g.compared[m[1]] = append(g.compared[m[1]], lit)
		}
	}
	for _, m := range inList.FindAllStringSubmatch(query, -1) {
		for _, l := range stringLit.FindAllStringSubmatch(m[2], -1) {
			if lit := l[1] + l[2]; !slices.Contains(g.compared[m[1]], lit) {
				g.compared[m[1]] = append(g.compared[m[1]], lit)
			}
		}
	}
	// A column assigned from a member: the member takes the column's
	// literals too.
	for _, m := range assigned.FindAllStringSubmatch(query, -1) {
		lits := g.compared[m[1]]
		ref := lastRef.FindStringSubmatch(m[2])
		if len(lits) == 0 || ref == nil {
			continue
		}
		member := ref[1] + ref[2]
		for _, lit := range lits {
			if !slices.Contains(g.compared[member], lit) {
				g.compared[member] = append(g.compared[member], lit)
			}
		}
	}
	g.emptied = map[string]bool{}
	for _, m := range emptyFn.FindAllStringSubmatch(code, -1) {
		g.emptied[m[1]] = true
	}
	for _, n := range numberLit.FindAllString(code, -1) {
		g.numbers = append(g.numbers, n)
	}
	if len(g.names) == 0 {
		g.names = []string{"RunInstances"}
	}
	if len(g.sources) == 0 {
		g.sources = []string{"ec2.amazonaws.com"}
	}
	g.literals = append(g.literals, "Success", "Failure", "Yes", "No", "true", "false")
	g.numbers = append(g.numbers, "0", "1", "22", "443", "3389", "65535", "-1")
	sort.Strings(g.keys)
	return g
}

// choose returns one of xs at random.
func choose[T any](g *corpusGen, xs ...T) T { return xs[g.r.IntN(len(xs))] }

// records returns n records of a few identities.
func (g *corpusGen) records(n int) [][]byte {
	personas := make([]persona, 3+g.r.IntN(5))
	g.seed.base = g.base
	for i := range personas {
		personas[i] = g.seed.persona()
	}
	out := make([][]byte, n)
	for i := range out {
		out[i] = []byte(g.record(personas[g.r.IntN(len(personas))]))
	}
	return out
}

// record is one event of persona p.
func (g *corpusGen) record(p persona) string {
	var o object
	add := func(key, raw string) {
		if raw != "" {
			o = append(o, member{key, raw})
		}
	}
	at := g.base.Add(time.Duration(g.r.IntN(24*60)) * time.Minute).Add(time.Duration(g.r.IntN(60)) * time.Second)
	if g.chance(0.25) {
		// The last three hours before corpusNow, where the rules'
		// ago(1h) and ago(2h) look.
		at = corpusNow.Add(-time.Duration(1+g.r.IntN(3*3600)) * time.Second)
	}
	add("eventVersion", jstr("1.09"))
	add("userIdentity", g.identity(p))
	add("eventTime", jstr(at.Format(time.RFC3339)))
	add("eventSource", jstr(choose(g, append(g.sources, "ec2.amazonaws.com", "iam.amazonaws.com")...)))
	add("eventName", g.eventName())
	add("awsRegion", jstr(choose(g, "us-east-1", "eu-west-1", "ap-southeast-2")))
	add("sourceIPAddress", g.seed.variant(p.ip))
	add("userAgent", choose(g, g.seed.variant(p.ua), jstr(choose(g, g.literals...))))
	switch g.r.IntN(8) {
	case 0:
		add("errorCode", jstr(choose(g, "AccessDenied", "Client.UnauthorizedOperation", choose(g, g.literals...))))
		add("errorMessage", jstr("An error occurred"))
	case 1:
		add("errorMessage", choose(g, `""`, "null", jstr(choose(g, g.literals...))))
	}
	add("requestParameters", g.nested(0))
	add("responseElements", g.nested(0))
	if g.chance(0.5) {
		add("additionalEventData", g.nested(0))
	}
	add("requestID", jstr(fmt.Sprintf("req-%d", g.r.Uint32())))
	add("eventID", jstr(fmt.Sprintf("ev-%d", g.r.Uint32())))
	add("readOnly", choose(g, "true", "false"))
	add("resources", g.seed.resourcesVariant(p.resources))
	add("eventType", jstr(choose(g, "AwsApiCall", "AwsApiCall", "AwsConsoleSignIn", "AwsServiceEvent")))
	add("managementEvent", "true")
	add("recipientAccountId", choose(g, jstr("111122223333"), jstr("444455556666")))
	if g.chance(0.2) {
		add("serviceEventDetails", g.nested(1))
	}
	g.seed.shuffle(o)
	return o.String()
}

func (g *corpusGen) chance(p float64) bool { return g.r.Float64() < p }

// eventName is mostly a name the rule looks for, in its own or another
// letter case, sometimes another name.
func (g *corpusGen) eventName() string {
	name := choose(g, g.names...)
	switch g.r.IntN(10) {
	case 0:
		return jstr(strings.ToLower(name))
	case 1:
		return jstr(choose(g, "DescribeInstances", "GetCallerIdentity", "ListBuckets"))
	}
	return jstr(name)
}

// identity is the persona's userIdentity, sometimes with a session
// context whose fields take the rule's literals.
func (g *corpusGen) identity(p persona) string {
	if p.identity == "" || p.identity == "null" || !g.chance(0.3) {
		return p.identity
	}
	ctx := object{
		{"sessionIssuer", object{
			{"type", jstr("Role")},
			{"userName", jstr(choose(g, g.literals...))},
			{"arn", jstr("arn:aws:iam::111122223333:role/" + choose(g, "Admin", "ReadOnly", "AWSReservedSSO_x"))},
		}.String()},
		{"attributes", object{
			{"mfaAuthenticated", jstr(choose(g, "true", "false", "TRUE"))},
			{"creationDate", jstr(g.base.Format(time.RFC3339))},
		}.String()},
	}.String()
	id := strings.TrimSuffix(p.identity, "}")
	if id != "{" {
		id += ","
	}
	return id + `"sessionContext":` + ctx + "}"
}

// nested is a JSON value for a field the rule may read members of: an
// object of some of the member names the rule mentions, whose values are
// its literals, numbers, booleans, nested objects and arrays; or null,
// or the object held as JSON text.
func (g *corpusGen) nested(depth int) string {
	if depth == 0 {
		if g.chance(0.25) {
			return g.full(0)
		}
		switch g.r.IntN(12) {
		case 0:
			return ""
		case 1:
			return "null"
		case 2:
			return jstr(g.object(depth)) // the object held as text
		}
	}
	return g.object(depth)
}

func (g *corpusGen) object(depth int) string {
	var o object
	if depth < 3 && g.chance(0.3) {
		// Every member the rule reads, so that conditions on several of
		// them can hold together.
		for _, k := range g.keys {
			o = append(o, member{k, g.member(k, depth)})
		}
		return o.String()
	}
	n := 1 + g.r.IntN(4)
	for i := 0; i < n && len(g.keys) > 0; i++ {
		k := choose(g, g.keys...)
		o = append(o, member{k, g.member(k, depth)})
	}
	if g.chance(0.3) {
		o = append(o, member{"unrelated", jstr("x")})
	}
	return o.String()
}

// full is an object of every member name the rule reads, to depth 3: a
// member the query compares with literals takes them (member), any other
// an object of the same kind, an array of them or such an object held as
// JSON text. A rule that reads a chain of members (a policy document's
// Statement list, then each statement's Effect and Action) so finds the
// whole chain in one record.
func (g *corpusGen) full(depth int) string {
	var o object
	for _, k := range g.keys {
		if g.emptied[k] && g.chance(0.5) {
			continue
		}
		var v string
		switch {
		case len(g.compared[k]) > 0 || depth >= 3:
			v = g.member(k, depth)
		case g.chance(0.4):
			items := make([]string, g.r.IntN(3))
			for i := range items {
				items[i] = g.full(depth + 1)
			}
			v = "[" + strings.Join(items, ",") + "]"
		case g.chance(0.3):
			v = jstr(g.full(depth + 1))
		default:
			v = g.full(depth + 1)
		}
		o = append(o, member{k, v})
	}
	return o.String()
}

// member is the value of the member key: often a literal the query
// compares key with, or an array of all of them (whose text contains each),
// else any value.
func (g *corpusGen) member(key string, depth int) string {
	lits := g.compared[key]
	if len(lits) == 0 || g.chance(0.2) {
		return g.value(depth)
	}
	if len(lits) > 1 && g.chance(0.6) {
		items := make([]string, len(lits))
		for i, l := range lits {
			items[i] = jstr(l)
		}
		return "[" + strings.Join(items, ",") + "]"
	}
	return jstr(choose(g, lits...))
}

func (g *corpusGen) value(depth int) string {
	switch n := g.r.IntN(12); {
	case n < 5:
		s := choose(g, g.literals...)
		if g.chance(0.1) {
			s = strings.ToUpper(s)
		}
		return jstr(s)
	case n < 7:
		return choose(g, g.numbers...)
	case n == 7:
		return choose(g, "true", "false", "null")
	case n == 8 && depth < 3:
		return g.object(depth + 1)
	case n == 9 && depth < 3:
		// An array of objects, sometimes empty, sometimes with a null or
		// a string among them (what mv-expand meets in a policy's
		// Statement), or the whole array held as JSON text.
		items := make([]string, g.r.IntN(4))
		for i := range items {
			items[i] = choose(g, g.object(depth+1), g.object(depth+1), g.object(depth+1), "null", jstr(choose(g, g.literals...)))
		}
		arr := "[" + strings.Join(items, ",") + "]"
		if g.chance(0.1) {
			return jstr(arr)
		}
		return arr
	case n == 10:
		return jstr("arn:aws:iam::111122223333:" + choose(g, "user/", "role/") + choose(g, g.literals...))
	case n == 11:
		// A literal of the rule that is JSON text ('["all"]', '-1') as
		// the JSON value it spells.
		for _, l := range g.literals {
			if gjson.Valid(l) && g.chance(0.5) {
				return l
			}
		}
	}
	return strconv.Quote(choose(g, "0.0.0.0/0", "::/0", "10.0.0.0/8", "*"))
}
