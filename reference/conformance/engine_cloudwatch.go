package conformance

import (
	"context"

	"github.com/ruleport/ruleport/convert/cloudwatch"
	"github.com/ruleport/ruleport/reference/alerts"
	"github.com/ruleport/ruleport/reference/insightsengine"
	"github.com/ruleport/ruleport/reference/logs"
)

// prepareCloudWatch emits the rule's Logs Insights query with its fidelity
// notes. The window is not in the query text: Logs Insights takes the time
// range from its caller (the scheduled query's period when deployed), so
// the engine gets it as options; its loader sets @timestamp = eventTime.
// Logs Insights cannot tell null from "", so results compare with that
// equivalence (alerts.Options.NullEqualsEmpty).
func (j *Job) prepareCloudWatch() error {
	query, notes, diags := cloudwatch.EmitRule(j.Rule, cloudwatch.Options{})
	if len(diags) > 0 {
		return diags
	}
	j.Text = query
	j.Notes = cloudwatch.Warnings(j.Rule, notes)
	j.NullEqualsEmpty = true
	w := j.Window()
	opt := insightsengine.Options{Start: w.Start, End: w.End}
	j.run = func(_ context.Context, src logs.Source) (alerts.Table, error) {
		return insightsengine.Run(query, src, opt)
	}
	return nil
}
