package bot

// AllMoods is allMoods for the external tests: every vector of k moods.
var AllMoods = allMoods
