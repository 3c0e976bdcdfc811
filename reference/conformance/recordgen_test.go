package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// This file is the generator of the differential tests: CloudTrail records
// that combine, at random, every dimension of SEMANTICS.md §3 and the
// quirks of real logs, grouped so that many summarize groups cross the
// seed rule's threshold of 800 (few identities, many launches each).
//
// A record is built as an ordered list of members holding raw JSON text,
// so that the generator can write what encoding/json cannot: duplicate
// keys, keys in any order and letter case, numbers spelt 4.0 or 1e2,
// strings with escapes, truncated JSON held as text. Each record carries
// the classes of input it contains (a class set), so that a comparison can
// leave out, for one engine only, exactly the classes on which that
// engine is known to differ (differential_test.go, tolerated).

// class is a set of input classes a record belongs to.
type class uint32

// The classes an engine may be known to differ on. Every other input must
// give the same alerts in every engine.
const (
	// classNegFraction: a negative number with a fraction where toint
	// reads it (Logs Insights' floor rounds it down: note toint-floor).
	classNegFraction class = 1 << iota
	// classBeyond32: a number toint reads that is outside 32 bits
	// (floor keeps it: note toint-floor).
	classBeyond32
	// classNumSpace: numeric text with white space around it (floor does
	// not read it: note toint-floor).
	classNumSpace
	// classBigProduct: a product beyond 2^40, whose sums could pass 2^53
	// (Logs Insights numbers are doubles: note double-arith).
	classBigProduct
	// classFold: a letter beyond ASCII that Unicode lower-cases, in a
	// value compared ignoring case (note case-fold).
	classFold
	// classSubMilli: an eventTime with non-zero digits after the
	// milliseconds (Athena's timestamp(3); note event-time-text).
	classSubMilli
	// classNotADate: an eventTime of the right shape that is not a date
	// (Logs Insights' arithmetic counts on: note event-time-text).
	classNotADate
	// classKeyCase: a key the Athena table declares, written in another
	// letter case (Athena's JSON reader matches keys ignoring case).
	classKeyCase
	// classFieldType: a number, boolean, object or array where CloudTrail
	// writes a string (Logs Insights keeps the JSON type: field-type).
	classFieldType
)

// member is one key of a JSON object and its value as raw JSON text.
type member struct{ key, raw string }

// object is a JSON object's members in the order written.
type object []member

// String writes the object as compact JSON text.
func (o object) String() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(jstr(m.key))
		b.WriteByte(':')
		b.WriteString(m.raw)
	}
	b.WriteByte('}')
	return b.String()
}

// jstr is s as a JSON string, without the HTML escapes encoding/json adds.
func jstr(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		panic(err) // strings always encode
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// genRecord is one generated record and the classes it belongs to.
type genRecord struct {
	raw     []byte
	classes class
}

// genConfig says what a generator makes.
type genConfig struct {
	// Records is how many records a batch holds.
	Records int
	// Personas is how many identities share a batch's records.
	Personas int
}

// recordGen makes batches of records from one seed.
type recordGen struct {
	r   *rand.Rand
	cfg genConfig
	// base is the batch's first event time.
	base time.Time
	// cur collects the classes of the record being built; p is its
	// persona.
	cur class
	p   *persona
}

func newRecordGen(seed uint64, cfg genConfig) *recordGen {
	return &recordGen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), cfg: cfg}
}

// pick returns one of xs at random.
func pick[T any](g *recordGen, xs ...T) T { return xs[g.r.IntN(len(xs))] }

// chance is true with probability p.
func (g *recordGen) chance(p float64) bool { return g.r.Float64() < p }

// persona is one identity: the fields that make up the summarize keys.
// Each is raw JSON text, or "" for a field the record leaves out.
type persona struct {
	identity  string // userIdentity
	resources string
	ip, ua    string // sourceIPAddress, userAgent
	account   string // recipientAccountId
	// start is when its launches begin; span how long they go on.
	start time.Time
	span  time.Duration
	// cores are the core counts its launches use: small, medium or large
	// instances, so that totals fall on both sides of 800.
	cores []int
}

