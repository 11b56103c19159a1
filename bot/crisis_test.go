package bot

import "testing"

// The crisis matcher's test cases: true phrasings must match, benign ones
// (recovery storytelling, idioms) must not. Change the phrase list only with
// cases here for both kinds.
func TestCrisisMatch(t *testing.T) {
	match := []string{
		"I want to kill myself",
		"i WANT TO DIE",
		"I don’t want to be here anymore", // curly apostrophe
		"I dont want to live",
		"thinking about suicide",
		"I think I'm going to use tonight",
		"im about to drink",
		"I relapsed last night",
		"I took too many pills",
		"I'm not safe right now",
		"i am not safe",
		"might overdose",
		"I want to end it all.",
		"i feel suicidal",
		"I'm drunk",
		"I don't want to be alive anymore",
		"i cant go on like this",
		"gonna kill my self",
		"feeling sucidal",
		"might over dose",
	}
	benign := []string{
		"I was killing myself with booze back then",
		"this commute is killing me",
		"you're killing me, that joke",
		"Going to use the laundry room after dinner",
		"gonna use my day off to rest",
		"We watched a talk on suicide prevention",
		"I'm dying to see the new movie",
		"great day, 5",
		"",
		"the drunken sailor song at karaoke",
		"highlight of my week",
		"skillful",
		"I can't go online at work",
		"the cantaloupe is gone",
	}
	for _, s := range match {
		if !CrisisMatch(s) {
			t.Errorf("CrisisMatch(%q) = false, want true", s)
		}
	}
	for _, s := range benign {
		if CrisisMatch(s) {
			t.Errorf("CrisisMatch(%q) = true, want false", s)
		}
	}
}

func FuzzCrisisMatch(f *testing.F) {
	for _, s := range []string{"I want to die", "killing me", "", "’’’", "kill\u00a0myself"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := CrisisMatch(s)
		// Case never changes the outcome.
		if CrisisMatch(upper(s)) != got && isASCII(s) {
			t.Errorf("case changed the outcome for %q", s)
		}
	})
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
