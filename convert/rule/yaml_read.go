package rule

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// yamlFields are the keys of an Azure-Sentinel YAML rule: the fields of
// TARGETS.md §1 and the ARM-only properties (enabled, suppression*,
// incidentConfiguration, sentinelEntitiesMappings) under their ARM names,
// so that ARM -> YAML -> ARM loses nothing.
var yamlFields = []string{
	"id", "name", "description", "severity", "status", "requiredDataConnectors",
	"queryFrequency", "queryPeriod", "triggerOperator", "triggerThreshold",
	"tactics", "relevantTechniques", "tags", "query", "entityMappings",
	"sentinelEntitiesMappings", "customDetails", "alertDetailsOverride",
	"eventGroupingSettings", "incidentConfiguration", "enabled",
	"suppressionEnabled", "suppressionDuration", "metadata", "version", "kind",
}

// yamlHints explain keys that belong to the ARM form, not the YAML one.
var yamlHints = map[string]string{
	"displayname":     `the YAML form calls it "name"`,
	"techniques":      `the YAML form lists techniques under "relevantTechniques"`,
	"subtechniques":   `the YAML form lists sub-techniques under "relevantTechniques"`,
	"templateversion": `the YAML form calls it "version"`,
}

// triggerOperators maps every accepted spelling to the ARM name. The YAML
// short forms are those of Azure-Sentinel's
// ScheduledTemplateTriggerOperatorConverter; "ge", "le" and "Equals" are
// deliberately absent (TARGETS.md: a known converter bug, not API values).
var triggerOperators = map[string]string{
	"gt": "GreaterThan", "lt": "LessThan", "eq": "Equal", "ne": "NotEqual",
	"GreaterThan": "GreaterThan", "LessThan": "LessThan", "Equal": "Equal", "NotEqual": "NotEqual",
}

// readYAML fills a Rule from the mapping at the root of a YAML rule file.
func readYAML(d *decoder, root *yaml.Node) *Rule {
	r := &Rule{File: d.file, Format: FormatYAML, start: d.src.nodePos(root)}
	d.r = r
	for _, f := range d.fields(root, "the rule", yamlFields, yamlHints) {
		d.record(f.name, f.key, f.val)
		d.yamlField(r, f)
	}
	return r
}

func (d *decoder) yamlField(r *Rule, f entry) {
	v, p := f.val, f.name
	switch p {
	case "id":
		r.ID, _ = d.str(v, p)
	case "name":
		r.Name, _ = d.str(v, p)
	case "description":
		r.Description, _ = d.str(v, p)
	case "severity":
		r.Severity, _ = d.str(v, p)
	case "status":
		r.Status, _ = d.str(v, p)
	case "version":
		r.Version, _ = d.str(v, p)
	case "kind":
		r.Kind, _ = d.str(v, p)
	case "query":
		d.query(r, v)
	case "queryFrequency":
		r.QueryFrequency, _ = d.duration(v, p)
	case "queryPeriod":
		r.QueryPeriod, _ = d.duration(v, p)
	case "suppressionDuration":
		r.SuppressionDuration, _ = d.duration(v, p)
	case "triggerOperator":
		r.TriggerOperator = d.triggerOperator(v, p)
	case "triggerThreshold":
		r.TriggerThreshold, _ = d.integer(v, p)
	case "enabled", "suppressionEnabled":
		if b, ok := d.boolean(v, p); ok {
			if p == "enabled" {
				r.Enabled = &b
			} else {
				r.SuppressionEnabled = &b
			}
		}
	case "tactics":
		r.Tactics, _ = d.strList(v, p, p)
	case "relevantTechniques":
		r.Techniques, _ = d.strList(v, p, p)
	case "tags", "metadata":
		d.freeForm(r, v, p)
	default:
		d.nestedField(r, f)
	}
}

// nestedField reads the fields that hold objects and lists of objects,
// shared with the ARM reader.
func (d *decoder) nestedField(r *Rule, f entry) {
	v, p := f.val, f.name
	switch p {
	case "requiredDataConnectors":
		r.RequiredDataConnectors = d.dataConnectors(v, p)
	case "entityMappings":
		r.EntityMappings = d.entityMappings(v, p)
	case "sentinelEntitiesMappings":
		r.SentinelEntitiesMappings = d.sentinelEntitiesMappings(v, p)
	case "customDetails":
		r.CustomDetails = d.customDetails(v, p)
	case "alertDetailsOverride":
		r.AlertDetailsOverride = d.alertDetailsOverride(v, p)
	case "eventGroupingSettings":
		r.EventGroupingSettings = d.eventGroupingSettings(v, p)
	case "incidentConfiguration":
		r.IncidentConfiguration = d.incidentConfiguration(v, p)
	}
}

func (d *decoder) triggerOperator(v *yaml.Node, p string) string {
	s, ok := d.str(v, p)
	if !ok {
		return ""
	}
	if arm, known := triggerOperators[s]; known {
		return arm
	}
	return s // Validate reports it as written
}

// freeForm keeps tags and metadata whole: the YAML writer puts them back,
// and nothing else reads them.
func (d *decoder) freeForm(r *Rule, v *yaml.Node, p string) {
	if p == "tags" && !d.list(v, p) {
		return
	}
	if p == "metadata" && !d.mapping(v, p) {
		return
	}
	if p == "tags" {
		r.Tags = bare(v)
	} else {
		r.Metadata = bare(v)
	}
}

// query reads the query, maps its offsets to the file, and warns when the
// YAML style has already changed it: a plain or folded multi-line scalar
// joins the query's lines with spaces, so a // comment on one line
// comments out everything after it (the corpus's AWS_GuardDuty_template).
func (d *decoder) query(r *Rule, v *yaml.Node) {
	q, ok := d.str(v, "query")
	if !ok {
		return
	}
	r.Query = q
	r.query = querySegs(d.src, v, q)
	folded := v.Style&yaml.FoldedStyle != 0 || v.Style == 0 || v.Style == yaml.TaggedStyle
	if !folded || len(r.query) < 2 {
		return
	}
	style := "a plain multi-line scalar"
	if v.Style&yaml.FoldedStyle != 0 {
		style = "a folded (>) block scalar"
	}
	if i := strings.Index(q, "//"); i >= 0 {
		pos := r.QueryPos(i)
		d.diags.Add(r.Warningf("query", "query is %s, so YAML joins its lines with spaces and the // comment at %d:%d comments out the rest of the query; write \"query: |\" to keep its lines", style, pos.Line, pos.Col))
		return
	}
	d.warnf(v, "query is %s, so YAML joins its lines with spaces; write \"query: |\" to keep its lines", style)
}
