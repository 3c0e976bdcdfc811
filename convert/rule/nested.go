package rule

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// Readers for the nested objects that YAML rules and ARM properties spell
// the same way (ARM only matching keys case-insensitively). Each records
// positions under the YAML path it is given and reports missing keys that
// the object cannot do without.

func (d *decoder) entityMappings(n *yaml.Node, path string) []EntityMapping {
	if !d.list(n, path) {
		return nil
	}
	var out []EntityMapping
	for i, e := range n.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		if !d.mapping(e, p) {
			continue
		}
		d.record(p, nil, e)
		var em EntityMapping
		got := d.fields(e, p, []string{"entityType", "fieldMappings"}, nil)
		d.require(e, p, got, "entityType", "fieldMappings")
		for _, f := range got {
			fp := p + "." + f.name
			d.record(fp, f.key, f.val)
			switch f.name {
			case "entityType":
				em.EntityType, _ = d.str(f.val, fp)
			case "fieldMappings":
				em.FieldMappings = d.fieldMappings(f.val, fp)
			}
		}
		out = append(out, em)
	}
	return out
}

func (d *decoder) fieldMappings(n *yaml.Node, path string) []FieldMapping {
	if !d.list(n, path) {
		return nil
	}
	var out []FieldMapping
	for i, e := range n.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		if !d.mapping(e, p) {
			continue
		}
		d.record(p, nil, e)
		var fm FieldMapping
		got := d.fields(e, p, []string{"identifier", "columnName"}, nil)
		d.require(e, p, got, "identifier", "columnName")
		for _, f := range got {
			fp := p + "." + f.name
			d.record(fp, f.key, f.val)
			if f.name == "identifier" {
				fm.Identifier, _ = d.str(f.val, fp)
			} else {
				fm.ColumnName, _ = d.str(f.val, fp)
			}
		}
		out = append(out, fm)
	}
	return out
}

func (d *decoder) sentinelEntitiesMappings(n *yaml.Node, path string) []SentinelEntityMapping {
	if !d.list(n, path) {
		return nil
	}
	var out []SentinelEntityMapping
	for i, e := range n.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		if !d.mapping(e, p) {
			continue
		}
		d.record(p, nil, e)
		got := d.fields(e, p, []string{"columnName"}, nil)
		d.require(e, p, got, "columnName")
		var m SentinelEntityMapping
		for _, f := range got {
			d.record(p+".columnName", f.key, f.val)
			m.ColumnName, _ = d.str(f.val, p+".columnName")
		}
		out = append(out, m)
	}
	return out
}

// customDetails keeps the written order; its keys are free-form, so each
// detail's path is "customDetails.<key>".
func (d *decoder) customDetails(n *yaml.Node, path string) []CustomDetail {
	if !d.mapping(n, path) {
		return nil
	}
	var out []CustomDetail
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key, ok := d.str(k, path+" key")
		if !ok {
			continue
		}
		if first, dup := seen[key]; dup {
			p := d.src.nodePos(first)
			d.errorf(k, "duplicate key %q in %s (first at %d:%d)", key, path, p.Line, p.Col)
			continue
		}
		seen[key] = k
		p := path + "." + key
		d.record(p, k, v)
		col, ok := d.str(v, p)
		if ok {
			out = append(out, CustomDetail{Key: key, Column: col})
		}
	}
	return out
}

func (d *decoder) alertDetailsOverride(n *yaml.Node, path string) *AlertDetailsOverride {
	if !d.mapping(n, path) {
		return nil
	}
	o := &AlertDetailsOverride{}
	known := []string{"alertDisplayNameFormat", "alertDescriptionFormat", "alertSeverityColumnName", "alertTacticsColumnName", "alertDynamicProperties"}
	for _, f := range d.fields(n, path, known, nil) {
		fp := path + "." + f.name
		d.record(fp, f.key, f.val)
		switch f.name {
		case "alertDisplayNameFormat":
			o.DisplayNameFormat, _ = d.str(f.val, fp)
		case "alertDescriptionFormat":
			o.DescriptionFormat, _ = d.str(f.val, fp)
		case "alertSeverityColumnName":
			o.SeverityColumnName, _ = d.str(f.val, fp)
		case "alertTacticsColumnName":
			o.TacticsColumnName, _ = d.str(f.val, fp)
		case "alertDynamicProperties":
			o.DynamicProperties = d.dynamicProperties(f.val, fp)
		}
	}
	return o
}

