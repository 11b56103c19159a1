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
	"github.com/porchlight/porchlight/bot"
	"html/template"
	"strconv"
	"strings"
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

func period(d *bot.Digest) string {
	return fmt.Sprintf("%s – %s", d.PeriodStart.Format("Mon 2 Jan"), d.PeriodEnd.AddDate(0, 0, -1).Format("Mon 2 Jan 2006"))
}

// participationLine says the totals and the change from the week before.
func participationLine(d *bot.Digest) string {
	t := d.Totals
	if t.Expected == 0 {
		return "no check-ins were expected."
	}
	s := fmt.Sprintf("%d of %d check-ins answered (%s)", t.Answered, t.Expected, pct(t.ParticipationRate))
	if t.PreviousRate != nil && t.ParticipationRate != nil {
		diff := 100 * (*t.ParticipationRate - *t.PreviousRate)
		switch {
		case diff >= 0.5:
			s += fmt.Sprintf(", up %.0f points from %s", diff, pct(t.PreviousRate))
		case diff <= -0.5:
			s += fmt.Sprintf(", down %.0f points from %s", -diff, pct(t.PreviousRate))
		default:
			s += ", the same as the week before"
		}
	}
	return s + "."
}

func moodLine(d *bot.Digest) string {
	var trend []string
	for _, m := range d.Totals.MoodTrend {
		trend = append(trend, mood(m))
	}
	if d.Totals.MoodAvg == nil {
		return fmt.Sprintf("not shown this week (it needs moods from at least %d residents, and is left out whenever it could give away a private answer). Last 4 weeks: %s.", bot.MinGroup, strings.Join(trend, " → "))
	}
	return fmt.Sprintf("house average %s of 5. Last 4 weeks: %s.", mood(d.Totals.MoodAvg), strings.Join(trend, " → "))
}

func residentLine(res bot.DigestResident) string {
	var parts []string
	if res.CheckinsExpected > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d", res.CheckinsAnswered, res.CheckinsExpected))
	}
	if res.ConsecutiveMisses >= 2 {
		parts = append(parts, fmt.Sprintf("⚠️ %d missed in a row", res.ConsecutiveMisses))
	}
	if res.PausedDays > 0 {
		parts = append(parts, fmt.Sprintf("paused %d day(s)", res.PausedDays))
	}
	if res.MoodAvg != nil {
		parts = append(parts, "mood "+mood(res.MoodAvg))
	}
	if res.SupportRequests > 0 {
		parts = append(parts, fmt.Sprintf("asked for someone to reach out %d time(s)", res.SupportRequests))
	}
	if res.PingsOff {
		parts = append(parts, "partner pings off")
	}
	if len(parts) == 0 {
		parts = append(parts, "no check-ins this week")
	}
	return res.Name + " — " + strings.Join(parts, ", ")
}

func supportLines(d *bot.Digest) []string {
	lines := []string{fmt.Sprintf("%d request(s) for someone to reach out.", d.Support.ReachOutRequests)}
	if len(d.Support.CrisisAlerts) == 0 {
		return append(lines, "No crisis alerts.")
	}
	for _, a := range d.Support.CrisisAlerts {
		l := fmt.Sprintf("Crisis alert: %s, %s — ", a.Resident, a.At.Format("Mon 2 Jan 15:04"))
		if a.AckMinutes != nil {
			l += fmt.Sprintf("a mentor was on it after %.0f min", *a.AckMinutes)
		} else {
			l += "not acknowledged"
		}
		if a.Escalated {
			l += " (escalated to the operators)"
		}
		lines = append(lines, l+".")
	}
	return lines
}

func activityLine(a bot.DigestActivity) string {
	s := fmt.Sprintf("%s, %s: ", a.Title, a.StartsAt.Format("Mon 2 Jan 15:04"))
	switch a.Status {
	case "cancelled", "skipped":
		return s + a.Status + "."
	}
	return s + fmt.Sprintf("%d going, %d maybe, %d came.", a.Going, a.Maybe, a.Attended)
}