// batch returns one batch of records and an evaluation time among them.
func (g *recordGen) batch() ([]genRecord, time.Time) {
	g.base = g.baseTime()
	g.p = &persona{cores: []int{1}}
	personas := make([]persona, g.cfg.Personas)
	for i := range personas {
		personas[i] = g.persona()
	}
	recs := make([]genRecord, g.cfg.Records)
	for i := range recs {
		g.cur = 0
		g.p = &personas[g.r.IntN(len(personas))]
		raw := g.record(*g.p)
		recs[i] = genRecord{raw: []byte(raw), classes: g.cur}
	}
	// now lands among the events, so that the window cuts some groups.
	now := g.base.Add(time.Duration(g.r.IntN(30*60)) * time.Minute).Truncate(pick(g, time.Hour, time.Minute, time.Second))
	return recs, now
}

// baseTime is a start near a boundary of day, month or year.
func (g *recordGen) baseTime() time.Time {
	t := pick(g,
		time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 2, 28, 20, 0, 0, 0, time.UTC),
		time.Date(2025, 12, 31, 21, 0, 0, 0, time.UTC),
		time.Date(2024, 2, 28, 22, 0, 0, 0, time.UTC), // a leap year
		time.Date(2026, 1, 31, 19, 0, 0, 0, time.UTC),
	)
	return t.Add(time.Duration(g.r.IntN(180)) * time.Minute)
}

func (g *recordGen) persona() persona {
	p := persona{
		identity:  g.identity(),
		resources: g.resources(),
		ip:        g.keyString("198.51.100.7", "2001:db8::1:5", "2001:DB8::1:5", "ec2.amazonaws.com", "AWS Internal", " 192.0.2.1"),
		ua:        g.keyString("aws-cli/2.15.0 Python/3.11", "AWS-CLI/2.15.0 PYTHON/3.11", "Boto3/1.34", "console.ec2.amazonaws.com", "ünïcode-agent/1.0 \u2028"),
		account:   g.account(),
		start:     g.base.Add(time.Duration(g.r.IntN(12*60)) * time.Minute),
	}
	// Spans around the 8-boundary limit are the interesting ones.
	p.span = pick(g, 0, 30*time.Minute, time.Hour+59*time.Minute, 2*time.Hour, 6*time.Hour, 7*time.Hour,
		7*time.Hour+59*time.Minute, 7*time.Hour+59*time.Minute+59*time.Second, 8*time.Hour, 30*time.Hour)
	p.cores = pick(g, []int{2, 4, 8, 16}, []int{8, 16, 32, 48}, []int{16, 32, 48, 64, 96}, []int{96, 128, 224, 448})
	return p
}

// keyString is a group-key field: one of values, or absent, null or "".
func (g *recordGen) keyString(values ...string) string {
	switch g.r.IntN(10) {
	case 0:
		return ""
	case 1:
		return "null"
	case 2:
		return `""`
	}
	return jstr(pick(g, values...))
}

func (g *recordGen) account() string {
	switch g.r.IntN(12) {
	case 0:
		return ""
	case 1:
		return "null"
	case 2:
		return "111122223333" // a number: classFieldType when written
	}
	return jstr(pick(g, "111122223333", "444455556666"))
}

// userNames are IAM user and role session names, "@" in every position.
var userNames = []string{"maria.garcia", "a@b", "a@b@c", "@x", "x@", "@", "@@", "jane.doe@corp.example",
	"Builder", "builder", "jöhn@exämple.org", "ci-runner-7781", "A@B", "name with space", "", "日本@例え.jp"}

