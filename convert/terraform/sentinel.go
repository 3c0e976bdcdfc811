package terraform

import (
	"fmt"

	"github.com/ruleport/ruleport/convert"
	"github.com/ruleport/ruleport/convert/rule"
	"github.com/zclconf/go-cty/cty"
)

// SentinelFile is the name of the file Sentinel returns, relative to the
// rule's output folder: a Terraform root module of its own, so its
// terraform block and variables never meet another target's.
const SentinelFile = "sentinel/main.tf"

// WorkspaceVariable is the input variable holding the Log Analytics
// workspace the rule is deployed to.
const WorkspaceVariable = "log_analytics_workspace_id"

// azurerm versions. The incident block with create_incident_enabled and
// by_entities exists in azurerm 3.x (the 3.111 and 3.112 provider schemas
// have it; TARGETS.md §1 names 3.109); more than 5 entity mappings on a
// scheduled rule needs 4.19 (TARGETS.md §1, and the 4.x docs: entity_mapping
// and sentinel_entity_mapping "together can't exceed 10").
const (
	azurermMin         = ">= 3.109"
	azurermManyMapping = ">= 4.19"
)

// Sentinel returns the Terraform for one rule: an
// azurerm_sentinel_alert_rule_scheduled or azurerm_sentinel_alert_rule_nrt
// resource (TARGETS.md §1), the terraform block requiring azurerm and the
// workspace variable. The file is verified before it is returned: it must
// parse, evaluate back to the rule's exact strings, and pass the embedded
// azurerm schema; a schema finding is reported at the rule field it came
// from. The rule is assumed valid (rule.Validate); Sentinel does not
// repeat those checks.
func Sentinel(r *rule.Rule) ([]convert.File, convert.Diagnostics) {
	res := SentinelResource(r)
	version := azurermMin
	if len(r.EntityMappings)+len(r.SentinelEntitiesMappings) > 5 {
		version = azurermManyMapping
	}
	scaffold := Scaffold{
		Providers: []Provider{{Name: "azurerm", Source: "hashicorp/azurerm", Version: version}},
		Variables: []Variable{{
			Name:        WorkspaceVariable,
			Description: "Resource id of the Log Analytics workspace Microsoft Sentinel is enabled on.",
			Type:        "string",
		}},
	}
	return module{target: "sentinel-tf", file: SentinelFile, scaffold: scaffold, blocks: []*Block{res}}.emit(r)
}

// SentinelResource is the resource block for r, every attribute carrying
// the rule field it comes from.
func SentinelResource(r *rule.Rule) *Block {
	typ := "azurerm_sentinel_alert_rule_scheduled"
	if r.Kind == rule.KindNRT {
		typ = "azurerm_sentinel_alert_rule_nrt"
	}
	b := &Block{Type: "resource", Labels: []string{typ, LocalName(r.Name)}}
	b.Add("name", cty.StringVal(r.ID), "id")
	b.AddVar("log_analytics_workspace_id", WorkspaceVariable)
	b.Add("display_name", cty.StringVal(r.Name), "name")
	if r.Description != "" {
		b.Add("description", cty.StringVal(r.Description), "description")
	}
	b.Add("severity", cty.StringVal(r.Severity), "severity")
	b.Add("enabled", cty.BoolVal(r.IsEnabled()), "enabled")
	b.Add("query", cty.StringVal(r.Query), "query")
	if r.Kind != rule.KindNRT {
		b.Add("query_frequency", cty.StringVal(rule.FormatISODuration(r.QueryFrequency)), "queryFrequency")
		b.Add("query_period", cty.StringVal(rule.FormatISODuration(r.QueryPeriod)), "queryPeriod")
		b.Add("trigger_operator", cty.StringVal(r.TriggerOperator), "triggerOperator")
		b.Add("trigger_threshold", cty.NumberIntVal(int64(r.TriggerThreshold)), "triggerThreshold")
	}
	// The ARM defaults (seed ARM), stated: azurerm's own default
	// suppression_duration is PT5H, not the PT1H the other targets use.
	b.Add("suppression_enabled", cty.BoolVal(r.IsSuppressionEnabled()), "suppressionEnabled")
	b.Add("suppression_duration", cty.StringVal(rule.FormatISODuration(r.Suppression())), "suppressionDuration")
	if len(r.Tactics) > 0 {
		b.Add("tactics", strList(r.Tactics), "tactics")
	}
	// azurerm has no sub-technique argument (TARGETS.md §1).
	if t := r.ParentTechniques(); len(t) > 0 {
		b.Add("techniques", strList(t), "relevantTechniques")
	}
	b.Add("alert_rule_template_guid", cty.StringVal(r.ID), "id")
	if r.Version != "" {
		b.Add("alert_rule_template_version", cty.StringVal(r.Version), "version")
	}
	if len(r.CustomDetails) > 0 {
		m := map[string]cty.Value{}
		for _, c := range r.CustomDetails {
			m[c.Key] = cty.StringVal(c.Column)
		}
		b.Add("custom_details", cty.MapVal(m), "customDetails")
	}
	sentinelBlocks(b, r)
	return b
}

