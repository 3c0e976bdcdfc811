package rule

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// yamlOperators is the inverse of triggerOperators for the four API
// values: the YAML form writes the short spelling, as the corpus does.
var yamlOperators = map[string]string{
	"GreaterThan": "gt", "LessThan": "lt", "Equal": "eq", "NotEqual": "ne",
}

// WriteYAML returns the rule in the Azure-Sentinel repository's YAML form,
// fields in the order the repository's rules use. The query and any other
// multi-line text are literal block scalars ("|"), which keep every byte.
// ARM-only properties are written under their ARM names only when they
// differ from the defaults WriteARM would restore (enabled, suppression
// off for one hour), so YAML -> ARM -> YAML -> ARM is stable.
func WriteYAML(r *Rule) ([]byte, error) {
	out, err := writeYAML(r, true)
	if err != nil {
		return nil, err
	}
	// yaml.v3 writes a string it cannot make a literal block as a quoted
	// one, which is exact but unreadable for a query; writeYAML writes
	// the top-level blocks itself. Reading the result back guards that.
	var back struct{ Query, Description string }
	if yaml.Unmarshal(out, &back) != nil || back.Query != r.Query || back.Description != r.Description {
		return writeYAML(r, false)
	}
	return out, nil
}

func writeYAML(r *Rule, literals bool) ([]byte, error) {
	w := &yamlWriter{m: &yaml.Node{Kind: yaml.MappingNode}, literals: literals}
	w.str("id", r.ID)
	w.str("name", r.Name)
	w.block("description", r.Description)
	w.str("severity", r.Severity)
	w.str("status", r.Status)
	if len(r.RequiredDataConnectors) > 0 {
		w.add("requiredDataConnectors", yamlConnectors(r.RequiredDataConnectors))
	}
	w.duration("queryFrequency", r.QueryFrequency)
	w.duration("queryPeriod", r.QueryPeriod)
	if r.TriggerOperator != "" {
		w.str("triggerOperator", lookupOr(yamlOperators, r.TriggerOperator))
	}
	if r.Kind != KindNRT && (r.TriggerOperator != "" || r.TriggerThreshold != 0) {
		w.add("triggerThreshold", scalar("!!int", strconv.Itoa(r.TriggerThreshold)))
	}
	w.list("tactics", r.Tactics)
	w.list("relevantTechniques", r.Techniques)
	if r.Tags != nil {
		w.add("tags", r.Tags)
	}
	w.block("query", r.Query)
	w.nested(r)
	if !r.IsEnabled() {
		w.add("enabled", scalar("!!bool", "false"))
	}
	if r.IsSuppressionEnabled() {
		w.add("suppressionEnabled", scalar("!!bool", "true"))
	}
	if r.SuppressionDuration != 0 && r.SuppressionDuration != DefaultSuppressionDuration {
		w.duration("suppressionDuration", r.SuppressionDuration)
	}
	if r.Metadata != nil {
		w.add("metadata", r.Metadata)
	}
	w.str("version", r.Version)
	w.str("kind", r.Kind)
	out, err := w.encode()
	if err != nil {
		return nil, fmt.Errorf("%s: writing YAML: %w", r.File, err)
	}
	return out, nil
}

// encode writes the document with two-space indentation, then puts the
// literal blocks in place of their placeholders.
func (w *yamlWriter) encode() ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(w.m); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	out := b.Bytes()
	for placeholder, block := range w.blocks {
		out = bytes.Replace(out, []byte(placeholder+"\n"), []byte(block), 1)
	}
	return out, nil
}