func (g *recordGen) identity() string {
	if g.chance(0.05) {
		return pick(g, "", "null")
	}
	name := pick(g, userNames...)
	typ := pick(g, "IAMUser", "AssumedRole", "Root", "AWSService", "AWSAccount", "FederatedUser", "IdentityCenterUser")
	o := object{{"type", jstr(typ)}}
	switch g.r.IntN(8) {
	case 0:
		o = append(o, member{"principalId", jstr("Anonymous")})
	case 1:
		o = append(o, member{"principalId", jstr(pick(g, "anonymous", "ANONYMOUS", " Anonymous", "Anonymous "))})
	case 2:
	default:
		o = append(o, member{"principalId", jstr("AIDAEXAMPLE:" + name)})
	}
	arn := ""
	switch typ {
	case "IAMUser":
		arn = "arn:aws:iam::111122223333:user/" + pick(g, "", "engineering/") + name
		if g.chance(0.7) {
			o = append(o, member{"userName", jstr(name)})
		}
	case "AssumedRole":
		arn = "arn:aws:sts::111122223333:assumed-role/" + pick(g, "BatchLauncher", "AWSReservedSSO_Admin_0123") + "/" + name
	case "Root":
		arn = "arn:aws:iam::111122223333:root"
	case "FederatedUser":
		arn = "arn:aws:sts::111122223333:federated-user/" + name
	}
	switch {
	case arn == "" || g.chance(0.1):
		// No arn: resources[0].ARN stands in.
		if g.chance(0.5) {
			o = append(o, member{"arn", pick(g, "null", `""`)})
		}
	default:
		if g.chance(0.1) {
			arn += "/" // a trailing slash: the last piece is ""
		}
		o = append(o, member{"arn", g.escaped(arn)})
	}
	if g.chance(0.1) {
		o = append(o, member{"userName", pick(g, "null", `""`, jstr("Anonymous"))})
	}
	o = append(o, member{"accountId", jstr("111122223333")})
	return o.String()
}

// escaped writes s as a JSON string, sometimes with "@" and "/" escaped
// (\u0040, \/), which every reader must decode.
func (g *recordGen) escaped(s string) string {
	q := jstr(s)
	if g.chance(0.15) {
		q = strings.ReplaceAll(strings.ReplaceAll(q, "@", `\u0040`), "/", `\/`)
	}
	return q
}

func (g *recordGen) resources() string {
	arn := pick(g, "arn:aws:ec2:us-east-1:111122223333:spot-fleet-request/sfr-0f1e", "arn:aws:iam::111122223333:role/x@y",
		"arn:aws:ec2:us-east-1:111122223333:instance/i-1", "no-slash-arn")
	switch g.r.IntN(9) {
	case 0:
		return ""
	case 1:
		return "null"
	case 2:
		return "[]"
	case 3:
		return `[{"ARN":null}]`
	case 4:
		return `[{"accountId":"111122223333"},{"ARN":` + jstr(arn) + `}]`
	case 5:
		return `[null,{"ARN":` + jstr(arn) + `}]`
	}
	return `[{"ARN":` + jstr(arn) + `,"accountId":"111122223333","type":"AWS::EC2::Instance"},{"ARN":"arn:aws:iam::111122223333:role/second"}]`
}

// eventNames are names the filter must take or leave.
var eventNames = []string{"RunInstances", "RunInstances", "RunInstances", "RunInstances", "runinstances", "RUNINSTANCES",
	"RunInstances ", " RunInstances", "StartInstances", "RunScheduledInstances", "RunInstanceS", "RunInstances\n"}

