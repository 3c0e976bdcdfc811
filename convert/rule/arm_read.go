package rule

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// The ARM template vocabulary ruleport reads. Template sections come from
// the ARM template syntax; alertRules properties from the
// Microsoft.SecurityInsights alertRules schema (ScheduledAlertRuleProperties
// and NrtAlertRuleProperties, api-version 2024-01-01-preview, as published
// in Azure/bicep-types-az generated/securityinsights), plus OriginalUri,
// which Microsoft's YAML-to-ARM tooling writes (the seed ARM has it), and
// lastModifiedUtc, a read-only property exported templates carry.
var (
	armTemplateKeys = []string{"$schema", "contentVersion", "apiProfile", "languageVersion",
		"definitions", "parameters", "variables", "functions", "resources", "outputs", "metadata"}
	armResourceKeys = []string{"type", "apiVersion", "name", "id", "kind", "properties",
		"dependsOn", "comments", "condition", "scope", "etag"}
	armPropertyKeys = []string{"displayName", "description", "severity", "enabled", "query",
		"queryFrequency", "queryPeriod", "triggerOperator", "triggerThreshold", "tactics",
		"techniques", "subTechniques", "templateVersion", "alertRuleTemplateName",
		"suppressionDuration", "suppressionEnabled", "entityMappings", "sentinelEntitiesMappings",
		"customDetails", "alertDetailsOverride", "eventGroupingSettings", "incidentConfiguration",
		"OriginalUri", "lastModifiedUtc"}
	// armPaths gives the YAML path each ARM property is recorded under.
	armPaths = map[string]string{
		"displayName": "name", "techniques": "relevantTechniques",
		"subTechniques": "relevantTechniques", "templateVersion": "version",
	}
	armHints = map[string]string{
		"name":                   `ARM calls the rule's name "displayName"`,
		"version":                `ARM calls it "templateVersion"`,
		"relevanttechniques":     `ARM lists techniques under "techniques" and "subTechniques"`,
		"status":                 "status exists only in the YAML form; ARM alertRules properties have no status",
		"requireddataconnectors": "requiredDataConnectors exists only in the YAML form; ARM alertRules properties have none",
		"tags":                   "tags exist only in the YAML form; ARM alertRules properties have none",
	}
)

var guidRE = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)

// readARM reads every alertRules resource of an ARM template. Other
// resource types are skipped: solution templates mix rules with metadata
// and workbooks.
func readARM(d *decoder, root *yaml.Node) []*Rule {
	var rules []*Rule
	d.r = &Rule{File: d.file} // positions of template-level keys go nowhere
	ids := map[string]*yaml.Node{}
	for _, f := range d.fields(root, "the template", armTemplateKeys, nil) {
		if f.name != "resources" || !d.list(f.val, "resources") {
			continue
		}
		for i, res := range f.val.Content {
			what := fmt.Sprintf("resources[%d]", i)
			if !d.mapping(res, what) || !isAlertRule(res) {
				continue
			}
			r := d.armRule(res, what)
			if first, dup := ids[strings.ToLower(r.ID)]; dup && r.ID != "" {
				p := d.src.nodePos(first)
				d.errorf(res, "%s: rule id %s is already used by the resource at %d:%d", what, r.ID, p.Line, p.Col)
			}
			ids[strings.ToLower(r.ID)] = res
			rules = append(rules, r)
		}
	}
	if len(rules) == 0 && d.errs == 0 {
		d.errorf(root, "ARM template has no alertRules resource (type ending in /alertRules)")
	}
	return rules
}

func isAlertRule(res *yaml.Node) bool {
	for i := 0; i+1 < len(res.Content); i += 2 {
		if strings.EqualFold(res.Content[i].Value, "type") {
			return strings.HasSuffix(strings.ToLower(res.Content[i+1].Value), "/alertrules")
		}
	}
	return false
}

