package rule

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// ARMOptions controls WriteARM.
type ARMOptions struct {
	// SourceURI, when set, is written as the OriginalUri property of every
	// rule, as Microsoft's tooling records the YAML file an ARM template
	// was made from. A rule read from ARM keeps its own OriginalUri
	// otherwise.
	SourceURI string
}

// ARM template constants of TARGETS.md §1; the seed ARM
// (../shared/seed/*.arm.json) is the reference output.
const (
	armSchema       = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
	armType         = "Microsoft.OperationalInsights/workspaces/providers/alertRules"
	armAPIVersion   = "2024-01-01-preview"
	armContentVer   = "1.0.0.0"
	armWorkspaceArg = "workspace"
)

// WriteARM returns one ARM template deploying rules, in the layout of the
// seed ARM: properties in case-insensitive alphabetical order as
// Microsoft's tooling writes them, except customDetails, which keep their
// written order so that YAML -> ARM -> YAML gives the same YAML back.
// Empty lists that the seed writes (subTechniques, tactics, techniques)
// are always written; optional objects only when the rule has them.
func WriteARM(rules []*Rule, opts ARMOptions) ([]byte, error) {
	var resources []any
	for _, r := range rules {
		res, err := armResource(r, opts)
		if err != nil {
			return nil, err
		}
		resources = append(resources, res)
	}
	tmpl := object{
		{"$schema", armSchema},
		{"contentVersion", armContentVer},
		{"parameters", object{{armWorkspaceArg, object{{"type", "String"}}}}},
		{"resources", resources},
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // KQL is full of < and >; keep them readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(tmpl); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func armResource(r *Rule, opts ARMOptions) (object, error) {
	if r.ID == "" {
		return nil, fmt.Errorf("%s: rule has no id", r.File)
	}
	props, err := armProperties(r, opts)
	if err != nil {
		return nil, err
	}
	return object{
		{"apiVersion", armAPIVersion},
		{"id", fmt.Sprintf("[concat(resourceId('Microsoft.OperationalInsights/workspaces/providers', parameters('%s'), 'Microsoft.SecurityInsights'),'/alertRules/%s')]", armWorkspaceArg, r.ID)},
		{"kind", r.Kind},
		{"name", fmt.Sprintf("[concat(parameters('%s'),'/Microsoft.SecurityInsights/%s')]", armWorkspaceArg, r.ID)},
		{"properties", props},
		{"type", armType},
	}, nil
}

func armProperties(r *Rule, opts ARMOptions) (object, error) {
	p := object{
		{"alertRuleTemplateName", r.ID},
		{"displayName", r.Name},
		{"enabled", r.IsEnabled()},
		{"query", r.Query},
		{"severity", r.Severity},
		{"subTechniques", nonNil(r.SubTechniques())},
		{"suppressionDuration", FormatISODuration(r.Suppression())},
		{"suppressionEnabled", r.IsSuppressionEnabled()},
		{"tactics", nonNil(r.Tactics)},
		{"techniques", nonNil(r.ParentTechniques())},
	}
	add := func(k string, v any) { p = append(p, member{k, v}) }
	if r.Description != "" {
		add("description", r.Description)
	}
	if r.Version != "" {
		add("templateVersion", r.Version)
	}
	if uri := cmp.Or(opts.SourceURI, r.OriginalURI); uri != "" {
		add("OriginalUri", uri)
	}
	if r.Kind != KindNRT {
		if r.QueryFrequency > 0 {
			add("queryFrequency", FormatISODuration(r.QueryFrequency))
		}
		if r.QueryPeriod > 0 {
			add("queryPeriod", FormatISODuration(r.QueryPeriod))
		}
		if r.TriggerOperator != "" {
			add("triggerOperator", r.TriggerOperator)
		}
		add("triggerThreshold", r.TriggerThreshold)
	}
	if len(r.CustomDetails) > 0 {
		cd := object{}
		for _, c := range r.CustomDetails {
			cd = append(cd, member{c.Key, c.Column})
		}
		add("customDetails", cd)
	}
	armNested(r, add)
	sort.SliceStable(p, func(i, j int) bool { return strings.ToLower(p[i].key) < strings.ToLower(p[j].key) })
	return p, nil
}

// armNested adds the object-valued properties, in the API's spelling.
func armNested(r *Rule, add func(string, any)) {
	if len(r.EntityMappings) > 0 {
		var ems []any
		for _, em := range r.EntityMappings {
			var fms []any
			for _, fm := range em.FieldMappings {
				fms = append(fms, object{{"columnName", fm.ColumnName}, {"identifier", fm.Identifier}})
			}
			ems = append(ems, object{{"entityType", em.EntityType}, {"fieldMappings", nonNil(fms)}})
		}
		add("entityMappings", ems)
	}
	if len(r.SentinelEntitiesMappings) > 0 {
		var ms []any
		for _, m := range r.SentinelEntitiesMappings {
			ms = append(ms, object{{"columnName", m.ColumnName}})
		}
		add("sentinelEntitiesMappings", ms)
	}
	if o := r.AlertDetailsOverride; o != nil {
		add("alertDetailsOverride", armOverride(o))
	}
	if g := r.EventGroupingSettings; g != nil {
		add("eventGroupingSettings", object{{"aggregationKind", g.AggregationKind}})
	}
	if c := r.IncidentConfiguration; c != nil {
		ic := object{{"createIncident", c.CreateIncident}}
		if g := c.Grouping; g != nil {
			ic = append(ic, member{"groupingConfiguration", object{
				{"enabled", g.Enabled},
				{"groupByAlertDetails", nonNil(g.GroupByAlertDetails)},
				{"groupByCustomDetails", nonNil(g.GroupByCustomDetails)},
				{"groupByEntities", nonNil(g.GroupByEntities)},
				{"lookbackDuration", FormatISODuration(g.LookbackDuration)},
				{"matchingMethod", g.MatchingMethod},
				{"reopenClosedIncident", g.ReopenClosedIncident},
			}})
		}
		add("incidentConfiguration", ic)
	}
}

func armOverride(o *AlertDetailsOverride) object {
	out := object{}
	if o.DescriptionFormat != "" {
		out = append(out, member{"alertDescriptionFormat", o.DescriptionFormat})
	}
	if o.DisplayNameFormat != "" {
		out = append(out, member{"alertDisplayNameFormat", o.DisplayNameFormat})
	}
	if len(o.DynamicProperties) > 0 {
		var dps []any
		for _, dp := range o.DynamicProperties {
			dps = append(dps, object{{"alertProperty", dp.AlertProperty}, {"value", dp.Value}})
		}
		out = append(out, member{"alertDynamicProperties", dps})
	}
	if o.SeverityColumnName != "" {
		out = append(out, member{"alertSeverityColumnName", o.SeverityColumnName})
	}
	if o.TacticsColumnName != "" {
		out = append(out, member{"alertTacticsColumnName", o.TacticsColumnName})
	}
	return out
}

// object is a JSON object that keeps its member order, so the output is
// the same bytes on every run.
type object []member

type member struct {
	key string
	val any
}

// MarshalJSON writes the members in order.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := writeJSON(&b, m.key); err != nil {
			return nil, err
		}
		b.WriteByte(':')
		if err := writeJSON(&b, m.val); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func writeJSON(b *bytes.Buffer, v any) error {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b.Truncate(b.Len() - 1) // Encode's newline
	return nil
}

// nonNil turns a nil slice into an empty one, which JSON writes as [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