// record is one event of persona p.
func (g *recordGen) record(p persona) string {
	var o object
	add := func(key, raw string) {
		if raw != "" {
			o = append(o, member{key, raw})
		}
	}
	add("eventVersion", jstr("1.09"))
	add("userIdentity", p.identity)
	add("eventTime", g.eventTime(p))
	add("eventSource", pick(g, jstr("ec2.amazonaws.com"), jstr("ec2.amazonaws.com"), jstr("lightsail.amazonaws.com"), ""))
	add("eventName", g.eventName())
	add("awsRegion", jstr(pick(g, "us-east-1", "eu-west-1")))
	add("sourceIPAddress", g.variant(p.ip))
	add("userAgent", g.variant(p.ua))
	g.errorFields(add)
	add("requestParameters", pick(g, `{"instanceType":"u-6tb1.112xlarge"}`, "null", `{"instanceType":{"value":"x"}}`, ""))
	add("responseElements", g.responseElements())
	add("requestID", jstr(fmt.Sprintf("req-%d", g.r.Uint32())))
	add("eventID", jstr(fmt.Sprintf("ev-%d", g.r.Uint32())))
	add("readOnly", pick(g, "false", `"false"`, ""))
	add("resources", g.resourcesVariant(p.resources))
	add("eventType", jstr("AwsApiCall"))
	if p.account != "" && p.account[0] != '"' && p.account != "null" {
		g.cur |= classFieldType
	}
	add("recipientAccountId", p.account)
	if g.chance(0.1) {
		add("additionalEventData", pick(g, `{"x":1}`, `"text"`, "[]", "7", "null", `{"nested":{"deep":[1,{"a":null}]}}`))
	}
	if g.chance(0.1) {
		add("someUnknownField", pick(g, `{"nested":[1,2,{"deep":null}]}`, `"x"`, "12"))
	}
	o = g.keyQuirks(o)
	g.shuffle(o)
	return o.String()
}

// keyQuirks adds, sometimes, a duplicate of a key with another value, a
// key in another letter case or with a letter from another script, each
// marked with the class an engine may know it by.
func (g *recordGen) keyQuirks(o object) object {
	if len(o) == 0 || !g.chance(0.15) {
		return o
	}
	i := g.r.IntN(len(o))
	m := o[i]
	switch g.r.IntN(4) {
	case 0:
		// The same key again with another value: the last counts.
		dup := member{m.key, pick(g, "null", `""`, jstr("RunInstances"), `{"type":"Root","arn":"arn:aws:iam::111122223333:root"}`, "[]")}
		if (dup.raw[0] == '{' || dup.raw[0] == '[') && !nestedKey(m.key) {
			g.cur |= classFieldType
		}
		if g.chance(0.5) {
			return append(o, dup)
		}
		return append(object{dup}, o...)
	case 1:
		// The key in upper case: not the field to KQL and Logs Insights;
		// the Athena table reads keys ignoring case.
		o = append(o, member{strings.ToUpper(m.key), m.raw})
		if athenaKey(m.key) {
			g.cur |= classKeyCase
		}
		return o
	case 2:
		// A Cyrillic е (U+0435) for an e, or İ (U+0130) for an i: another
		// key to every reader. (Go's strings.ToLower makes İ an i; Java's
		// toLowerCase, which Athena's reader uses, makes it i and U+0307.)
		if g.chance(0.5) {
			return append(o, member{strings.Replace(m.key, "e", "\u0435", 1), m.raw})
		}
		return append(o, member{strings.Replace(strings.ToUpper(m.key), "I", "İ", -1), m.raw})
	}
	// A key nobody reads, holding a copy.
	return append(o, member{m.key + "_copy", m.raw})
}

// nestedKey reports whether key is a field CloudTrail writes as an object
// or array.
func nestedKey(key string) bool {
	switch key {
	case "userIdentity", "requestParameters", "responseElements", "additionalEventData", "resources", "serviceEventDetails":
		return true
	}
	return false
}

// athenaKey reports whether key (a top-level field) is a column of the
// Athena table.
func athenaKey(key string) bool {
	switch strings.ToLower(key) {
	case "eventversion", "useridentity", "eventtime", "eventsource", "eventname", "awsregion", "sourceipaddress",
		"useragent", "errorcode", "errormessage", "requestparameters", "responseelements", "additionaleventdata",
		"requestid", "eventid", "readonly", "resources", "eventtype", "apiversion", "recipientaccountid",
		"serviceeventdetails", "sharedeventid", "vpcendpointid":
		return true
	}
	return false
}

// variant is a group-key field as written in one record: mostly the
// persona's value, sometimes another spelling of the same key.
func (g *recordGen) variant(raw string) string {
	if raw == "" || raw == "null" || raw == `""` {
		return pick(g, "", "null", `""`)
	}
	return raw
}

