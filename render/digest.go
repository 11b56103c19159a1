// Package render turns a weekly digest into what its readers get: text for
// chat and the terminal, Markdown, a self-contained HTML page with the
// chart, CSV (a row per resident) and JSON (the documented contract). It
// decides nothing about who may see what: the digest it is given already
// holds only what its reader may see.
package render

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"strconv"
	"strings"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/i18n"
)

// The digest's renderings: text for chat and the terminal, Markdown, a
// self-contained HTML page, CSV (a row per resident) and JSON (the
// documented contract).

func pct(v *float64) string {
	if v == nil {
		return "–"
	}
	return fmt.Sprintf("%.0f%%", 100**v)
}

func mood(v *float64) string {
	if v == nil {
		return "–"
	}
	return fmt.Sprintf("%.1f", *v)
}

// The digest is read in its reader's language, d.Lang (English when it has
// none, as a digest read back from JSON); numbers, names and titles are
// shown as they are.

func title(l bot.Lang, d *bot.Digest) string {
	return l.T("digest.title", "House", d.House, "Week", d.Week)
}

func period(l bot.Lang, d *bot.Digest) string {
	return l.Date(d.PeriodStart, i18n.DateShort) + " – " + l.Date(d.PeriodEnd.AddDate(0, 0, -1), i18n.DateShortYear)
}

// participationLine says the totals and the change from the week before.
func participationLine(l bot.Lang, d *bot.Digest) string {
	t := d.Totals
	if t.Expected == 0 {
		return l.T("digest.participation.none")
	}
	pairs := []any{"Answered", t.Answered, "Expected", t.Expected, "Rate", pct(t.ParticipationRate), "Previous", pct(t.PreviousRate)}
	if t.PreviousRate != nil && t.ParticipationRate != nil {
		diff := 100 * (*t.ParticipationRate - *t.PreviousRate)
		switch {
		case diff >= 0.5:
			return l.T("digest.participation.up", append(pairs, "Points", fmt.Sprintf("%.0f", diff))...)
		case diff <= -0.5:
			return l.T("digest.participation.down", append(pairs, "Points", fmt.Sprintf("%.0f", -diff))...)
		default:
			return l.T("digest.participation.same", pairs...)
		}
	}
	return l.T("digest.participation", pairs...)
}

func moodLine(l bot.Lang, d *bot.Digest) string {
	var trend []string
	for _, m := range d.Totals.MoodTrend {
		trend = append(trend, mood(m))
	}
	if d.Totals.MoodAvg == nil {
		return l.T("digest.mood.hidden", "Min", bot.MinGroup, "Trend", strings.Join(trend, " → "))
	}
	return l.T("digest.mood.average", "Mood", mood(d.Totals.MoodAvg), "Trend", strings.Join(trend, " → "))
}

func residentLine(l bot.Lang, res bot.DigestResident) string {
	var parts []string
	if res.CheckinsExpected > 0 {
		parts = append(parts, l.T("digest.resident.answered", "Answered", res.CheckinsAnswered, "Expected", res.CheckinsExpected))
	}
	if res.ConsecutiveMisses >= 2 {
		parts = append(parts, l.N("digest.resident.missed_in_a_row", res.ConsecutiveMisses))
	}
	if res.PausedDays > 0 {
		parts = append(parts, l.N("digest.resident.paused", res.PausedDays))
	}
	if res.MoodAvg != nil {
		parts = append(parts, l.T("digest.resident.mood", "Mood", mood(res.MoodAvg)))
	}
	if res.SupportRequests > 0 {
		parts = append(parts, l.N("digest.resident.reach_out", res.SupportRequests))
	}
	if res.PingsOff {
		parts = append(parts, l.T("digest.resident.pings_off"))
	}
	if len(parts) == 0 {
		parts = append(parts, l.T("digest.resident.none"))
	}
	return res.Name + " — " + strings.Join(parts, ", ")
}

func supportLines(l bot.Lang, d *bot.Digest) []string {
	lines := []string{l.N("digest.support.requests", d.Support.ReachOutRequests)}
	if len(d.Support.CrisisAlerts) == 0 {
		return append(lines, l.T("digest.support.no_alerts"))
	}
	for _, a := range d.Support.CrisisAlerts {
		status := l.T("digest.alert.unacknowledged")
		if a.AckMinutes != nil {
			status = l.T("digest.alert.acknowledged", "Minutes", fmt.Sprintf("%.0f", *a.AckMinutes))
		}
		if a.Escalated {
			status += " " + l.T("digest.alert.escalated")
		}
		lines = append(lines, l.T("digest.alert", "Name", a.Resident, "At", l.Date(a.At, i18n.DateTime), "Status", status))
	}
	return lines
}