func partnerLines(d *bot.Digest) []string {
	var lines []string
	for _, p := range d.Partners.Pairs {
		lines = append(lines, fmt.Sprintf("%s — connected on %d day(s)", strings.Join(p.Members, " & "), p.ConnectedDays))
	}
	lines = append(lines, fmt.Sprintf("%d nudge(s); %d ping(s) to partners, %d answered.", d.Partners.Nudges, d.Partners.PingsSent, d.Partners.PingsAnswered))
	if d.Partners.PingsOff > 0 {
		lines = append(lines, fmt.Sprintf("%d resident(s) turned partner pings off.", d.Partners.PingsOff))
	}
	return lines
}

// mentoringLines are the counts of mentoring and goals: never who, never
// what was agreed or what the goals are.
func mentoringLines(d *bot.Digest) []string {
	m := d.Mentoring
	var lines []string
	if m.Agreements == 0 && m.ContactsDue == 0 {
		lines = append(lines, "No mentoring agreements.")
	} else {
		lines = append(lines, fmt.Sprintf("%d mentoring agreement(s); %d agreed contact(s): %d happened, %d missed, %d rescheduled, %d not answered yet.",
			m.Agreements, m.ContactsDue, m.Happened, m.Missed, m.Rescheduled, m.Unanswered))
	}
	return append(lines, fmt.Sprintf("%d resident(s) working on recovery goals.", d.Goals.ResidentsWithGoals))
}

func milestoneLines(d *bot.Digest) []string {
	var lines []string
	for _, c := range d.Milestones.Celebrated {
		lines = append(lines, fmt.Sprintf("🎉 %s: %s", c.Resident, c.Milestone))
	}
	if len(d.Milestones.Joined) > 0 {
		lines = append(lines, "Joined: "+strings.Join(d.Milestones.Joined, ", "))
	}
	if len(d.Milestones.Left) > 0 {
		lines = append(lines, "Left: "+strings.Join(d.Milestones.Left, ", "))
	}
	if len(lines) == 0 {
		lines = append(lines, "None this week.")
	}
	return lines
}

// meetingLines are each resident's meetings against the house's ask, in
// the residents' order: counts only, and no ranking.
func meetingLines(d *bot.Digest) []string {
	m := d.Meetings
	var lines []string
	if m.RequiredPerWeek != nil {
		lines = append(lines, fmt.Sprintf("The house asks for %d a week.", *m.RequiredPerWeek))
	}
	logged := 0
	for _, r := range m.Residents {
		l := fmt.Sprintf("%s — %d logged", r.Name, r.Logged)
		if r.MetRequirement != nil && *r.MetRequirement {
			l += " ✓"
		}
		lines = append(lines, l)
		logged += r.Logged
	}
	if logged == 0 && m.RequiredPerWeek == nil {
		return []string{"None logged this week."}
	}
	return lines
}

// choreLines are the chores' completion rates.
func choreLines(d *bot.Digest) []string {
	c := d.Chores
	if !c.Enabled && c.Assigned == 0 {
		return []string{"Chores are not run through Porchlight."}
	}
	if c.Assigned == 0 {
		return []string{"No turns this week."}
	}
	lines := []string{fmt.Sprintf("%d of %d turns marked done (%s).", c.Done, c.Assigned, pct(c.CompletionRate))}
	for _, ch := range c.Chores {
		if ch.Assigned > 0 {
			lines = append(lines, fmt.Sprintf("%s: %d of %d (%s)", ch.Name, ch.Done, ch.Assigned, pct(ch.CompletionRate)))
		}
	}
	return lines
}