func (d *decoder) dynamicProperties(n *yaml.Node, path string) []DynamicProperty {
	if !d.list(n, path) {
		return nil
	}
	var out []DynamicProperty
	for i, e := range n.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		if !d.mapping(e, p) {
			continue
		}
		d.record(p, nil, e)
		got := d.fields(e, p, []string{"alertProperty", "value"}, nil)
		d.require(e, p, got, "alertProperty", "value")
		var dp DynamicProperty
		for _, f := range got {
			fp := p + "." + f.name
			d.record(fp, f.key, f.val)
			if f.name == "alertProperty" {
				dp.AlertProperty, _ = d.str(f.val, fp)
			} else {
				dp.Value, _ = d.str(f.val, fp)
			}
		}
		out = append(out, dp)
	}
	return out
}

func (d *decoder) eventGroupingSettings(n *yaml.Node, path string) *EventGroupingSettings {
	if !d.mapping(n, path) {
		return nil
	}
	got := d.fields(n, path, []string{"aggregationKind"}, nil)
	d.require(n, path, got, "aggregationKind")
	s := &EventGroupingSettings{}
	for _, f := range got {
		d.record(path+".aggregationKind", f.key, f.val)
		s.AggregationKind, _ = d.str(f.val, path+".aggregationKind")
	}
	return s
}

func (d *decoder) incidentConfiguration(n *yaml.Node, path string) *IncidentConfiguration {
	if !d.mapping(n, path) {
		return nil
	}
	got := d.fields(n, path, []string{"createIncident", "groupingConfiguration"}, nil)
	d.require(n, path, got, "createIncident")
	c := &IncidentConfiguration{}
	for _, f := range got {
		fp := path + "." + f.name
		d.record(fp, f.key, f.val)
		if f.name == "createIncident" {
			c.CreateIncident, _ = d.boolean(f.val, fp)
		} else {
			c.Grouping = d.grouping(f.val, fp)
		}
	}
	return c
}

func (d *decoder) grouping(n *yaml.Node, path string) *GroupingConfiguration {
	if !d.mapping(n, path) {
		return nil
	}
	known := []string{"enabled", "reopenClosedIncident", "lookbackDuration", "matchingMethod", "groupByEntities", "groupByAlertDetails", "groupByCustomDetails"}
	got := d.fields(n, path, known, nil)
	// The API marks these four required (GroupingConfiguration in the
	// Microsoft.SecurityInsights 2024-01-01-preview schema).
	d.require(n, path, got, "enabled", "reopenClosedIncident", "lookbackDuration", "matchingMethod")
	g := &GroupingConfiguration{}
	for _, f := range got {
		fp := path + "." + f.name
		d.record(fp, f.key, f.val)
		switch f.name {
		case "enabled":
			g.Enabled, _ = d.boolean(f.val, fp)
		case "reopenClosedIncident":
			g.ReopenClosedIncident, _ = d.boolean(f.val, fp)
		case "lookbackDuration":
			g.LookbackDuration, _ = d.duration(f.val, fp)
		case "matchingMethod":
			g.MatchingMethod, _ = d.str(f.val, fp)
		case "groupByEntities":
			g.GroupByEntities, _ = d.strList(f.val, fp, fp)
		case "groupByAlertDetails":
			g.GroupByAlertDetails, _ = d.strList(f.val, fp, fp)
		case "groupByCustomDetails":
			g.GroupByCustomDetails, _ = d.strList(f.val, fp, fp)
		}
	}
	return g
}

func (d *decoder) dataConnectors(n *yaml.Node, path string) []DataConnector {
	if !d.list(n, path) {
		return nil
	}
	var out []DataConnector
	for i, e := range n.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		if !d.mapping(e, p) {
			continue
		}
		d.record(p, nil, e)
		got := d.fields(e, p, []string{"connectorId", "dataTypes"}, nil)
		d.require(e, p, got, "connectorId")
		var c DataConnector
		for _, f := range got {
			fp := p + "." + f.name
			d.record(fp, f.key, f.val)
			if f.name == "connectorId" {
				c.ConnectorID, _ = d.str(f.val, fp)
			} else {
				c.DataTypes, _ = d.strList(f.val, fp, fp)
			}
		}
		out = append(out, c)
	}
	return out
}
