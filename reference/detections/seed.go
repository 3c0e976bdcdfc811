package detections

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/logs"
)

// seed is "Suspicious AWS EC2 Compute Resource Deployments"
// (../shared/seed/SuspiciousAWSEC2ComputeResourceDeployments.yaml; the
// Azure-Sentinel corpus's v1.0.2 has the same id and query).
var seed = &Detection{
	RuleID:  "9e457dc4-81f0-4d25-bc37-a5fa4a17946a",
	Name:    "Suspicious AWS EC2 Compute Resource Deployments",
	Columns: seedColumns,
	Run:     runSeed,
}

// seedColumns are the query's output columns: the summarize's keys, then
// its aggregates.
var seedColumns = []string{"SourceIpAddress", "RecipientAccountId", "AccountName", "AccountUPNSuffix",
	"UserIdentityArn", "UserAgent", "Start", "end", "totalgpu"}

// seedKey is the summarize's by-clause. Keys are compared as they are:
// case-sensitive, and "" is an ordinary key (SEMANTICS.md §2, summarize).
type seedKey struct {
	SourceIpAddress, RecipientAccountId, AccountName, AccountUPNSuffix, UserIdentityArn, UserAgent string
}

// clone copies the key's strings: gjson's values are substrings of the
// whole record's text, and a key kept in the group map would otherwise keep
// every record that opened a group alive (memory growing with the log, not
// with the number of groups).
func (k seedKey) clone() seedKey {
	return seedKey{strings.Clone(k.SourceIpAddress), strings.Clone(k.RecipientAccountId), strings.Clone(k.AccountName),
		strings.Clone(k.AccountUPNSuffix), strings.Clone(k.UserIdentityArn), strings.Clone(k.UserAgent)}
}

// seedGroup is one group's aggregates; the zero times and hasSum false
// stand for null.
type seedGroup struct {
	start, end time.Time
	sum        int64
	hasSum     bool
}

// seedRow is what one record contributes after the extend steps.
type seedRow struct {
	key           seedKey
	timeGenerated time.Time // zero: null
	total         int64     // totalCorecompute
	hasTotal      bool      // false: null
}

func runSeed(src logs.Source, w logs.Window) (alerts.Table, error) {
	groups := map[seedKey]*seedGroup{}
	for {
		rec, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return alerts.Table{}, err
		}
		r := gjson.ParseBytes(rec.Raw)
		if !r.IsObject() || !gjson.ValidBytes(rec.Raw) {
			return alerts.Table{}, fmt.Errorf("%s:%d: not a JSON object", rec.Source, rec.Index)
		}
		row, ok := seedExtend(rec.Raw, r, w)
		if !ok {
			continue
		}
		summarizeSeed(groups, row)
	}
	return seedAlerts(groups), nil
}

// seedExtend runs the query from its table down to the summarize for one
// record, raw, parsed as r; ok is false when a where drops it.
func seedExtend(raw []byte, r gjson.Result, w logs.Window) (seedRow, bool) {
	// AWSCloudTrail
	// (TimeGenerated is eventTime, SEMANTICS.md §1; the window of §4 is
	// [now - queryPeriod, now) on it. logs.EventTime is the one reading
	// of eventTime every engine filters windows with; it is not the row
	// projection.)
	t, _ := logs.EventTime(raw)
	if !w.Contains(t) {
		return seedRow{}, false
	}
	// | where EventName =~ "RunInstances"
	if !equalsFold(column(field(r, "eventName")), "RunInstances") {
		return seedRow{}, false
	}
	// | where isempty(ErrorMessage)
	// (a string column is never null: isempty is == ""; " " is not empty.)
	if column(field(r, "errorMessage")) != "" {
		return seedRow{}, false
	}
	// | extend EventSourceSplit = split(EventSource, ".")
	// | extend Type = tostring(EventSourceSplit[0])
	// | extend instance = tostring(parse_json(RequestParameters).instanceType),platform = tostring(parse_json(ResponseElements).instancesSet.items[0].platform)
	// These columns never reach the output, and split, tostring and
	// member access cannot fail, so they are not computed.
	//
	// | extend OSplatform = iff(isempty(platform), tostring("Linux"), platform),CPU = tostring(parse_json(ResponseElements).instancesSet.items[0].cpuOptions),core = toint(parse_json(ResponseElements).instancesSet.items[0].cpuOptions.coreCount),corThread = toint(parse_json(ResponseElements).instancesSet.items[0].cpuOptions.threadsPerCore),InstanceId = tostring(parse_json(ResponseElements).instancesSet.items[0].instanceId)
	// Only core and corThread are used later; OSplatform, CPU and
	// InstanceId are dead like the columns above.
	cpu := member(element(member(member(parseJSONColumn(field(r, "responseElements")), "instancesSet"), "items"), 0), "cpuOptions")
	core, hasCore := toint(member(cpu, "coreCount"))
	corThread, hasThread := toint(member(cpu, "threadsPerCore"))
	// | where isnotempty(core)
	if !hasCore {
		return seedRow{}, false
	}
	// | extend totalCorecompute = core * corThread
	// (int times int is a long; null when either side is null.)
	row := seedRow{timeGenerated: t, total: core * corThread, hasTotal: hasThread}
	row.key = seedIdentity(r)
	return row, true
}

