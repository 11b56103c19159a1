package bot

import "strings"

// ScreenRelapseForTest makes b screen text holding phrase (in any case) as
// a relapse, and everything else with the house's real screener. Tests use
// it to reach the relapse flows without depending on the phrase lists.
func (b *Bot) ScreenRelapseForTest(phrase string) {
	phrase = strings.ToLower(phrase)
	b.screenHook = func(h *House, text string) Concern {
		if strings.Contains(strings.ToLower(text), phrase) {
			return ConcernRelapse
		}
		return b.screenerFor(h).Screen(text)
	}
}