// DigestText renders the digest for chat and the terminal, with
// *bold* headings that the adapters format.
func DigestText(d *bot.Digest) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*Weekly digest — %s, %s* (%s)\n", d.House, d.Week, period(d))
	fmt.Fprintf(&b, "*Participation:* %s\n", participationLine(d))
	fmt.Fprintf(&b, "*Mood:* %s\n", moodLine(d))
	b.WriteString("\n*Residents*\n")
	if len(d.Residents) == 0 {
		b.WriteString("• Nobody had joined.\n")
	}
	for _, r := range d.Residents {
		b.WriteString("• " + residentLine(r) + "\n")
	}
	for _, sec := range sections(d) {
		b.WriteString("\n*" + sec.Title + "*\n")
		for _, l := range sec.Lines {
			b.WriteString("• " + l + "\n")
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
func sections(d *bot.Digest) []section {
	var acts []string
	for _, a := range d.Activities {
		acts = append(acts, activityLine(a))
	}
	if len(acts) == 0 {
		acts = []string{"None this week."}
	}
	return []section{{"Support", supportLines(d)}, {"Activities", acts}, {"Partners", partnerLines(d)}, {"Mentoring and goals", mentoringLines(d)},
		{"Meetings", meetingLines(d)}, {"Chores", choreLines(d)}, {"Members and milestones", milestoneLines(d)}}
}

// DigestMarkdown renders the digest as Markdown, with a table of
// residents.
func DigestMarkdown(d *bot.Digest) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Weekly digest — %s, %s\n\n%s\n\n", d.House, d.Week, period(d))
	fmt.Fprintf(&b, "**Participation:** %s\n\n**Mood:** %s\n\n", participationLine(d), moodLine(d))
	b.WriteString("## Residents\n\n| Resident | Answered | Expected | Missed | Missed in a row | Paused days | Mood | Asked for support |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range d.Residents {
		flag := strconv.Itoa(r.ConsecutiveMisses)
		if r.ConsecutiveMisses >= 2 {
			flag = "**" + flag + "** ⚠️"
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %s | %d | %s | %d |\n", mdEscape(r.Name), r.CheckinsAnswered, r.CheckinsExpected, r.Missed, flag, r.PausedDays, mood(r.MoodAvg), r.SupportRequests)
	}
	for _, sec := range sections(d) {
		b.WriteString("\n## " + sec.Title + "\n\n")
		for _, l := range sec.Lines {
			b.WriteString("- " + mdEscape(l) + "\n")
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

var digestHTML = template.Must(template.New("digest").Funcs(template.FuncMap{"mood": mood, "row": residentLine}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Weekly digest — {{.D.House}}, {{.D.Week}}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:right}td:first-child,th:first-child{text-align:left}
.warn{color:#b00;font-weight:bold}img{max-width:100%}</style></head><body>
<h1>Weekly digest — {{.D.House}}, {{.D.Week}}</h1>
<p>{{.Period}}</p>
<p><strong>Participation:</strong> {{.Participation}}</p>
<p><strong>Mood:</strong> {{.Mood}}</p>
{{if .Chart}}<p><img alt="Participation and mood over the last 8 weeks" src="{{.Chart}}"></p>{{end}}
<h2>Residents</h2>
<table><tr><th>Resident</th><th>Answered</th><th>Expected</th><th>Missed</th><th>Missed in a row</th><th>Paused days</th><th>Mood</th><th>Asked for support</th></tr>
{{range .D.Residents}}<tr><td>{{.Name}}</td><td>{{.CheckinsAnswered}}</td><td>{{.CheckinsExpected}}</td><td>{{.Missed}}</td><td{{if ge .ConsecutiveMisses 2}} class="warn"{{end}}>{{.ConsecutiveMisses}}</td><td>{{.PausedDays}}</td><td>{{mood .MoodAvg}}</td><td>{{.SupportRequests}}</td></tr>
{{end}}</table>
{{range .Sections}}<h2>{{.Title}}</h2><ul>{{range .Lines}}<li>{{.}}</li>{{end}}</ul>
{{end}}</body></html>
`))

// DigestHTML renders a single self-contained page, with the chart
// embedded when given.
func DigestHTML(d *bot.Digest, chart []byte) ([]byte, error) {
	data := struct {
		D                           *bot.Digest
		Period, Participation, Mood string
		Chart                       template.URL
		Sections                    []section
	}{D: d, Period: period(d), Participation: participationLine(d), Mood: moodLine(d), Sections: sections(d)}
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