// seedIdentity runs the extend steps that name the account, and returns
// the summarize's keys.
func seedIdentity(r gjson.Result) seedKey {
	// | extend UserIdentityArn = iif(isempty(UserIdentityArn), tostring(parse_json(Resources)[0].ARN), UserIdentityArn)
	arn := column(field(r, "userIdentity", "arn"))
	if arn == "" {
		arn = tostring(member(element(parseJSONColumn(field(r, "resources")), 0), "ARN"))
	}
	// | extend UserName = tostring(split(UserIdentityArn, '/')[-1])
	userName := splitLast(arn, "/")
	// | extend AccountName = case( UserIdentityPrincipalid == "Anonymous", "Anonymous", isempty(UserIdentityUserName), UserName, UserIdentityUserName)
	// (== is case-sensitive.)
	var accountName string
	switch principal, identityUser := column(field(r, "userIdentity", "principalId")), column(field(r, "userIdentity", "userName")); {
	case principal == "Anonymous":
		accountName = "Anonymous"
	case identityUser == "":
		accountName = userName
	default:
		accountName = identityUser
	}
	// | extend AccountName = iif(AccountName contains "@", tostring(split(AccountName, '@', 0)[0]), AccountName),
	//   AccountUPNSuffix = iif(AccountName contains "@", tostring(split(AccountName, '@', 1)[0]), "")
	// Both expressions of one extend read its input row, so the suffix is
	// taken from the AccountName that still holds the "@" (SEMANTICS.md
	// §2, extend). contains is case-insensitive, which "@" does not feel.
	upnSuffix := ""
	if strings.Contains(accountName, "@") {
		accountName, upnSuffix = splitAt(accountName, "@", 0), splitAt(accountName, "@", 1)
	}
	return seedKey{
		SourceIpAddress:    column(field(r, "sourceIPAddress")),
		RecipientAccountId: column(field(r, "recipientAccountId")),
		AccountName:        accountName,
		AccountUPNSuffix:   upnSuffix,
		UserIdentityArn:    arn,
		UserAgent:          column(field(r, "userAgent")),
	}
}

// summarizeSeed adds one row to its group.
func summarizeSeed(groups map[seedKey]*seedGroup, row seedRow) {
	// | summarize Start= min(TimeGenerated),
	//   end=   max(TimeGenerated),
	//   totalgpu= sum(totalCorecompute)
	//   by SourceIpAddress, RecipientAccountId, AccountName, AccountUPNSuffix, UserIdentityArn, UserAgent
	// min and max skip null times; sum skips null totals, and a group with
	// no total left is null (Decisions: sum).
	g := groups[row.key]
	if g == nil {
		g = &seedGroup{}
		groups[row.key.clone()] = g
	}
	if t := row.timeGenerated; !t.IsZero() {
		if g.start.IsZero() || t.Before(g.start) {
			g.start = t
		}
		if g.end.IsZero() || t.After(g.end) {
			g.end = t
		}
	}
	if row.hasTotal {
		g.sum += row.total
		g.hasSum = true
	}
}

// seedAlerts applies the last two where clauses and builds the sorted
// table.
func seedAlerts(groups map[seedKey]*seedGroup) alerts.Table {
	tab := alerts.Table{Columns: seedColumns}
	for k, g := range groups {
		// | where totalgpu > 800
		// (strict; a null total compares false.)
		if !g.hasSum || g.sum <= 800 {
			continue
		}
		// | where datetime_diff('hour', end, Start) < 8
		// (hour boundaries crossed; null when a time is null, which
		// compares false.)
		if g.start.IsZero() || hoursDiff(g.end, g.start) >= 8 {
			continue
		}
		tab.Rows = append(tab.Rows, []any{k.SourceIpAddress, k.RecipientAccountId, k.AccountName,
			k.AccountUPNSuffix, k.UserIdentityArn, k.UserAgent, g.start, g.end, g.sum})
	}
	tab.Sort()
	return tab
}