func (w *yamlWriter) nested(r *Rule) {
	if len(r.EntityMappings) > 0 {
		w.add("entityMappings", yamlEntityMappings(r.EntityMappings))
	}
	if len(r.SentinelEntitiesMappings) > 0 {
		l := seq()
		for _, m := range r.SentinelEntitiesMappings {
			l.Content = append(l.Content, mapOf("columnName", text(m.ColumnName)))
		}
		w.add("sentinelEntitiesMappings", l)
	}
	if len(r.CustomDetails) > 0 {
		m := &yaml.Node{Kind: yaml.MappingNode}
		for _, c := range r.CustomDetails {
			m.Content = append(m.Content, text(c.Key), text(c.Column))
		}
		w.add("customDetails", m)
	}
	if o := r.AlertDetailsOverride; o != nil {
		w.add("alertDetailsOverride", yamlOverride(o))
	}
	if g := r.EventGroupingSettings; g != nil {
		w.add("eventGroupingSettings", mapOf("aggregationKind", text(g.AggregationKind)))
	}
	if c := r.IncidentConfiguration; c != nil {
		w.add("incidentConfiguration", yamlIncident(c))
	}
}

type yamlWriter struct {
	m        *yaml.Node
	literals bool              // write top-level multi-line strings as literal blocks here
	blocks   map[string]string // placeholder -> the block that replaces it
}

// block adds a top-level string field, as a literal block written by
// literalBlock when the text spans lines and one can hold it.
func (w *yamlWriter) block(key, s string) {
	lit, ok := literalBlock(s, 2)
	if !w.literals || !ok {
		w.str(key, s)
		return
	}
	if w.blocks == nil {
		w.blocks = map[string]string{}
	}
	placeholder := fmt.Sprintf("ruleport-literal-%d", len(w.blocks))
	w.blocks[placeholder] = lit
	w.add(key, scalar("!!str", placeholder))
}

// literalBlock writes s as a YAML literal block scalar ("|" and its
// indicators, then the lines indented by indent spaces), following YAML
// 1.2 §8.1: the chomping indicator says how many final line breaks
// belong to the text ("-" none, "" one, "+" all), and an indentation
// indicator is needed when the first non-empty line starts with a space.
// Unlike yaml.v3's emitter it accepts lines with trailing spaces, which
// queries have. It refuses text that is one line, has no non-empty line,
// or holds characters YAML can only write escaped.
func literalBlock(s string, indent int) (string, bool) {
	if !strings.Contains(s, "\n") || strings.TrimLeft(s, "\n") == "" {
		return "", false
	}
	for _, c := range s {
		printable := c == '\t' || c == '\n' || c >= 0x20 && c <= 0x7e || c == 0x85 ||
			c >= 0xa0 && c <= 0xd7ff || c >= 0xe000 && c <= 0xfffd && c != 0xfeff || c >= 0x10000
		if !printable {
			return "", false
		}
	}
	body := strings.TrimRight(s, "\n")
	header := "|"
	// libyaml (so yaml.v3) also refuses a tab where it detects the
	// indentation, so a first line starting with a tab gets one too.
	if first := strings.TrimLeft(body, "\n"); first[0] == ' ' || first[0] == '\t' {
		header += strconv.Itoa(indent)
	}
	switch trailing := len(s) - len(body); {
	case trailing == 0:
		header += "-"
	case trailing > 1:
		header += "+"
	}
	var b strings.Builder
	b.WriteString(header + "\n")
	lines := strings.Split(body, "\n")
	for i := len(body); i < len(s)-1; i++ {
		lines = append(lines, "") // kept final line breaks
	}
	pad := strings.Repeat(" ", indent)
	for _, l := range lines {
		if l != "" {
			b.WriteString(pad + l)
		}
		b.WriteByte('\n')
	}
	return b.String(), true
}

func (w *yamlWriter) add(key string, val *yaml.Node) {
	w.m.Content = append(w.m.Content, text(key), val)
}

// str adds a string field unless it is empty.
func (w *yamlWriter) str(key, s string) {
	if s != "" {
		w.add(key, text(s))
	}
}

func (w *yamlWriter) duration(key string, d time.Duration) {
	if d != 0 {
		w.add(key, text(FormatYAMLDuration(d)))
	}
}