func sentinelBlocks(b *Block, r *rule.Rule) {
	for i, em := range r.EntityMappings {
		p := fmt.Sprintf("entityMappings[%d]", i)
		e := b.Nest("entity_mapping", p)
		e.Add("entity_type", cty.StringVal(em.EntityType), p+".entityType")
		for j, fm := range em.FieldMappings {
			fp := fmt.Sprintf("%s.fieldMappings[%d]", p, j)
			f := e.Nest("field_mapping", fp)
			f.Add("identifier", cty.StringVal(fm.Identifier), fp+".identifier")
			f.Add("column_name", cty.StringVal(fm.ColumnName), fp+".columnName")
		}
	}
	for i, m := range r.SentinelEntitiesMappings {
		p := fmt.Sprintf("sentinelEntitiesMappings[%d]", i)
		b.Nest("sentinel_entity_mapping", p).Add("column_name", cty.StringVal(m.ColumnName), p+".columnName")
	}
	if o := r.AlertDetailsOverride; o != nil {
		overrideBlock(b.Nest("alert_details_override", "alertDetailsOverride"), o)
	}
	switch {
	case r.EventGroupingSettings != nil:
		b.Nest("event_grouping", "eventGroupingSettings").Add("aggregation_method",
			cty.StringVal(r.EventGroupingSettings.AggregationKind), "eventGroupingSettings.aggregationKind")
	case r.Kind == rule.KindNRT:
		// Required for NRT rules in azurerm 4.x; the service's default
		// when the rule states none (azurerm's comment on the 3.x schema:
		// "the service will default it to SingleAlert").
		b.Nest("event_grouping", "").Add("aggregation_method", cty.StringVal("SingleAlert"), "")
	}
	if c := r.IncidentConfiguration; c != nil {
		incidentBlock(b.Nest("incident", "incidentConfiguration"), c)
	}
}

func overrideBlock(b *Block, o *rule.AlertDetailsOverride) {
	const p = "alertDetailsOverride."
	for _, a := range []struct{ name, val, src string }{
		{"description_format", o.DescriptionFormat, p + "alertDescriptionFormat"},
		{"display_name_format", o.DisplayNameFormat, p + "alertDisplayNameFormat"},
		{"severity_column_name", o.SeverityColumnName, p + "alertSeverityColumnName"},
		{"tactics_column_name", o.TacticsColumnName, p + "alertTacticsColumnName"},
	} {
		if a.val != "" {
			b.Add(a.name, cty.StringVal(a.val), a.src)
		}
	}
	for i, dp := range o.DynamicProperties {
		dpp := fmt.Sprintf("%salertDynamicProperties[%d]", p, i)
		d := b.Nest("dynamic_property", dpp)
		d.Add("name", cty.StringVal(dp.AlertProperty), dpp+".alertProperty")
		d.Add("value", cty.StringVal(dp.Value), dpp+".value")
	}
}

// incidentBlock writes incidentConfiguration. azurerm requires a grouping
// block inside incident; a rule without groupingConfiguration has grouping
// off, which is what an explicit enabled = false says.
func incidentBlock(b *Block, c *rule.IncidentConfiguration) {
	const p = "incidentConfiguration"
	b.Add("create_incident_enabled", cty.BoolVal(c.CreateIncident), p+".createIncident")
	g := c.Grouping
	if g == nil {
		b.Nest("grouping", p).Add("enabled", cty.False, p)
		return
	}
	const gp = p + ".groupingConfiguration"
	gb := b.Nest("grouping", gp)
	gb.Add("enabled", cty.BoolVal(g.Enabled), gp+".enabled")
	gb.Add("lookback_duration", cty.StringVal(rule.FormatISODuration(g.LookbackDuration)), gp+".lookbackDuration")
	gb.Add("reopen_closed_incidents", cty.BoolVal(g.ReopenClosedIncident), gp+".reopenClosedIncident")
	gb.Add("entity_matching_method", cty.StringVal(g.MatchingMethod), gp+".matchingMethod")
	for _, l := range []struct {
		name, src string
		items     []string
	}{
		{"by_entities", gp + ".groupByEntities", g.GroupByEntities},
		{"by_alert_details", gp + ".groupByAlertDetails", g.GroupByAlertDetails},
		{"by_custom_details", gp + ".groupByCustomDetails", g.GroupByCustomDetails},
	} {
		if len(l.items) > 0 {
			gb.Add(l.name, strList(l.items), l.src)
		}
	}
}

func strList(items []string) cty.Value {
	vals := make([]cty.Value, len(items))
	for i, s := range items {
		vals[i] = cty.StringVal(s)
	}
	return cty.ListVal(vals)
}