// activityStatus are the words for an activity that did not happen, by
// its status.
var activityStatus = map[string]string{"cancelled": i18n.ID("digest.activity.cancelled"), "skipped": i18n.ID("digest.activity.skipped")}

func activityLine(l bot.Lang, a bot.DigestActivity) string {
	at := l.Date(a.StartsAt, i18n.DateTime)
	if id, ok := activityStatus[a.Status]; ok {
		return l.T("digest.activity.off", "Title", a.Title, "At", at, "Status", l.T(id))
	}
	return l.T("digest.activity.held", "Title", a.Title, "At", at, "Going", a.Going, "Maybe", a.Maybe, "Came", a.Attended)
}

func partnerLines(l bot.Lang, d *bot.Digest) []string {
	var lines []string
	for _, p := range d.Partners.Pairs {
		lines = append(lines, l.N("digest.partners.pair", p.ConnectedDays, "Names", strings.Join(p.Members, " & ")))
	}
	lines = append(lines, l.T("digest.partners.counts", "Nudges", d.Partners.Nudges, "Pings", d.Partners.PingsSent, "Answered", d.Partners.PingsAnswered))
	if d.Partners.PingsOff > 0 {
		lines = append(lines, l.N("digest.partners.pings_off", d.Partners.PingsOff))
	}
	return lines
}

// mentoringLines are the counts of mentoring and goals: never who, never
// what was agreed or what the goals are.
func mentoringLines(l bot.Lang, d *bot.Digest) []string {
	m := d.Mentoring
	var lines []string
	if m.Agreements == 0 && m.ContactsDue == 0 {
		lines = append(lines, l.T("digest.mentoring.none"))
	} else {
		lines = append(lines, l.T("digest.mentoring.counts", "Agreements", m.Agreements, "Due", m.ContactsDue, "Happened", m.Happened,
			"Missed", m.Missed, "Rescheduled", m.Rescheduled, "Unanswered", m.Unanswered))
	}
	return append(lines, l.N("digest.goals", d.Goals.ResidentsWithGoals))
}

func milestoneLines(l bot.Lang, d *bot.Digest) []string {
	var lines []string
	for _, c := range d.Milestones.Celebrated {
		lines = append(lines, fmt.Sprintf("🎉 %s: %s", c.Resident, bot.MilestoneLabel(l, c.Key)))
	}
	if len(d.Milestones.Joined) > 0 {
		lines = append(lines, l.T("digest.members.joined", "Names", strings.Join(d.Milestones.Joined, ", ")))
	}
	if len(d.Milestones.Left) > 0 {
		lines = append(lines, l.T("digest.members.left", "Names", strings.Join(d.Milestones.Left, ", ")))
	}
	if len(lines) == 0 {
		lines = append(lines, l.T("digest.none_this_week"))
	}
	return lines
}

// meetingLines are each resident's meetings against the house's ask, in
// the residents' order: counts only, and no ranking.
func meetingLines(l bot.Lang, d *bot.Digest) []string {
	m := d.Meetings
	var lines []string
	if m.RequiredPerWeek != nil {
		lines = append(lines, l.N("digest.meetings.asked", *m.RequiredPerWeek))
	}
	logged := 0
	for _, r := range m.Residents {
		line := l.N("digest.meetings.logged", r.Logged, "Name", r.Name)
		if r.MetRequirement != nil && *r.MetRequirement {
			line += " ✓"
		}
		lines = append(lines, line)
		logged += r.Logged
	}
	if logged == 0 && m.RequiredPerWeek == nil {
		return []string{l.T("digest.meetings.none")}
	}
	return lines
}

// choreLines are the chores' completion rates.
func choreLines(l bot.Lang, d *bot.Digest) []string {
	c := d.Chores
	if !c.Enabled && c.Assigned == 0 {
		return []string{l.T("digest.chores.off")}
	}
	if c.Assigned == 0 {
		return []string{l.T("digest.chores.no_turns")}
	}
	lines := []string{l.T("digest.chores.done", "Done", c.Done, "Assigned", c.Assigned, "Rate", pct(c.CompletionRate))}
	for _, ch := range c.Chores {
		if ch.Assigned > 0 {
			lines = append(lines, l.T("digest.chores.chore", "Name", ch.Name, "Done", ch.Done, "Assigned", ch.Assigned, "Rate", pct(ch.CompletionRate)))
		}
	}
	return lines
}

