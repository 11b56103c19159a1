package bot

// crisisPhrases is the curated list of phrases that trigger the crisis
// response, in normalised form (lowercase, no apostrophes, single spaces).
// Keep it small and reviewed: every change needs a true-phrasing test and a
// benign-phrasing test in crisis_test.go, and both error types should be
// measured before and after.
var crisisPhrases = []string{
	// Suicidal intent.
	"kill myself", "killing myself", "end my life", "ending my life", "take my own life",
	"want to die", "wanna die", "suicidal", "suicide", "better off dead", "no reason to live",
	"dont want to be here anymore", "dont want to live", "end it all", "hurt myself", "harm myself",
	"cut myself", "kms", "dont want to be alive", "dont wanna be alive", "dont wanna live",
	"cant go on", "no point living", "no point in living",
	// Common misspellings of the above.
	"kill my self", "kil myself", "suicde", "sucide", "suicidel", "sucidal", "suicidial", "want to dye",
	// Overdose.
	"overdose", "overdosed", "overdosing", "od ing", "took too many pills", "took too much",
	"overdoes", "overdoze", "over dose",
	// Relapse in progress or imminent.
	"going to use", "gonna use", "about to use", "about to drink", "going to drink", "gonna drink",
	"im using again", "i relapsed", "relapsing", "im drunk", "im high",
	// Not safe.
	"im not safe", "i am not safe", "not safe right now", "in danger", "cant keep myself safe",
}

// crisisExceptions are benign phrasings removed before matching, such as
// past-tense recovery stories and idioms.
var crisisExceptions = []string{
	"was killing myself", "were killing me", "is killing me", "killing me", "kill me now",
	"suicide prevention", "suicide awareness", "going to use the", "gonna use the", "about to use the",
	"going to use my", "gonna use my", "going to use a", "gonna use a",
}