func (w *yamlWriter) list(key string, items []string) {
	if len(items) > 0 {
		w.add(key, strSeq(items))
	}
}

// text is a string node: a literal block when it spans lines, so the
// query reads as it was written; otherwise plain, which the encoder quotes
// when the text would read back as something other than a string.
func text(s string) *yaml.Node {
	n := scalar("!!str", s)
	if strings.Contains(s, "\n") {
		n.Style = yaml.LiteralStyle
	}
	return n
}

func scalar(tag, v string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v}
}

func seq() *yaml.Node { return &yaml.Node{Kind: yaml.SequenceNode} }

func strSeq(items []string) *yaml.Node {
	l := seq()
	for _, s := range items {
		l.Content = append(l.Content, text(s))
	}
	return l
}

// mapOf builds a mapping from alternating keys and values.
func mapOf(kv ...any) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		m.Content = append(m.Content, text(kv[i].(string)), kv[i+1].(*yaml.Node))
	}
	return m
}

func yamlConnectors(cs []DataConnector) *yaml.Node {
	l := seq()
	for _, c := range cs {
		m := mapOf("connectorId", text(c.ConnectorID))
		if c.DataTypes != nil {
			m.Content = append(m.Content, text("dataTypes"), strSeq(c.DataTypes))
		}
		l.Content = append(l.Content, m)
	}
	return l
}

func yamlEntityMappings(ems []EntityMapping) *yaml.Node {
	l := seq()
	for _, em := range ems {
		fms := seq()
		for _, fm := range em.FieldMappings {
			fms.Content = append(fms.Content, mapOf("identifier", text(fm.Identifier), "columnName", text(fm.ColumnName)))
		}
		l.Content = append(l.Content, mapOf("entityType", text(em.EntityType), "fieldMappings", fms))
	}
	return l
}

func yamlOverride(o *AlertDetailsOverride) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode}
	add := func(k, v string) {
		if v != "" {
			m.Content = append(m.Content, text(k), text(v))
		}
	}
	add("alertDisplayNameFormat", o.DisplayNameFormat)
	add("alertDescriptionFormat", o.DescriptionFormat)
	add("alertTacticsColumnName", o.TacticsColumnName)
	add("alertSeverityColumnName", o.SeverityColumnName)
	if len(o.DynamicProperties) > 0 {
		l := seq()
		for _, dp := range o.DynamicProperties {
			l.Content = append(l.Content, mapOf("alertProperty", text(dp.AlertProperty), "value", text(dp.Value)))
		}
		m.Content = append(m.Content, text("alertDynamicProperties"), l)
	}
	return m
}

func yamlIncident(c *IncidentConfiguration) *yaml.Node {
	m := mapOf("createIncident", scalar("!!bool", strconv.FormatBool(c.CreateIncident)))
	if g := c.Grouping; g != nil {
		gm := mapOf(
			"enabled", scalar("!!bool", strconv.FormatBool(g.Enabled)),
			"reopenClosedIncident", scalar("!!bool", strconv.FormatBool(g.ReopenClosedIncident)),
			"lookbackDuration", text(FormatISODuration(g.LookbackDuration)),
			"matchingMethod", text(g.MatchingMethod),
		)
		for _, l := range []struct {
			key   string
			items []string
		}{{"groupByEntities", g.GroupByEntities}, {"groupByAlertDetails", g.GroupByAlertDetails}, {"groupByCustomDetails", g.GroupByCustomDetails}} {
			if len(l.items) > 0 {
				gm.Content = append(gm.Content, text(l.key), strSeq(l.items))
			}
		}
		m.Content = append(m.Content, text("groupingConfiguration"), gm)
	}
	return m
}

// lookupOr returns m[k] when present, else k.
func lookupOr(m map[string]string, k string) string {
	if v, ok := m[k]; ok {
		return v
	}
	return k
}