// DigestText renders the digest for chat and the terminal, in its
// reader's language, with *bold* headings that the adapters format.
func DigestText(d *bot.Digest) string {
	l := d.Lang
	var b strings.Builder
	fmt.Fprintf(&b, "*%s* (%s)\n", title(l, d), period(l, d))
	fmt.Fprintf(&b, "*%s:* %s\n", l.T("digest.participation.label"), participationLine(l, d))
	fmt.Fprintf(&b, "*%s:* %s\n", l.T("digest.mood.label"), moodLine(l, d))
	b.WriteString("\n*" + l.T("digest.residents") + "*\n")
	if len(d.Residents) == 0 {
		b.WriteString("• " + l.T("digest.residents.none") + "\n")
	}
	for _, r := range d.Residents {
		b.WriteString("• " + residentLine(l, r) + "\n")
	}
	for _, sec := range sections(l, d) {
		b.WriteString("\n*" + sec.Title + "*\n")
		for _, line := range sec.Lines {
			b.WriteString("• " + line + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// section is one titled list of a digest, as every rendering shows it.
type section struct {
	Title string
	Lines []string
}

// sections are the digest's lists after the residents, in order.
func sections(l bot.Lang, d *bot.Digest) []section {
	var acts []string
	for _, a := range d.Activities {
		acts = append(acts, activityLine(l, a))
	}
	if len(acts) == 0 {
		acts = []string{l.T("digest.none_this_week")}
	}
	return []section{{l.T("digest.section.support"), supportLines(l, d)}, {l.T("digest.section.activities"), acts},
		{l.T("digest.section.partners"), partnerLines(l, d)}, {l.T("digest.section.mentoring"), mentoringLines(l, d)},
		{l.T("digest.section.meetings"), meetingLines(l, d)}, {l.T("digest.section.chores"), choreLines(l, d)},
		{l.T("digest.section.members"), milestoneLines(l, d)}}
}

// residentColumns are the headings of the table of residents (Markdown
// and HTML), in order.
var residentColumns = []string{i18n.ID("digest.column.resident"), i18n.ID("digest.column.answered"), i18n.ID("digest.column.expected"),
	i18n.ID("digest.column.missed"), i18n.ID("digest.column.missed_in_a_row"), i18n.ID("digest.column.paused_days"),
	i18n.ID("digest.column.mood"), i18n.ID("digest.column.asked_for_support")}

// columns are the table's headings in l.
func columns(l bot.Lang) []string {
	out := make([]string, len(residentColumns))
	for i, id := range residentColumns {
		out[i] = l.T(id)
	}
	return out
}

// DigestMarkdown renders the digest as Markdown, in its reader's
// language, with a table of residents.
func DigestMarkdown(d *bot.Digest) string {
	l := d.Lang
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n%s\n\n", title(l, d), period(l, d))
	fmt.Fprintf(&b, "**%s:** %s\n\n**%s:** %s\n\n", l.T("digest.participation.label"), participationLine(l, d), l.T("digest.mood.label"), moodLine(l, d))
	b.WriteString("## " + l.T("digest.residents") + "\n\n| " + strings.Join(columns(l), " | ") + " |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range d.Residents {
		flag := strconv.Itoa(r.ConsecutiveMisses)
		if r.ConsecutiveMisses >= 2 {
			flag = "**" + flag + "** ⚠️"
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %s | %d | %s | %d |\n", mdEscape(r.Name), r.CheckinsAnswered, r.CheckinsExpected, r.Missed, flag, r.PausedDays, mood(r.MoodAvg), r.SupportRequests)
	}
	for _, sec := range sections(l, d) {
		b.WriteString("\n## " + sec.Title + "\n\n")
		for _, line := range sec.Lines {
			b.WriteString("- " + mdEscape(line) + "\n")
		}
	}
	return b.String()
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "*", `\*`, "_", `\_`).Replace(s)
}

// formulaStart are the first characters that make a spreadsheet read a
// cell as a formula (OWASP, CSV Injection): a resident's display name such
// as "=HYPERLINK(…)" would otherwise run when an operator opens the file.
const formulaStart = "=+-@\t\r"

// csvText defuses a text cell the way OWASP advises: a cell that starts
// like a formula gets a leading single quote, which spreadsheets show as
// text and do not evaluate. Quoting alone does not stop a spreadsheet, so
// the quote character is the defence; encoding/csv still quotes any cell
// whose commas, quotes or line breaks need it. Only text (house, week,
// names) goes through it: the numbers are written by strconv, so a
// negative number stays a number a spreadsheet can add up.
func csvText(s string) string {
	if s != "" && strings.ContainsRune(formulaStart, rune(s[0])) {
		return "'" + s
	}
	return s
}

// DigestCSV renders one row per resident. Text cells that would start a
// formula are defused (csvText); numeric cells are plain numbers.
func DigestCSV(d *bot.Digest) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	rows := [][]string{{"house", "week", "id", "name", "checkins_expected", "checkins_answered", "missed", "consecutive_misses", "paused_days", "mood_avg", "support_requests"}}
	for _, r := range d.Residents {
		m := ""
		if r.MoodAvg != nil {
			m = strconv.FormatFloat(*r.MoodAvg, 'f', 2, 64)
		}
		rows = append(rows, []string{csvText(d.House), csvText(d.Week), strconv.FormatInt(r.ID, 10), csvText(r.Name), strconv.Itoa(r.CheckinsExpected), strconv.Itoa(r.CheckinsAnswered),
			strconv.Itoa(r.Missed), strconv.Itoa(r.ConsecutiveMisses), strconv.Itoa(r.PausedDays), m, strconv.Itoa(r.SupportRequests)})
	}
	if err := w.WriteAll(rows); err != nil {
		return nil, fmt.Errorf("digest csv: %w", err)
	}
	return buf.Bytes(), nil
}

// DigestJSON renders the documented JSON contract, indented.
func DigestJSON(d *bot.Digest) ([]byte, error) {
	return json.MarshalIndent(d, "", "  ")
}

var digestHTML = template.Must(template.New("digest").Funcs(template.FuncMap{"mood": mood}).Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:right}td:first-child,th:first-child{text-align:left}
.warn{color:#b00;font-weight:bold}img{max-width:100%}</style></head><body>
<h1>{{.Title}}</h1>
<p>{{.Period}}</p>
<p><strong>{{.ParticipationLabel}}:</strong> {{.Participation}}</p>
<p><strong>{{.MoodLabel}}:</strong> {{.Mood}}</p>
{{if .Chart}}<p><img alt="{{.ChartAlt}}" src="{{.Chart}}"></p>{{end}}
<h2>{{.Residents}}</h2>
<table><tr>{{range .Columns}}<th>{{.}}</th>{{end}}</tr>
{{range .D.Residents}}<tr><td>{{.Name}}</td><td>{{.CheckinsAnswered}}</td><td>{{.CheckinsExpected}}</td><td>{{.Missed}}</td><td{{if ge .ConsecutiveMisses 2}} class="warn"{{end}}>{{.ConsecutiveMisses}}</td><td>{{.PausedDays}}</td><td>{{mood .MoodAvg}}</td><td>{{.SupportRequests}}</td></tr>
{{end}}</table>
{{range .Sections}}<h2>{{.Title}}</h2><ul>{{range .Lines}}<li>{{.}}</li>{{end}}</ul>
{{end}}</body></html>
`))

// DigestHTML renders a single self-contained page in the digest's
// reader's language, with the chart embedded when given.
func DigestHTML(d *bot.Digest, chart []byte) ([]byte, error) {
	l := d.Lang
	data := struct {
		D                                 *bot.Digest
		Lang, Title, Period, Residents    string
		ParticipationLabel, Participation string
		MoodLabel, Mood, ChartAlt         string
		Columns                           []string
		Chart                             template.URL
		Sections                          []section
	}{D: d, Lang: l.Code(), Title: title(l, d), Period: period(l, d), Residents: l.T("digest.residents"),
		ParticipationLabel: l.T("digest.participation.label"), Participation: participationLine(l, d),
		MoodLabel: l.T("digest.mood.label"), Mood: moodLine(l, d), ChartAlt: l.T("digest.chart.alt"),
		Columns: columns(l), Sections: sections(l, d)}
	if len(chart) > 0 {
		// The chart is our own PNG, so the data URL is safe to embed.
		data.Chart = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(chart))
	}
	var buf bytes.Buffer
	if err := digestHTML.Execute(&buf, data); err != nil {
		return nil, fmt.Errorf("digest html: %w", err)
	}
	return buf.Bytes(), nil
}
