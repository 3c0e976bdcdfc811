package conformance

import (
	"strings"
	"testing"
	"time"

	"github.com/ruleport/ruleport/convert/rule"
)

// quirkRecords are records of real-log quirks and worse, each one a
// RunInstances of 448 x 2 so that a quirk reaches the rule's later steps,
// with the classes of input they belong to (recordgen_test.go). No engine
// may fail on any of them.
func quirkRecords() []genRecord {
	launch := `"eventName":"RunInstances","eventTime":"2026-03-02T10:00:00Z","sourceIPAddress":"192.0.2.9","userAgent":"q",` +
		`"responseElements":{"instancesSet":{"items":[{"cpuOptions":{"coreCount":448,"threadsPerCore":2}}]}}`
	with := func(members string) string {
		if members == "" {
			return "{" + launch + "}"
		}
		return "{" + launch + "," + members + "}"
	}
	huge := `"requestParameters":{"tagSpecificationSet":{"items":[` + strings.Repeat(`{"key":"k","value":"`+strings.Repeat("v", 200)+`"},`, 900) + `{}]}}`
	deep := `"additionalEventData":` + strings.Repeat(`{"a":`, 400) + "1" + strings.Repeat("}", 400)
	plain := []string{
		"",
		`"userIdentity":null`,
		`"userIdentity":"arn:aws:iam::111122223333:user/s"`,
		`"userIdentity":["a"]`,
		`"userIdentity":7`,
		`"userIdentity":{"sessionContext":"x","type":"AssumedRole"}`,
		`"userIdentity":{"sessionContext":{"attributes":[1],"sessionIssuer":null}}`,
		`"resources":{"ARN":"x"}`,
		`"resources":"arn:aws:s3:::b"`,
		`"resources":[1,"x",null,{"ARN":5}]`,
		`"requestParameters":null`,
		`"requestParameters":"text"`,
		`"requestParameters":[1,2]`,
		`"additionalEventData":"x"`,
		`"additionalEventData":[{"a":null}]`,
		`"additionalEventData":12.5`,
		`"serviceEventDetails":"x"`,
		`"tlsDetails":"TLSv1.3"`,
		`"eventTime":null`,
		`"eventTime":1772445600`,
		`"eventTime":{"t":1}`,
		`"eventTime":"not a time"`,
		`"errorCode":{"code":1}`,
		`"readOnly":"maybe","managementEvent":{"x":1}`,
		// A NUL and a lone surrogate, both escaped: valid JSON text.
		`"userIdentity":{"userName":"nul\u0000name","arn":"arn:aws:iam::1:user/\ud800"}`,
		huge,
		deep,
		`"responseElements":"` + strings.Repeat("x", 1<<20) + `"`,
	}
	// A number or object where CloudTrail writes a string: Logs Insights
	// keeps the JSON type (note field-type).
	fieldType := []string{
		`"errorMessage":["a"]`,
		`"sourceIPAddress":12`,
		`"userAgent":{"a":1}`,
		`"recipientAccountId":111122223333`,
	}
	var out []genRecord
	for _, m := range plain {
		out = append(out, genRecord{raw: []byte(with(m))})
	}
	for _, m := range fieldType {
		out = append(out, genRecord{raw: []byte(with(m)), classes: classFieldType})
	}
	return out
}

// TestQuirksEveryEngine runs every engine on the quirk records, each alone
// and all together for the seed rule, all together for every corpus rule
// the engines take, with and without a now: none may fail. For the seed
// rule the alerts must also be the reference's, outside the classes an
// engine is known to differ on.
func TestQuirksEveryEngine(t *testing.T) {
	quirks := quirkRecords()
	all := outside(quirks, 0)
	seed := seedRule(t)
	rules := []*rule.Rule{seed}
	takers := map[*rule.Rule][]string{}
	if !testing.Short() {
		corpus, _ := corpusRules(t)
		for _, c := range corpus {
			rules = append(rules, c.Rule)
			takers[c.Rule] = append([]string{KQL}, c.engines...)
		}
	}
	now := time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)
	for _, r := range rules {
		engines, runs := takers[r], [][][]byte{all}
		if r == seed {
			engines = Engines()
			for _, q := range all {
				runs = append(runs, [][]byte{q})
			}
		}
		for _, at := range []time.Time{{}, now} {
			for _, e := range engines {
				for i, recs := range runs {
					_, _, err := runEngine(t, r, e, recs, at)
					// The KQL interpreter refuses, rather than guesses, a
					// comparison Kusto does not document (a dynamic string
					// == a bool): an unsupported error, not a crash.
					if err != nil && !strings.Contains(err.Error(), "Kusto documents no rule for it") {
						t.Errorf("%s, %s, now %v, run %d: %v", r.Name, e, at, i, err)
					}
				}
			}
			if r != seed {
				continue
			}
			for _, e := range []string{KQL, Athena, CloudWatch} {
				if d := compareEngine(t, r, e, outside(quirks, tolerated[e]), at); d != "" {
					t.Errorf("seed rule, %s, now %v: %s", e, at, d)
				}
			}
		}
	}
}
