// Package detections holds ruleport's ground truth: each reference rule's
// detection written by hand in Go over raw CloudTrail records, read with
// gjson. It uses neither the KQL front end nor the AWSCloudTrail projection
// of reference/logs, so that a bug there cannot hide itself by appearing
// on both sides of a comparison. Each step names the KQL line it mirrors.
package detections

import (
	"sort"
	"strings"

	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/logs"
)

// Detection is one rule's hand-written detection.
type Detection struct {
	// RuleID is the Sentinel rule's id, lower-case.
	RuleID string
	// Name is the rule's display name.
	Name string
	// Columns are the rule query's output columns, in order.
	Columns []string
	// Run reads every record of src, keeps those whose eventTime falls in
	// w, and returns the alerts, sorted. It stops at the first error src
	// returns.
	Run func(src logs.Source, w logs.Window) (alerts.Table, error)
}

// all is every detection, sorted by RuleID.
var all = sortByID([]*Detection{seed})

func sortByID(ds []*Detection) []*Detection {
	sort.Slice(ds, func(i, j int) bool { return ds[i].RuleID < ds[j].RuleID })
	return ds
}

// Lookup returns the detection for a rule id. Rule ids are GUIDs, whose
// letter case carries no meaning, so any case matches.
func Lookup(ruleID string) (*Detection, bool) {
	id := strings.ToLower(strings.TrimSpace(ruleID))
	for _, d := range all {
		if d.RuleID == id {
			return d, true
		}
	}
	return nil, false
}

// All returns every detection, sorted by rule id. The slice is a copy;
// the detections are shared.
func All() []*Detection {
	return append([]*Detection(nil), all...)
}