// armRule reads one alertRules resource.
func (d *decoder) armRule(res *yaml.Node, what string) *Rule {
	r := &Rule{File: d.file, Format: FormatARM, start: d.src.nodePos(res)}
	d.r = r
	var name, props *yaml.Node
	for _, f := range d.fields(res, what, armResourceKeys, nil) {
		switch f.name {
		case "name":
			name = f.val
			d.record("id", f.key, f.val)
		case "kind":
			d.record("kind", f.key, f.val)
			r.Kind, _ = d.str(f.val, what+".kind")
		case "properties":
			props = f.val
		}
	}
	if props == nil {
		d.errorf(res, "%s: missing \"properties\"", what)
		return r
	}
	if !d.mapping(props, what+".properties") {
		return r
	}
	var templateName *yaml.Node
	var techniques, subTechniques []string
	for _, f := range d.fields(props, "alert rule properties", armPropertyKeys, armHints) {
		p := f.name
		if yp, ok := armPaths[p]; ok {
			p = yp
		}
		d.record(p, f.key, f.val)
		switch f.name {
		case "alertRuleTemplateName":
			templateName = f.val
		case "techniques":
			techniques, _ = d.strList(f.val, "relevantTechniques", "techniques")
		case "subTechniques":
			subTechniques, _ = d.strList(f.val, "subTechniques", "subTechniques")
		default:
			d.armProperty(r, f, p)
		}
	}
	r.Techniques = mergeTechniques(techniques, subTechniques)
	d.armID(r, name, templateName, what)
	return r
}

func (d *decoder) armProperty(r *Rule, f entry, p string) {
	v := f.val
	switch f.name {
	case "displayName":
		r.Name, _ = d.str(v, "displayName")
	case "templateVersion":
		r.Version, _ = d.str(v, "templateVersion")
	case "OriginalUri":
		r.OriginalURI, _ = d.str(v, "OriginalUri")
	case "lastModifiedUtc":
		// read-only, set by the service; nothing to keep
	case "description", "severity", "query", "queryFrequency", "queryPeriod",
		"suppressionDuration", "triggerOperator", "triggerThreshold", "enabled",
		"suppressionEnabled", "tactics":
		d.yamlField(r, entry{name: p, key: f.key, val: v})
	default:
		d.nestedField(r, entry{name: p, key: f.key, val: v})
	}
}

// armID finds the rule id: the GUID at the end of the resource name
// expression ("[concat(parameters('workspace'),'/Microsoft.SecurityInsights/<id>')]"),
// or else alertRuleTemplateName.
func (d *decoder) armID(r *Rule, name, templateName *yaml.Node, what string) {
	var fromName, fromTemplate string
	if name != nil {
		if s, ok := d.str(name, what+".name"); ok {
			if ids := guidRE.FindAllString(s, -1); len(ids) > 0 {
				fromName = ids[len(ids)-1]
			}
		}
	}
	if templateName != nil {
		fromTemplate, _ = d.str(templateName, "alertRuleTemplateName")
	}
	switch {
	case fromName != "":
		r.ID = fromName
		if fromTemplate != "" && !strings.EqualFold(fromTemplate, fromName) {
			d.warnf(templateName, "alertRuleTemplateName %s differs from the rule id %s in the resource name; ruleport keeps the resource name's id", fromTemplate, fromName)
		}
	case fromTemplate != "":
		r.ID = fromTemplate
		if d.r.pos != nil {
			d.r.pos["id"] = d.src.nodePos(templateName)
		}
	default:
		d.errorf(firstNonNil(name, templateName), "%s: cannot find the rule id: neither the resource name nor alertRuleTemplateName holds a GUID", what)
	}
}

func firstNonNil(ns ...*yaml.Node) *yaml.Node {
	for _, n := range ns {
		if n != nil {
			return n
		}
	}
	return &yaml.Node{}
}

// mergeTechniques rebuilds the YAML relevantTechniques from ARM's two
// lists: each technique is replaced by its sub-techniques when it has any,
// and sub-techniques whose parent is not listed follow at the end. It is
// the inverse of ParentTechniques and SubTechniques for any list in which
// a sub-technique's parent appears only through it.
func mergeTechniques(techniques, subTechniques []string) []string {
	var out []string
	used := map[string]bool{}
	for _, t := range techniques {
		replaced := false
		for _, s := range subTechniques {
			if parent, _, _ := strings.Cut(s, "."); parent == t && !used[s] {
				out = append(out, s)
				used[s], replaced = true, true
			}
		}
		if !replaced {
			out = append(out, t)
		}
	}
	for _, s := range subTechniques {
		if !used[s] {
			out = append(out, s)
			used[s] = true
		}
	}
	return out
}