// resourcesVariant sometimes writes the persona's resources another way.
func (g *recordGen) resourcesVariant(raw string) string {
	if g.chance(0.9) {
		return raw
	}
	return pick(g, "", "null", "[]")
}

func (g *recordGen) eventName() string {
	switch g.r.IntN(40) {
	case 0:
		return ""
	case 1:
		return "null"
	case 2:
		g.cur |= classFieldType
		return "5"
	case 3:
		g.cur |= classFold
		return jstr("RUNİNSTANCES") // U+0130 lower-cases to i in Unicode
	case 4:
		return jstr("RunInſtances") // U+017F folds to s in RE2's (?i)
	case 5:
		return `"Run\u0049nstances"` // an escaped I
	}
	return jstr(pick(g, eventNames...))
}

// errorFields writes errorCode and errorMessage in their shapes.
func (g *recordGen) errorFields(add func(key, raw string)) {
	switch g.r.IntN(13) {
	case 0:
		add("errorMessage", `""`)
	case 1:
		add("errorMessage", "null")
	case 2:
		add("errorMessage", `" "`)
	case 3:
		add("errorCode", jstr("Server.InsufficientInstanceCapacity"))
		add("errorMessage", jstr("We currently do not have sufficient capacity."))
	case 4:
		add("errorCode", jstr("Client.RequestLimitExceeded"))
	case 5:
		add("errorMessage", pick(g, "{}", "[]", "0", "false"))
		g.cur |= classFieldType
	}
}

// eventTime is the event's time in the persona's span, written in one of
// the forms logs take, or absent or unreadable.
func (g *recordGen) eventTime(p persona) string {
	if g.chance(0.03) {
		return pick(g, "", "null", `"yesterday"`, "1772413200", `"2026-03-02"`, `"2026-03-02T01:00:00"`,
			`"2026-03-02T01:00Z"`, `"2026-03-02t01:00:00z"`, `"2026-03-02T25:00:00Z"`)
	}
	if g.chance(0.01) {
		g.cur |= classNotADate
		return `"2026-02-30T01:00:00Z"`
	}
	var t time.Time
	switch g.r.IntN(4) {
	case 0:
		t = p.start
	case 1:
		t = p.start.Add(p.span)
	default:
		t = p.start
		if p.span > 0 {
			t = t.Add(time.Duration(g.r.Int64N(int64(p.span))))
		}
	}
	t = t.Truncate(pick(g, time.Second, time.Second, time.Second, time.Millisecond, time.Microsecond))
	if t.Nanosecond()%1e6 != 0 {
		g.cur |= classSubMilli
	}
	switch g.r.IntN(12) {
	case 0:
		return jstr(t.Format("2006-01-02T15:04:05.000Z"))
	case 1:
		return jstr(t.In(time.FixedZone("", 2*3600)).Format(time.RFC3339Nano))
	case 2:
		return jstr(t.In(time.FixedZone("", -(5*3600 + 30*60))).Format(time.RFC3339))
	case 3:
		return jstr(t.Format("2006-01-02 15:04:05.000000000"))
	case 4:
		return jstr(t.Format("2006-01-02 15:04:05Z"))
	case 5:
		return jstr(t.In(time.FixedZone("", 3600)).Format("2006-01-02 15:04:05-07:00"))
	case 6:
		return jstr(t.Format(time.RFC3339Nano))
	}
	return jstr(t.Format(time.RFC3339))
}

