package bot

// Bot is the core. It implements Handler.
type Bot struct{}