// cpuValue is a coreCount or threadsPerCore in one of its shapes, marked
// with the classes it belongs to. big picks the larger core counts.
func (g *recordGen) cpuValue(big bool) (string, class) {
	switch g.r.IntN(60) {
	case 0:
		return "", 0 // missing
	case 1:
		return "null", 0
	case 2:
		return pick(g, "true", "false"), 0
	case 3, 4:
		return pick(g, `"4"`, `"4.5"`, `"four"`, `""`, `"+4"`, `"1e2"`, `"0x10"`, `"4."`, `".5"`, `"4d"`, `"Infinity"`, `"１"`), 0
	case 5:
		return pick(g, `" 4"`, `"4\n"`, `"\t2"`), classNumSpace
	case 6, 7:
		return pick(g, "4.0", "4.7", "1e2", "2.5E1", "0.5", "0", "-4", "-0", "1E+1"), 0
	case 8:
		return pick(g, "-4.7", `"-0.5"`, "-1e-3"), classNegFraction
	case 9:
		return pick(g, "2147483648", "1e10", "9223372036854775807", "99999999999999999999", "-2147483649", `"3000000000"`), classBeyond32
	case 10:
		if g.chance(0.2) {
			return pick(g, "2147483647", "2147483647.9"), classBigProduct
		}
		return pick(g, "{}", "[4]", `{"value":4}`), 0
	}
	if big {
		return fmt.Sprint(pick(g, g.p.cores...)), 0
	}
	return fmt.Sprint(pick(g, 1, 1, 2, 2, 2, 4)), 0
}

// cpuOptions is an instance's cpuOptions object, or another shape; only
// items[0]'s counts reach toint.
func (g *recordGen) cpuOptions(first bool) string {
	switch g.r.IntN(25) {
	case 0:
		return "null"
	case 1:
		return `"4x2"`
	case 2:
		return "[]"
	}
	var o object
	c, cc := g.cpuValue(true)
	t, tc := g.cpuValue(false)
	if c != "" {
		o = append(o, member{"coreCount", c})
	}
	if t != "" {
		o = append(o, member{"threadsPerCore", t})
	}
	if g.chance(0.05) {
		o = append(o, member{"CoreCount", "1000"}) // another key to every reader
	}
	if g.chance(0.05) {
		// A duplicate: the last coreCount counts.
		o = append(o, member{"coreCount", pick(g, "8", "null", `"16"`)})
	}
	if first {
		g.cur |= cc | tc
	}
	g.shuffle(o)
	return o.String()
}

// item is one instance of a launch.
func (g *recordGen) item(first bool) string {
	o := object{
		{"instanceId", jstr(fmt.Sprintf("i-%08x", g.r.Uint32()))},
		{"instanceType", jstr(pick(g, "u-6tb1.112xlarge", "m7i.48xlarge", "t2.micro"))},
	}
	if g.chance(0.1) {
		o = append(o, member{"platform", jstr("windows")})
	}
	if g.chance(0.97) {
		o = append(o, member{"cpuOptions", g.cpuOptions(first)})
	}
	return o.String()
}

// responseElements is the launch's response in one of its shapes.
func (g *recordGen) responseElements() string {
	switch g.r.IntN(30) {
	case 0:
		return ""
	case 1:
		return "null"
	case 2:
		return "{}"
	case 3:
		return `{"instancesSet":{"items":[]}}`
	case 4:
		return `{"instancesSet":{"items":{}}}`
	case 5:
		return `{"instancesSet":[]}`
	case 6:
		return jstr("not json")
	case 7:
		return "[]"
	case 8:
		return `{"instancesSet":{"items":[null,{"cpuOptions":{"coreCount":448,"threadsPerCore":2}}]}}`
	}
	n := 1 + g.r.IntN(3)
	if g.chance(0.02) {
		n = 300 // a large launch: about 40 kB of response
	}
	items := make([]string, n)
	before := g.cur
	for i := range items {
		items[i] = g.item(i == 0)
	}
	full := `{"requestId":"r-1","reservationId":"r-0a1b","instancesSet":{"items":[` + strings.Join(items, ",") + `]},"ownerId":"111122223333"}`
	switch g.r.IntN(12) {
	case 0:
		// Truncated text, as CloudTrail writes an oversized response: no
		// member of it counts, whatever its items held.
		g.cur = before
		cut := 1 + g.r.IntN(len(full)-1)
		return jstr(full[:cut])
	case 1:
		return jstr(full) // the whole response held as text
	}
	return full
}

// shuffle reorders an object's members, sometimes.
func (g *recordGen) shuffle(o object) {
	if g.chance(0.8) {
		return
	}
	g.r.Shuffle(len(o), func(i, j int) { o[i], o[j] = o[j], o[i] })
}
